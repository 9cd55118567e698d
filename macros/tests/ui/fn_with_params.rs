use racewise_models::model_check;

#[model_check]
fn body_with_params(threads: usize, iterations: usize) {
    let _ = (threads, iterations);
}

fn main() {}
