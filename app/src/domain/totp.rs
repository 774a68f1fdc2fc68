//! The second factor: time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA-1,
//! 30-second steps, 6 digits — what every authenticator app reads from an `otpauth://` URI), and
//! the single-use recovery codes given at enrolment. Pure functions: the caller passes the time.

use hmac::{KeyInit, Mac};

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted on either side of the current one (a clock a little off, a code typed as it
/// changed).
pub const SKEW: u64 = 1;
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// HOTP (RFC 4226): the `DIGITS`-digit code of `secret` at `counter`.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(DIGITS)
}

/// The step of a Unix time.
pub fn step_of(unix_secs: i64) -> u64 {
    u64::try_from(unix_secs.max(0) / STEP_SECS).unwrap_or(0)
}

/// The step a typed code matches at `unix_secs`, if any, later than `last_used` (a code works
/// once: the same or an earlier step is refused). Spaces in what was typed are ignored.
pub fn check(secret: &[u8], typed: &str, unix_secs: i64, last_used: Option<u64>) -> Option<u64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u32 = digits.parse().ok()?;
    let now = step_of(unix_secs);
    (now.saturating_sub(SKEW)..=now + SKEW)
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .find(|step| hotp(secret, *step) == code)
}

/// Base32 (RFC 4648) without padding: how an authenticator app takes a secret.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            out.push(char::from(ALPHABET[((buffer >> (bits - 5)) & 31) as usize]));
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The `otpauth://` URI an authenticator app scans: issuer and account in the label, the secret
/// in base32.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

/// A recovery code as shown: 10 characters from an alphabet without look-alikes, in two groups.
pub fn recovery_code(random: &[u8; 10]) -> String {
    const ALPHABET: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let chars: String = random
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b % 31)]))
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// A typed recovery code as it is compared: lower case, without spaces or dashes.
pub fn normalize_recovery(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn the_rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B gives 8 digits; the last 6 are the 6-digit codes
        for (time, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
            (20_000_000_000, 353_130),
        ] {
            assert_eq!(hotp(SECRET, step_of(time)), code, "T = {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_only_once() {
        let now = 1_234_567_890;
        let code = format!("{:06}", hotp(SECRET, step_of(now)));
        let step = check(SECRET, &code, now, None).expect("accepted");
        assert_eq!(step, step_of(now));
        assert_eq!(check(SECRET, &code, now, Some(step)), None, "used once");
        assert_eq!(
            check(SECRET, &code, now + 30, None),
            Some(step),
            "a step late"
        );
        assert_eq!(
            check(SECRET, &code, now - 30, None),
            Some(step),
            "a step early"
        );
        assert_eq!(check(SECRET, &code, now + 90, None), None, "too late");
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(check(SECRET, &spaced, now, None), Some(step));
        for bad in ["", "12345", "1234567", "abcdef", "00 00 0"] {
            assert_eq!(check(SECRET, bad, now, None), None, "{bad:?}");
        }
    }

    #[test]
    fn base32_and_the_uri_an_app_reads() {
        assert_eq!(base32(SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            otpauth_uri("Minga", "ana@unam.mx", SECRET),
            "otpauth://totp/Minga:ana%40unam.mx?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Minga&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_read_the_same_however_typed() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 30]);
        assert_eq!(code, "abcde-fghj9");
        assert_eq!(normalize_recovery(" ABCDE - fghj9 "), "abcdefghj9");
        assert_eq!(normalize_recovery(&code), "abcdefghj9");
    }
}
