//! The second factor: an authenticator app's codes (TOTP, [`crate::domain::totp`]) and ten
//! single-use recovery codes. Anyone may set it up at `/account/second-factor`; the offices of
//! `MINGA_SECOND_FACTOR_ROLES` must before they change anything (the access door refuses them
//! until then). With it on, a correct password opens no session: it opens a short challenge that
//! the code (or a recovery code) answers. An administrator can reset it for someone who lost
//! their device (audited; that person's sessions end).

use super::attempts;
use super::audit::{self, Actor};
use super::authority::{Admin, Signed};
use super::secrets;
use crate::db::Ts;
use crate::domain::totp;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::Tr;
use crate::{AppError, AppState};
use chrono::{Duration, Utc};
use serde_json::json;
use sqlx::SqlitePool;

/// How long the code may take to arrive after the password.
const CHALLENGE_TTL_MINUTES: i64 = 5;
/// The secret's length in bytes (160 bits, RFC 4226's recommendation).
const SECRET_BYTES: usize = 20;
/// The issuer an authenticator app shows beside the account.
const ISSUER: &str = "Minga";

/// Why a code or a step is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecondFactorProblem {
    /// Neither the current code nor an unused recovery code.
    CodeWrong,
    /// Already set up: reset it first (the administrator) to set up another device.
    AlreadyOn,
    /// The sign-in waited too long, or was never started.
    ChallengeExpired,
    /// An office held requires a second factor before changing anything.
    Required,
}

impl Reason for SecondFactorProblem {
    fn code(&self) -> &'static str {
        match self {
            SecondFactorProblem::CodeWrong => "code_wrong",
            SecondFactorProblem::AlreadyOn => "second_factor_on",
            SecondFactorProblem::ChallengeExpired => "challenge_expired",
            SecondFactorProblem::Required => "second_factor_required",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            SecondFactorProblem::CodeWrong => t.mfa_problem_code_wrong.into(),
            SecondFactorProblem::AlreadyOn => t.mfa_problem_already_on.into(),
            SecondFactorProblem::ChallengeExpired => t.mfa_problem_expired.into(),
            SecondFactorProblem::Required => t.mfa_problem_required.into(),
        }
    }

    fn link(&self, t: &'static Tr) -> Option<(&'static str, &'static str)> {
        match self {
            SecondFactorProblem::Required => Some(("/account/second-factor", t.mfa_set_up)),
            SecondFactorProblem::ChallengeExpired => Some(("/login", t.login_title)),
            _ => None,
        }
    }
}

/// Whether the account signs in with a second factor.
pub async fn is_on(db: &SqlitePool, account_id: i64) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_totp WHERE account_id = ? AND confirmed_at IS NOT NULL",
    )
    .bind(account_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// The secret being set up for an account, if one was started; refused when the second factor
/// is already on.
async fn pending_secret(
    conn: &mut sqlx::SqliteConnection,
    account_id: i64,
) -> AppResult<Option<Vec<u8>>> {
    let current: Option<(Vec<u8>, Option<Ts>)> =
        sqlx::query_as("SELECT secret, confirmed_at FROM account_totp WHERE account_id = ?")
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?;
    match current {
        Some((_, Some(_))) => Err(Invalid::one("", SecondFactorProblem::AlreadyOn).into()),
        Some((secret, None)) => Ok(Some(secret)),
        None => Ok(None),
    }
}

/// What an authenticator app needs to add the account.
#[derive(Clone, Debug)]
pub struct Enrolment {
    /// The secret in base32, for typing by hand.
    pub secret: String,
    /// The `otpauth://` URI, for the QR code.
    pub uri: String,
}

/// The secret being set up for the signed-in person: the one started before, or a new one.
/// Refused when a second factor is already on.
pub async fn enrolment(state: &AppState, who: &Signed, email: &str) -> AppResult<Enrolment> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let secret = match pending_secret(&mut tx, who.account_id()).await? {
        Some(secret) => secret,
        None => {
            let secret = secrets::random_bytes::<SECRET_BYTES>()?.to_vec();
            sqlx::query(
                "INSERT INTO account_totp (account_id, secret, created_at) VALUES (?, ?, ?)",
            )
            .bind(who.account_id())
            .bind(&secret)
            .bind(Ts::now())
            .execute(&mut *tx)
            .await?;
            secret
        }
    };
    tx.commit().await?;
    Ok(Enrolment {
        secret: totp::base32(&secret),
        uri: totp::otpauth_uri(ISSUER, email, &secret),
    })
}

