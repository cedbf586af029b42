//! HTTP GET for backends and `?url=` loading: the configured headers, a timeout, and cancellation (a newer
//! request of the same kind cancels the older one). What to ask and how to read the answer are pure functions
//! of the model crate (`spanscope_model::backend`); this module only moves bytes.

use leptos::leptos_dom::helpers::set_timeout_with_handle;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// How long a request may take before it is abandoned.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Why a request produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The browser refused or could not connect (CORS, DNS, refused, offline): fetch gives no detail.
    Network(String),
    TimedOut,
    Cancelled,
}

/// A handle that cancels the request it was given to.
#[derive(Clone)]
pub struct Cancel {
    controller: Option<web_sys::AbortController>,
    cancelled: Rc<Cell<bool>>,
}

impl Default for Cancel {
    fn default() -> Self {
        Cancel { controller: web_sys::AbortController::new().ok(), cancelled: Rc::new(Cell::new(false)) }
    }
}

impl Cancel {
    pub fn cancel(&self) {
        self.cancelled.set(true);
        if let Some(c) = &self.controller {
            c.abort();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }
}

/// GETs `url` with `headers`; returns the status and the body. Non-2xx statuses are answers, not errors: the
/// caller reads them (a 404 can mean "no traces").
pub async fn get(url: &str, headers: &[(String, String)], cancel: &Cancel) -> Result<(u16, Vec<u8>), FetchError> {
    get_with(url, headers, cancel, web_sys::RequestCredentials::SameOrigin).await
}

/// GETs an address someone put in a link (`?url=`): no cookies or other credentials, whatever its origin, and no
/// configured headers (those belong to their own backend).
pub async fn get_anonymous(url: &str, cancel: &Cancel) -> Result<(u16, Vec<u8>), FetchError> {
    get_with(url, &[], cancel, web_sys::RequestCredentials::Omit).await
}

async fn get_with(
    url: &str,
    headers: &[(String, String)],
    cancel: &Cancel,
    credentials: web_sys::RequestCredentials,
) -> Result<(u16, Vec<u8>), FetchError> {
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let timed_out = timed_out.clone();
        let controller = cancel.controller.clone();
        set_timeout_with_handle(
            move || {
                timed_out.set(true);
                if let Some(c) = controller {
                    c.abort();
                }
            },
            TIMEOUT,
        )
        .ok()
    };
    let why = |e: gloo_net::Error| {
        if cancel.is_cancelled() {
            FetchError::Cancelled
        } else if timed_out.get() {
            FetchError::TimedOut
        } else {
            FetchError::Network(e.to_string())
        }
    };
    let mut req = gloo_net::http::Request::get(url).credentials(credentials);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let signal = cancel.controller.as_ref().map(|c| c.signal());
    let result = async {
        let resp = req.abort_signal(signal.as_ref()).send().await.map_err(why)?;
        let status = resp.status();
        let body = resp.binary().await.map_err(why)?;
        Ok((status, body))
    }
    .await;
    if let Some(t) = timer {
        t.clear();
    }
    result
}
