//! `MaybeDone`: a child future that keeps its output once it has one, until the combinator collects it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

pin_project! {
    /// A future, then its output, then nothing once the output is taken.
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneReplace]
    #[derive(Debug)]
    pub(crate) enum MaybeDone<F: Future> {
        Future { #[pin] future: F },
        Done { output: F::Output },
        Gone,
    }
}

impl<F: Future> MaybeDone<F> {
    pub(crate) fn new(future: F) -> MaybeDone<F> {
        MaybeDone::Future { future }
    }

    /// Polls the future if it is still running. Returns true if it finished in this poll (the output is
    /// then stored and the future dropped), false if it is still pending or had finished before.
    pub(crate) fn poll_finish(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        let MaybeDoneProj::Future { future } = self.as_mut().project() else { return false };
        match future.poll(cx) {
            Poll::Ready(output) => {
                self.set(MaybeDone::Done { output });
                true
            }
            Poll::Pending => false,
        }
    }

    /// True once the future has finished (whether or not its output was taken).
    pub(crate) fn is_done(&self) -> bool {
        !matches!(self, MaybeDone::Future { .. })
    }

    /// Takes the stored output out, leaving `Gone`; `None` if the future has not finished (it is then
    /// left untouched) or the output was taken already.
    pub(crate) fn take_output(self: Pin<&mut Self>) -> Option<F::Output> {
        self.take_output_if(|_| true)
    }

    /// Like [`MaybeDone::take_output`], but only takes an output that `pred` accepts: `try_gather` takes
    /// the first error out and leaves the `Ok` values in place.
    pub(crate) fn take_output_if(
        mut self: Pin<&mut Self>,
        pred: impl FnOnce(&F::Output) -> bool,
    ) -> Option<F::Output> {
        if !matches!(&*self, MaybeDone::Done { output } if pred(output)) {
            return None;
        }
        match self.as_mut().project_replace(MaybeDone::Gone) {
            MaybeDoneReplace::Done { output } => Some(output),
            _ => unreachable!("checked to be Done"),
        }
    }
}
