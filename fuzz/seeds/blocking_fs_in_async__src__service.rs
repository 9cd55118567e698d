//! A hand-written tower `Service` serving static files.

use std::fs as stdfs;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower::Service;

#[derive(Clone)]
pub struct StaticFiles {
    root: PathBuf,
}

impl StaticFiles {
    // Negative: sync warm-up at construction time.
    pub fn preload(root: PathBuf) -> io::Result<(Self, usize)> {
        let count = stdfs::read_dir(&root)?.count();
        Ok((Self { root }, count))
    }
}

impl Service<Request<()>> for StaticFiles {
    type Response = Response<Vec<u8>>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    // Positive: the boxed `async move` block is polled on the runtime; `stdfs` aliases `std::fs`.
    fn call(&mut self, req: Request<()>) -> Self::Future {
        let path = self.root.join(req.uri().path().trim_start_matches('/'));
        Box::pin(async move {
            let body = stdfs::read(&path)?; //~ blocking_fs_in_async
            Ok(Response::new(body))
        })
    }
}
