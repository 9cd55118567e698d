//! Ledger transfers between accounts.

use std::sync::Mutex;

pub struct Account {
    pub id: u64,
    pub balance: Mutex<i64>,
}

// Positive: two instances of the same field (`Account.balance`) locked at once: the order
// depends on the arguments, the classic transfer deadlock.
pub fn transfer(from: &Account, to: &Account, amount: i64) -> bool {
    let mut src = from.balance.lock().unwrap();
    let mut dst = to.balance.lock().unwrap(); //~ multiple_locks_held
    if *src < amount {
        return false;
    }
    *src -= amount;
    *dst += amount;
    true
}

// Negative: each balance is read under its own temporary guard, one after the other.
pub fn audit(a: &Account, b: &Account) -> i64 {
    let first = *a.balance.lock().unwrap();
    let second = *b.balance.lock().unwrap();
    first + second
}

// Positive: two fn-local mutexes held together.
pub fn local_pair() -> i64 {
    let left = Mutex::new(1i64);
    let right = Mutex::new(2i64);
    let l = left.lock().unwrap();
    let r = right.lock().unwrap(); //~ multiple_locks_held
    *l + *r
}
