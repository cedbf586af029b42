//! Talking to a backend: sends the model's requests (`spanscope_model::backend`) in order, falling back to the
//! next alternative when the model says the server lacks an endpoint, and turns every failure into one message
//! that names the backend, the address and the cause. Large answers that carry whole traces are imported in the
//! import worker ([`import_answer`]).

use crate::http::{self, Cancel, FetchError};
use crate::worker::{Source, WorkerInput};
use spanscope_model::backend::{network_error_message, Answer, BackendConfig, BackendError, Call};
use spanscope_model::Trace;

/// Answers from this size on are imported in the import worker, so a large answer does not hold up the page (a
/// smaller one takes less time to import here than to hand over).
const WORKER_FROM_BYTES: usize = 512 * 1024;

/// Imports the traces of a backend's answer (a trace, or a search that carries whole traces): a large answer in
/// the import worker (where one can start), a small one on the page. The error is the importer's message.
pub async fn import_answer(name: &str, body: &[u8]) -> Result<Vec<Trace>, String> {
    if body.len() >= WORKER_FROM_BYTES {
        if let Ok(worker) = crate::worker::spawn() {
            let input = WorkerInput { name: name.to_string(), source: Source::Bytes(body.to_vec()) };
            return match crate::worker::import_in_worker(worker, vec![input], |_| {}).await {
                Ok(imported) => match imported.outcomes.into_iter().next().map(|o| o.result) {
                    Some(Err(message)) => Err(message),
                    _ => Ok(imported.traces),
                },
                Err(message) => Err(format!(
                    "the import of the answer ({}) stopped: {message}",
                    crate::worker::human_size(body.len() as f64)
                )),
            };
        }
    }
    spanscope_model::import::import(body).map_err(|e| e.to_string())
}

/// Why a backend call produced nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientError {
    /// A newer request replaced this one; nothing to show.
    Cancelled,
    /// The message for the user.
    Failed(String),
}

/// Runs `calls` in order until one gives an answer.
pub async fn run<T>(
    backend: &BackendConfig,
    calls: Vec<Call>,
    read: impl Fn(&BackendConfig, &Call, u16, &[u8]) -> Result<Answer<T>, BackendError>,
    cancel: &Cancel,
) -> Result<T, ClientError> {
    let mut tried = Vec::new();
    for call in calls {
        let url = call.request.url.clone();
        match http::get(&url, &call.request.headers, cancel).await {
            Ok((status, body)) => match read(backend, &call, status, &body) {
                Ok(Answer::Done(t)) => return Ok(t),
                Ok(Answer::FallBack) => tried.push(format!("{url} (HTTP {status})")),
                Err(e) => return Err(ClientError::Failed(e.to_string())),
            },
            Err(FetchError::Cancelled) => return Err(ClientError::Cancelled),
            Err(FetchError::TimedOut) => {
                return Err(ClientError::Failed(format!(
                    "{}: {url} did not answer within {} s. The backend may be overloaded; try a shorter time range or a lower limit.",
                    backend.name,
                    http::TIMEOUT.as_secs()
                )))
            }
            Err(FetchError::Network(_)) => return Err(ClientError::Failed(network_error_message(backend, &url))),
        }
    }
    Err(ClientError::Failed(format!(
        "{}: the backend has none of the endpoints spanscope knows for this. Tried: {}. Check its `url` and `kind` in config.json.",
        backend.name,
        tried.join(", ")
    )))
}
