//! Test helpers shared by the unit tests, the model's integration tests and the fuzz targets (not part of the
//! API): small traces written as (id, parent, start, duration) tuples, with ids as small integers (0 = no parent)
//! and times in nanoseconds; [`Pieces`], a document read as a stream in small pieces; and [`Stops`], a
//! [`Pause`] that waits once at every stop, as the page's does.

use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
use crate::ids::{SpanId, TraceId};
use crate::import::Reopen;
use crate::pause::Pause;
use crate::time::{DurationNs, TimestampNs};
use crate::trace::Trace;
use std::cell::Cell;
use std::io::{self, Read};

/// A builder holding these spans (trace 1, one service `svc`, names `op<id>`).
pub fn builder(spans: &[(u64, u64, i64, i64)]) -> TraceSetBuilder {
    let mut b = TraceSetBuilder::new();
    let r = b.add_resource("svc", &[]);
    let mut d = SpanDraft::default();
    for &(id, parent, start, duration) in spans {
        d.trace_id = TraceId::from_hex("1");
        d.span_id = SpanId::from_hex(&format!("{id:x}"));
        d.parent_id = SpanId::from_hex(&format!("{parent:x}"));
        d.name = b.intern(&format!("op{id}"));
        d.resource = r;
        d.start = Some(TimestampNs(start));
        d.duration = Some(DurationNs(duration));
        b.add_span(&mut d);
    }
    b
}

/// The built trace of these spans.
pub fn trace(spans: &[(u64, u64, i64, i64)]) -> Trace {
    builder(spans).finish(&BuildOptions::default()).remove(0)
}

/// A document read as a stream that gives at most `piece` bytes per read (how the app reads files over 128 MB,
/// with the pieces small so values, strings and escapes are split between reads), counting how often it is
/// opened.
pub struct Pieces<'a> {
    doc: &'a [u8],
    piece: usize,
    opened: Cell<usize>,
}

impl<'a> Pieces<'a> {
    pub fn new(doc: &'a [u8], piece: usize) -> Self {
        Pieces { doc, piece: piece.max(1), opened: Cell::new(0) }
    }

    /// How often [`Reopen::open`] was called (format detection's look at the start included).
    pub fn opened(&self) -> usize {
        self.opened.get()
    }
}

struct PieceReader<'a> {
    rest: &'a [u8],
    piece: usize,
}

impl Read for PieceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.piece).min(self.rest.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

impl Reopen for Pieces<'_> {
    fn open(&self) -> io::Result<Box<dyn Read + '_>> {
        self.opened.set(self.opened.get() + 1);
        Ok(Box::new(PieceReader { rest: self.doc, piece: self.piece }))
    }

    fn len_bytes(&self) -> Option<u64> {
        Some(self.doc.len() as u64)
    }
}

/// A [`Pause`] that is not ready the first time it is polled (as the page's yield to the browser is not), keeping
/// the progress given at each stop; [`Stops::run`] counts the polls a computation takes.
#[derive(Debug, Default)]
pub struct Stops {
    pub at: Vec<usize>,
}

impl Pause for Stops {
    fn pause(&mut self, progress: usize) -> impl std::future::Future<Output = ()> {
        self.at.push(progress);
        let mut waited = false;
        std::future::poll_fn(move |cx| {
            if waited {
                std::task::Poll::Ready(())
            } else {
                waited = true;
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            }
        })
    }
}

impl Stops {
    /// Polls `work` to its end; returns its result and the number of polls (one more than the stops that waited).
    pub fn run<T>(work: impl std::future::Future<Output = T>) -> (T, usize) {
        let mut work = std::pin::pin!(work);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let mut polls = 0;
        loop {
            polls += 1;
            if let std::task::Poll::Ready(result) = work.as_mut().poll(&mut cx) {
                return (result, polls);
            }
        }
    }
}
