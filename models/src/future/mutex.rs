//! An async mutex (tokio's `Mutex` surface): `lock().await` waits without blocking the thread,
//! and the guard may be held across an `.await`.
//!
//! Built from a one-permit [`Semaphore`] and a slot the guard takes the value out of, so no
//! `unsafe` is needed: while a guard lives it owns the value, and it puts it back when dropped.

use std::ops::{Deref, DerefMut};

use super::backend::Mutex as SyncMutex;
use super::common::{lock, torn_down};
use super::semaphore::{Semaphore, SemaphorePermit};

/// An async mutex. See the module docs.
#[derive(Debug)]
pub struct Mutex<T> {
    sem: Semaphore,
    slot: SyncMutex<Option<T>>,
}

/// Exclusive access to a [`Mutex`]'s value, released when dropped.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T> {
    value: Option<T>,
    slot: &'a SyncMutex<Option<T>>,
    // Declared last: dropped after `Drop::drop` put the value back.
    _permit: SemaphorePermit<'a>,
}

impl<T> Mutex<T> {
    /// A mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self::named("mutex", value)
    }

    /// A mutex called `name` in the event log.
    pub fn named(name: &'static str, value: T) -> Self {
        Self {
            sem: Semaphore::named(name, 1),
            slot: SyncMutex::new(Some(value)),
        }
    }

    /// Waits for the lock.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        let Ok(permit) = self.sem.acquire().await;
        let value = lock(&self.slot).take();
        MutexGuard {
            value,
            slot: &self.slot,
            _permit: permit,
        }
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value.as_ref().expect("a live guard owns the value")
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect("a live guard owns the value")
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if !torn_down() {
            *lock(self.slot) = self.value.take();
        }
    }
}
