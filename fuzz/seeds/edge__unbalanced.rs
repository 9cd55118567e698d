async fn f() { std::process::exit(1); 
