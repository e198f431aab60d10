//! Sign-in throttling: after repeated wrong passwords an account is locked for a while, longer
//! for each further failure, so guessing a password is impractically slow.

use chrono::Duration;

/// Wrong passwords in a row that are tolerated before the account is locked.
pub const FREE_ATTEMPTS: i32 = 5;
/// The longest lock.
pub const MAX_LOCK_MINUTES: i64 = 30;

/// How long the account is locked after `failures` wrong passwords in a row: none for the first
/// five, then one minute, doubling with each further failure, at most thirty minutes.
pub fn lock_after(failures: i32) -> Option<Duration> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(10) as u32;
    Some(Duration::minutes((1i64 << doublings).min(MAX_LOCK_MINUTES)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_grow_then_cap() {
        assert_eq!(lock_after(4), None);
        assert_eq!(lock_after(5), Some(Duration::minutes(1)));
        assert_eq!(lock_after(6), Some(Duration::minutes(2)));
        assert_eq!(lock_after(9), Some(Duration::minutes(16)));
        assert_eq!(lock_after(10), Some(Duration::minutes(30)));
        assert_eq!(lock_after(500), Some(Duration::minutes(30)));
    }
}
