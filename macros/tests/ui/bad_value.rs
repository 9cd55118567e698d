use racewise_models::model_check;

#[model_check(expect = "maybe")]
fn unknown_expectation() {}

#[model_check(schedulers = [random, bfs])]
fn unknown_scheduler() {}

#[model_check(pct_depth = 0)]
fn zero_depth() {}

#[model_check(expected = "lost update")]
fn expected_without_expect_bug() {}

fn main() {}
