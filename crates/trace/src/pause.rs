//! Long computations that stop now and then: a caller on a browser's UI thread (the page) lets it paint and answer
//! input between the pieces. Such a computation is an `async fn` taking a [`Pause`]; it calls [`Pause::pause`]
//! between pieces of work and goes on when the future is done. [`run_ready`] runs one to its end at once, with
//! [`NoPause`], for callers that do not stop (the worker, native code, tests).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Where a computation may stop a while (the codec's pausing decode, the pausing insights).
pub trait Pause {
    /// Called between pieces of work, with how far the computation has got (bytes read for the decoder, spans
    /// visited for an analysis); the computation goes on when the future is done.
    fn pause(&mut self, progress: usize) -> impl Future<Output = ()>;
}

/// Never stops.
#[derive(Debug, Default)]
pub struct NoPause;

impl Pause for NoPause {
    fn pause(&mut self, _progress: usize) -> impl Future<Output = ()> {
        std::future::ready(())
    }
}

/// Runs a computation whose pauses are always ready (such as [`NoPause`]'s) to its end.
pub fn run_ready<T>(work: impl Future<Output = T>) -> T {
    let mut work = pin!(work);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(result) = work.as_mut().poll(&mut cx) {
            return result;
        }
    }
}

/// A [`Pause`] behind a pointer, for a computation that should be compiled once whatever pauses it (one taking
/// `impl Pause` is compiled once per `Pause` type). A pause then costs an allocation: fine for pauses every
/// thousand spans or so.
pub trait DynPause {
    fn pause_boxed(&mut self, progress: usize) -> std::pin::Pin<Box<dyn Future<Output = ()> + '_>>;
}

impl<P: Pause> DynPause for P {
    fn pause_boxed(&mut self, progress: usize) -> std::pin::Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(self.pause(progress))
    }
}
