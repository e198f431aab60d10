//! Sign-in throttling kept in memory. Per network address: many refused attempts from one
//! address, across any accounts, block that address for a while; a successful sign-in does not
//! reset the count (an attacker holding one account could otherwise clear it between guesses).
//! Per unknown username: the same lock schedule as a real account's, so the answers (401, then
//! 429 `account_locked`) never tell which usernames exist. A restart forgets both, which only
//! gives an attacker a few more tries while the per-account lock (in the database) still holds.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::domain::throttle::lock_after;

/// Failures from one address tolerated within the window.
pub const MAX_FAILURES: u32 = 20;
/// The window, and how long an address stays blocked.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Unknown usernames remembered at most; past it, those whose lock has run out are forgotten.
const MAX_UNKNOWN: usize = 10_000;

#[derive(Default)]
pub struct AddressThrottle {
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
    unknown: Mutex<HashMap<String, (i32, Option<NaiveDateTime>)>>,
}

impl AddressThrottle {
    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, (u32, Instant)>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `address` may try to sign in now.
    pub fn allowed(&self, address: IpAddr) -> bool {
        let mut table = self.table();
        match table.get(&address) {
            Some((_, since)) if since.elapsed() > WINDOW => {
                table.remove(&address);
                true
            }
            Some((count, _)) => *count < MAX_FAILURES,
            None => true,
        }
    }

    pub fn failed(&self, address: IpAddr) {
        let mut table = self.table();
        // Bound memory under a flood of addresses: forget windows that are over.
        if table.len() > 10_000 {
            table.retain(|_, (_, since)| since.elapsed() <= WINDOW);
        }
        let entry = table.entry(address).or_insert((0, Instant::now()));
        entry.0 += 1;
    }

    /// Until when an unknown `username` looks locked, as a real account would after the same
    /// failures.
    pub fn unknown_locked_until(&self, username: &str, now: NaiveDateTime) -> Option<NaiveDateTime> {
        let table = self.unknown.lock().unwrap_or_else(|p| p.into_inner());
        table.get(username).and_then(|(_, until)| *until).filter(|until| *until > now)
    }

    /// Counts a failed attempt on an unknown `username`.
    pub fn unknown_failed(&self, username: &str, now: NaiveDateTime) {
        let mut table = self.unknown.lock().unwrap_or_else(|p| p.into_inner());
        if table.len() >= MAX_UNKNOWN {
            table.retain(|_, (_, until)| until.is_some_and(|u| u > now));
        }
        if table.len() >= MAX_UNKNOWN {
            return;
        }
        let entry = table.entry(username.to_owned()).or_insert((0, None));
        entry.0 += 1;
        entry.1 = lock_after(entry.0).map(|d| now + d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_too_many_failures() {
        let t = AddressThrottle::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..MAX_FAILURES {
            assert!(t.allowed(a));
            t.failed(a);
        }
        assert!(!t.allowed(a));
        assert!(t.allowed(b), "other addresses are not affected");
    }

    #[test]
    fn an_unknown_username_locks_like_a_real_account() {
        let t = AddressThrottle::default();
        let now = chrono::Utc::now().naive_utc();
        for _ in 0..crate::domain::throttle::FREE_ATTEMPTS - 1 {
            t.unknown_failed("khong-co", now);
            assert_eq!(t.unknown_locked_until("khong-co", now), None);
        }
        t.unknown_failed("khong-co", now);
        assert_eq!(t.unknown_locked_until("khong-co", now), lock_after(5).map(|d| now + d));
        assert_eq!(t.unknown_locked_until("nguoi-khac", now), None);
    }
}
