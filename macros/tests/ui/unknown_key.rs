use racewise_models::model_check;

#[model_check(iteration = 10)]
fn typo_in_key() {}

fn main() {}
