use racewise_models::model_check;

#[model_check]
struct NotATest {
    counter: usize,
}

fn main() {}
