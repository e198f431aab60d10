//! Throttling sign-in per network address: many wrong passwords from one address, across any
//! accounts, block that address for a while. Kept in memory: a restart forgets it, which only
//! gives an attacker a few more tries while the per-account lock (in the database) still holds.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures from one address tolerated within the window.
pub const MAX_FAILURES: u32 = 20;
/// The window, and how long an address stays blocked.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct AddressThrottle {
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
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

    pub fn succeeded(&self, address: IpAddr) {
        self.table().remove(&address);
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
}
