use racewise_models::model_check;

// An async body is accepted, but like a sync one it reports failure by panicking.
#[model_check]
async fn async_body() -> u32 {
    1
}

fn main() {}
