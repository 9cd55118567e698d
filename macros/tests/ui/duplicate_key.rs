use racewise_models::model_check;

#[model_check(pct_depth = 3, iterations = 100, pct_depth = 4)]
fn pct_depth_twice() {}

fn main() {}