/// The signed-in person types the app's current code: the second factor is on, and the ten
/// recovery codes (shown once, kept as SHA-256) are returned. Throttled like the password check.
pub async fn confirm(
    state: &AppState,
    who: &Signed,
    email: &str,
    code: &str,
    actor: &Actor,
) -> AppResult<Vec<String>> {
    let attempt = throttle(state, email, actor).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let secret = pending_secret(&mut tx, who.account_id())
        .await?
        .ok_or_else(|| Invalid::one("code", SecondFactorProblem::CodeWrong))?;
    let Some(step) = totp::check(&secret, code, Utc::now().timestamp(), None) else {
        return Err(Invalid::one("code", SecondFactorProblem::CodeWrong).into());
    };
    attempt.succeeded(&mut *tx).await?;
    sqlx::query("UPDATE account_totp SET confirmed_at = ?, last_step = ? WHERE account_id = ?")
        .bind(Ts::now())
        .bind(i64::try_from(step).unwrap_or(i64::MAX))
        .bind(who.account_id())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = ?")
        .bind(who.account_id())
        .execute(&mut *tx)
        .await?;
    let mut codes = Vec::with_capacity(totp::RECOVERY_CODES);
    for _ in 0..totp::RECOVERY_CODES {
        let code = totp::recovery_code(&secrets::random_bytes::<10>()?);
        sqlx::query("INSERT INTO recovery_codes (account_id, code_hash) VALUES (?, ?)")
            .bind(who.account_id())
            .bind(secrets::sha256(totp::normalize_recovery(&code).as_bytes()).to_vec())
            .execute(&mut *tx)
            .await?;
        codes.push(code);
    }
    // the sessions opened with the password alone end; this one stays
    sqlx::query("DELETE FROM sessions WHERE account_id = ? AND id <> ?")
        .bind(who.account_id())
        .bind(who.session_id().unwrap_or(0))
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "account.second_factor_on",
        "account",
        who.account_id(),
        Some(json!({"second_factor": false})),
        Some(json!({"second_factor": true, "recovery_codes": codes.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// The recovery codes the account has left.
pub async fn recovery_left(db: &SqlitePool, account_id: i64) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE account_id = ? AND used_at IS NULL",
    )
    .bind(account_id)
    .fetch_one(db)
    .await?)
}

/// A password accepted for an account with a second factor: the challenge's token (for a
/// cookie) that the code will answer within a few minutes; `next` is where to go after.
pub async fn challenge(state: &AppState, account_id: i64, next: &str) -> AppResult<String> {
    let token = secrets::random_token()?;
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO login_challenges (token_hash, account_id, next, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .bind(account_id)
    .bind(next)
    .bind(Ts(now))
    .bind(Ts(now + Duration::minutes(CHALLENGE_TTL_MINUTES)))
    .execute(&state.db)
    .await?;
    Ok(token)
}

/// Whether a challenge token is live (the code form is shown, or sign-in starts again).
pub async fn challenge_is_live(db: &SqlitePool, token: &str) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_challenges WHERE token_hash = ? AND expires_at > ?",
    )
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .bind(Ts::now())
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// The code typed for a challenge: the app's code (each step once) or an unused recovery code
/// (then used up). Throttled per account and client like the password. Returns the account and
/// where to go; the caller opens the session.
pub async fn answer(
    state: &AppState,
    token: &str,
    code: &str,
    actor: &Actor,
) -> AppResult<(i64, String)> {
    let hash = secrets::sha256(token.as_bytes()).to_vec();
    let found: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT c.account_id, c.next, a.email FROM login_challenges c JOIN accounts a ON a.id = c.account_id
         WHERE c.token_hash = ? AND c.expires_at > ? AND a.disabled_at IS NULL",
    )
    .bind(&hash)
    .bind(Ts::now())
    .fetch_optional(&state.db)
    .await?;
    let (account_id, next, email) =
        found.ok_or_else(|| Invalid::one("", SecondFactorProblem::ChallengeExpired))?;
    let attempt = throttle(state, &email, actor).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (secret, last): (Vec<u8>, Option<i64>) = sqlx::query_as(
        "SELECT secret, last_step FROM account_totp WHERE account_id = ? AND confirmed_at IS NOT NULL",
    )
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| Invalid::one("", SecondFactorProblem::ChallengeExpired))?;
    let last = last.and_then(|l| u64::try_from(l).ok());
    let actor = Actor {
        account_id: Some(account_id),
        label: email.clone(),
        ..actor.clone()
    };
    let how = if let Some(step) = totp::check(&secret, code, Utc::now().timestamp(), last) {
        sqlx::query("UPDATE account_totp SET last_step = ? WHERE account_id = ?")
            .bind(i64::try_from(step).unwrap_or(i64::MAX))
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        "app"
    } else {
        let used = sqlx::query(
            "UPDATE recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at IS NULL",
        )
        .bind(Ts::now())
        .bind(account_id)
        .bind(secrets::sha256(totp::normalize_recovery(code).as_bytes()).to_vec())
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() == 0 {
            audit::record(
                &mut tx,
                &actor,
                "session.second_factor_failed",
                "account",
                account_id,
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            return Err(Invalid::one("code", SecondFactorProblem::CodeWrong).into());
        }
        "recovery_code"
    };
    attempt.succeeded(&mut *tx).await?;
    sqlx::query("DELETE FROM login_challenges WHERE token_hash = ? OR expires_at <= ?")
        .bind(&hash)
        .bind(Ts::now())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &actor,
        "session.login",
        "account",
        account_id,
        None,
        Some(json!({"second_factor": how})),
    )
    .await?;
    tx.commit().await?;
    Ok((account_id, next))
}

/// An administrator turns someone's second factor off (a lost device): the secret and the
/// recovery codes go, every session of that account ends. Audited.
pub async fn reset(
    state: &AppState,
    _admin: &Admin,
    account_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let had = sqlx::query("DELETE FROM account_totp WHERE account_id = ?")
        .bind(account_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if had == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE account_id = ?")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE account_id = ?")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "account.second_factor_reset",
        "account",
        account_id,
        Some(json!({"second_factor": true})),
        Some(json!({"second_factor": false})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Counts a code typed for `email`'s account under the sign-in throttle.
async fn throttle(state: &AppState, email: &str, actor: &Actor) -> AppResult<attempts::Reserved> {
    attempts::reserve(
        &state.db,
        attempts::Scope::SecondFactor,
        &crate::domain::accounts::normalize_email(email),
        &actor.ip,
        &state.settings.login_throttle,
    )
    .await
}
