//! Talking to a backend: sends the model's requests (`spanscope_model::backend`) in order, falling back to the
//! next alternative when the model says the server lacks an endpoint, and turns every failure into one message
//! that names the backend, the address and the cause.

use crate::http::{self, Cancel, FetchError};
use spanscope_model::backend::{network_error_message, Answer, BackendConfig, BackendError, Call};

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
