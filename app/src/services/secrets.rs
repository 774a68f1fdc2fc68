//! Random tokens, hashes of tokens, and password hashing with argon2id.

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

pub fn random_bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)
        .map_err(|e| AppError::internal(format!("system randomness unavailable: {e}")))?;
    Ok(buf)
}

/// 256 random bits, URL-safe base64: session cookies, CSRF cookies, one-time secrets.
pub fn random_token() -> Result<String, AppError> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// A password for a person to type: 4 groups of 5 lowercase letters and digits (~100 bits).
pub fn random_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let bytes = random_bytes::<20>()?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Argon2id with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane: the crate's
/// defaults), salted, as a PHC string. Runs off the async threads: it costs tens of milliseconds.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _running = Running::start();
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// How many password hashes are computed at once: each takes 19 MiB, so a burst of logins is
/// queued rather than allowed to take memory without bound.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(hashing_bound()));

/// Password hashes being computed now, and the most ever computed at once (`/metrics`).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// One hash being computed, counted while it lives.
struct Running;

impl Running {
    fn start() -> Running {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// (being computed now, most at once since start, the bound).
pub fn hashing_figures() -> (usize, usize, usize) {
    (
        RUNNING.load(Ordering::SeqCst),
        PEAK.load(Ordering::SeqCst),
        hashing_bound(),
    )
}

fn hashing_bound() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// Checks a password against a stored PHC string. With no stored hash (unknown account) it
/// still does the same work, so that timing does not tell which e-mail addresses exist.
pub async fn verify_password(stored: Option<String>, password: &str) -> Result<bool, AppError> {
    let password = password.to_owned();
    let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _running = Running::start();
        verify_counted(stored, &password).map(|(ok, _)| ok)
    })
    .await
    .map_err(AppError::internal)?
}

/// The verification itself, with the number of argon2 verifications it ran (always one).
fn verify_counted(stored: Option<String>, password: &str) -> Result<(bool, u32), AppError> {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        Argon2::default()
            .hash_password(b"minga-timing-equaliser")
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    let known = stored.is_some();
    let phc = stored.unwrap_or_else(|| DUMMY.clone());
    let parsed = PasswordHash::new(&phc).map_err(AppError::internal)?;
    let mut runs = 0;
    let mut verify = || {
        runs += 1;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    };
    // verified in every case (never `known && verify()`, which skips the work for an unknown
    // address and answers a hundred times faster)
    let matches = verify();
    Ok((known && matches, runs))
}

/// Computes the dummy hash unknown addresses are checked against, so that the first such login
/// is not slower than the others.
pub fn warm_up() {
    let _ = verify_counted(None, "");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_with_argon2id_owasp_parameters_and_verify() {
        let phc = hash_password("correct horse battery").await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(
            verify_password(Some(phc.clone()), "correct horse battery")
                .await
                .expect("verify")
        );
        assert!(
            !verify_password(Some(phc), "correct horse battery!")
                .await
                .expect("verify")
        );
        assert!(!verify_password(None, "anything").await.expect("verify"));
    }

    /// A burst of logins waits in line: every one completes (a queue, not a refusal), and never
    /// more hashes run at once than there are cores (each takes 19 MiB).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_burst_of_hashes_is_queued_to_the_number_of_cores() {
        let bound = hashing_figures().2;
        let phc = hash_password("burst password").await.expect("hash");
        let burst = (0..bound * 4 + 3).map(|n| {
            let phc = phc.clone();
            tokio::spawn(async move {
                if n % 2 == 0 {
                    verify_password(Some(phc), "burst password").await
                } else {
                    hash_password("another burst password").await.map(|_| true)
                }
            })
        });
        let results = futures_join(burst.collect()).await;
        assert!(results.iter().all(|ok| *ok), "every request was answered");
        let (now, peak, bound) = hashing_figures();
        assert!(peak >= 1);
        assert!(
            peak <= bound,
            "{peak} hashes ran at once, more than {bound}"
        );
        assert!(now <= bound);
    }

    async fn futures_join(
        handles: Vec<tokio::task::JoinHandle<Result<bool, AppError>>>,
    ) -> Vec<bool> {
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.expect("join").expect("hash"));
        }
        out
    }

    #[test]
    fn an_unknown_address_costs_one_verification_like_a_known_one() {
        let phc = Argon2::default()
            .hash_password(b"right")
            .expect("hash")
            .to_string();
        assert_eq!(
            verify_counted(Some(phc.clone()), "right").expect("v"),
            (true, 1)
        );
        assert_eq!(verify_counted(Some(phc), "wrong").expect("v"), (false, 1));
        // no account: still one full verification, and never a match, even for the dummy's
        // own password
        assert_eq!(verify_counted(None, "anything").expect("v"), (false, 1));
        assert_eq!(
            verify_counted(None, "minga-timing-equaliser").expect("v"),
            (false, 1)
        );
    }

    #[test]
    fn generated_secrets_are_distinct_and_well_formed() {
        let a = random_token().expect("token");
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token().expect("token"));
        let p = random_password().expect("password");
        assert_eq!(p.len(), 23);
        assert_eq!(p.split('-').count(), 4);
    }
}
