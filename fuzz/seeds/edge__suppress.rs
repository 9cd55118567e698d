// racewise: allow(exit_in_async)
async fn f() {
    // racewise: allow(nope) -- why
    std::process::exit(1); // racewise: allow(exit_in_async) -- ok
}
#[allow(clippy::await_holding_lock)]
mod m {}
