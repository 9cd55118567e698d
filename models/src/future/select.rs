//! A two-branch `select`: the first future to complete wins, and the other is dropped at the
//! await point it is suspended at (which one is the checker's choice, through the schedule).
//! Branches are polled in order, like `tokio::select!` with `biased;`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::common::record;

/// Which branch of [`select`] completed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Either<A, B> {
    /// The first branch, with its output.
    Left(A),
    /// The second branch, with its output.
    Right(B),
}

/// Waits for the first of `a` and `b`; the other is dropped (cancelled).
pub fn select<A: Future, B: Future>(a: A, b: B) -> Select<A, B> {
    Select {
        a: Some(Box::pin(a)),
        b: Some(Box::pin(b)),
    }
}

/// The future of [`select`].
#[must_use = "futures do nothing unless awaited"]
pub struct Select<A, B> {
    a: Option<Pin<Box<A>>>,
    b: Option<Pin<Box<B>>>,
}

impl<A: Future, B: Future> Future for Select<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let (Some(a), Some(b)) = (this.a.as_mut(), this.b.as_mut()) else {
            panic!("select polled after it completed");
        };
        if let Poll::Ready(v) = a.as_mut().poll(cx) {
            this.a = None;
            record(|| "select: first branch won, dropping the second".to_string());
            this.b = None;
            return Poll::Ready(Either::Left(v));
        }
        if let Poll::Ready(v) = b.as_mut().poll(cx) {
            this.b = None;
            record(|| "select: second branch won, dropping the first".to_string());
            this.a = None;
            return Poll::Ready(Either::Right(v));
        }
        Poll::Pending
    }
}
