//! Random tokens, hashes of tokens, and password hashing with argon2id.

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

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
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// Checks a password against a stored PHC string. With no stored hash (unknown account) it
/// still does the same work, so that timing does not tell which e-mail addresses exist.
pub async fn verify_password(stored: Option<String>, password: &str) -> Result<bool, AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = match stored {
            Some(s) => s,
            None => DUMMY
                .get_or_init(|| {
                    Argon2::default()
                        .hash_password(b"minga-timing-equaliser")
                        .map(|h| h.to_string())
                        .unwrap_or_default()
                })
                .clone(),
        };
        let parsed = PasswordHash::new(&phc).map_err(AppError::internal)?;
        Ok(known
            && Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
    })
    .await
    .map_err(AppError::internal)?
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
