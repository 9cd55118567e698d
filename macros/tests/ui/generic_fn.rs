use racewise_models::model_check;

#[model_check]
fn generic_body<T: Default>() {
    let _ = T::default();
}

fn main() {}
