//! Login throttling: after too many failed attempts for one account, or from one address, within
//! a window, further attempts are refused until the oldest failure leaves the window.

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub max_failures_per_account: usize,
    pub max_failures_per_ip: usize,
    pub window: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Refuse { retry_after: Duration },
}

/// Decides from the failure times (any order) recorded for the account and for the address.
pub fn decide(
    account_failures: &[DateTime<Utc>],
    ip_failures: &[DateTime<Utc>],
    now: DateTime<Utc>,
    policy: &Policy,
) -> Decision {
    let wait = |failures: &[DateTime<Utc>], max: usize| -> Option<Duration> {
        let mut recent: Vec<_> = failures
            .iter()
            .copied()
            .filter(|t| *t > now - policy.window && *t <= now)
            .collect();
        if max == 0 || recent.len() < max {
            return None;
        }
        recent.sort_unstable();
        // the attempt is allowed again once enough failures have aged out of the window
        let freeing = recent[recent.len() - max];
        Some(freeing + policy.window - now)
    };
    match (
        wait(account_failures, policy.max_failures_per_account),
        wait(ip_failures, policy.max_failures_per_ip),
    ) {
        (None, None) => Decision::Allow,
        (a, b) => Decision::Refuse {
            retry_after: a.max(b).unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes_ago: i64, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::minutes(minutes_ago)
    }

    #[test]
    fn table() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let policy = Policy {
            max_failures_per_account: 3,
            max_failures_per_ip: 5,
            window: Duration::minutes(15),
        };
        let m = |v: &[i64]| v.iter().map(|x| at(*x, now)).collect::<Vec<_>>();
        type Case = (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>, Decision);
        let cases: Vec<Case> = vec![
            (m(&[]), m(&[]), Decision::Allow),
            (m(&[1, 2]), m(&[1, 2]), Decision::Allow),
            // three failures for the account in the window: wait until the oldest ages out
            (
                m(&[1, 2, 10]),
                m(&[]),
                Decision::Refuse {
                    retry_after: Duration::minutes(5),
                },
            ),
            (
                m(&[1, 2, 10, 14]),
                m(&[]),
                Decision::Refuse {
                    retry_after: Duration::minutes(5),
                },
            ),
            // failures older than the window do not count
            (m(&[1, 2, 16, 30]), m(&[]), Decision::Allow),
            // the address limit is independent of the account
            (
                m(&[]),
                m(&[1, 2, 3, 4, 12]),
                Decision::Refuse {
                    retry_after: Duration::minutes(3),
                },
            ),
            // both refuse: the longer wait wins
            (
                m(&[1, 2, 3]),
                m(&[1, 2, 3, 4, 14]),
                Decision::Refuse {
                    retry_after: Duration::minutes(12),
                },
            ),
        ];
        for (account, ip, expected) in cases {
            assert_eq!(
                decide(&account, &ip, now, &policy),
                expected,
                "{account:?} {ip:?}"
            );
        }
    }
}
