use racewise_models::model_check;

#[model_check]
async fn async_body() {}

fn main() {}
