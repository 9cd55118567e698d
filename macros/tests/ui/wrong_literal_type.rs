use racewise_models::model_check;

#[model_check(iterations = "1000")]
fn iterations_as_string() {}

#[model_check(expect = bug)]
fn expect_without_quotes() {}

fn main() {}
