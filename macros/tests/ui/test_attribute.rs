use racewise_models::model_check;

#[model_check]
#[test]
fn also_marked_test() {}

fn main() {}
