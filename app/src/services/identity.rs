//! Links sent by mail: the one confirming a new account's address and the one setting a new
//! password. The database keeps only a token's SHA-256; a link works once, until it expires, for
//! the address it was sent to (an address changed since makes it void), and a newer link of the
//! same kind voids the older ones. Until its address is confirmed an account can sign in and
//! read, but not vote, apply or file ([`require_verified`]).

use super::attempts;
use super::audit::{self, Actor};
use super::authority::Signed;
use super::mail;
use super::secrets;
use crate::db::Ts;
use crate::domain::accounts::{self as rules, AccountProblem};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Lang, Tr, fill};
use crate::{AppError, AppState};
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

/// Why a link or what it asks for is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityProblem {
    /// Used, expired, replaced by a newer one, or never issued.
    LinkInvalid { purpose: Purpose },
    /// The account's address is not confirmed yet.
    EmailUnverified,
}

impl Reason for IdentityProblem {
    fn code(&self) -> &'static str {
        match self {
            IdentityProblem::LinkInvalid { .. } => "link_invalid",
            IdentityProblem::EmailUnverified => "email_unverified",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            IdentityProblem::LinkInvalid { .. } => t.identity_problem_link_invalid.into(),
            IdentityProblem::EmailUnverified => t.identity_problem_unverified.into(),
        }
    }

    fn link(&self, t: &'static Tr) -> Option<(&'static str, &'static str)> {
        Some(match self {
            IdentityProblem::LinkInvalid {
                purpose: Purpose::ResetPassword,
            } => ("/login/forgot", t.identity_forgot_again),
            IdentityProblem::LinkInvalid {
                purpose: Purpose::VerifyEmail,
            }
            | IdentityProblem::EmailUnverified => ("/account#verify", t.identity_verify_again),
        })
    }
}

/// Issues a link for `account_id` (voiding its older unused ones of the same kind) inside the
/// caller's transaction; the token to put in the link.
async fn issue(
    tx: &mut SqliteConnection,
    account_id: i64,
    purpose: Purpose,
    email_norm: &str,
    ttl: Duration,
) -> AppResult<String> {
    let token = secrets::random_token()?;
    let now = Utc::now();
    sqlx::query(
        "UPDATE account_tokens SET expires_at = ? WHERE account_id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(Ts(now))
    .bind(account_id)
    .bind(purpose)
    .bind(Ts(now))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO account_tokens (account_id, purpose, token_hash, email_normalized, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(account_id)
    .bind(purpose)
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .bind(email_norm)
    .bind(Ts(now))
    .bind(Ts(now + ttl))
    .execute(&mut *tx)
    .await?;
    Ok(token)
}

/// A link's account, as it stands.
#[derive(Clone, Debug, FromRow)]
pub struct Holder {
    pub token_id: i64,
    pub account_id: i64,
    pub email: String,
    pub full_name: String,
}

/// The account a token is good for, if it is good now (unused, unexpired, of this kind, for the
/// account's current address, the account enabled). Consumes nothing.
async fn good<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    token: &str,
    purpose: Purpose,
) -> AppResult<Option<Holder>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT t.id AS token_id, a.id AS account_id, a.email, p.full_name
         FROM account_tokens t JOIN accounts a ON a.id = t.account_id JOIN people p ON p.id = a.person_id
         WHERE t.token_hash = ? AND t.purpose = ? AND t.used_at IS NULL AND t.expires_at > ?
           AND t.email_normalized = a.email_normalized AND a.disabled_at IS NULL",
    )
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .bind(purpose)
    .bind(Ts::now())
    .fetch_optional(db)
    .await?)
}

/// Takes a token in the caller's transaction: marks it used, or refuses it.
async fn take(tx: &mut SqliteConnection, token: &str, purpose: Purpose) -> AppResult<Holder> {
    let holder = good(&mut *tx, token, purpose)
        .await?
        .ok_or_else(|| Invalid::one("", IdentityProblem::LinkInvalid { purpose }))?;
    sqlx::query("UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL")
        .bind(Ts::now())
        .bind(holder.token_id)
        .execute(&mut *tx)
        .await?;
    Ok(holder)
}

/// Counts a link about to be mailed to `email_norm`, refusing past the sign-in throttle's limits
/// (per address and per client): nobody can flood an address with links.
async fn throttle_mail(state: &AppState, email_norm: &str, actor: &Actor) -> AppResult<()> {
    // never marked as succeeded: every link sent counts against the limit
    let _sent = attempts::reserve(
        &state.db,
        attempts::Scope::MailedLink,
        email_norm,
        &actor.ip,
        &state.settings.login_throttle,
    )
    .await?;
    Ok(())
}

fn link(state: &AppState, path: &str, token: &str) -> String {
    format!(
        "{}{path}?token={token}",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// The confirmation link for a new account, to put in its welcome message (inside the
/// registration's transaction).
pub(crate) async fn verification_link(
    tx: &mut SqliteConnection,
    state: &AppState,
    account_id: i64,
    email_norm: &str,
) -> AppResult<String> {
    let token = issue(
        tx,
        account_id,
        Purpose::VerifyEmail,
        email_norm,
        state.settings.email_token_ttl,
    )
    .await?;
    Ok(link(state, "/account/verify", &token))
}

/// Whether `token` would confirm an address now (the page shows the button, or says why not).
pub async fn verification_is_good(db: &SqlitePool, token: &str) -> AppResult<bool> {
    Ok(good(db, token, Purpose::VerifyEmail).await?.is_some())
}

/// Confirms the address the link was sent to. Returns the account.
pub async fn confirm_email(state: &AppState, token: &str, actor: &Actor) -> AppResult<i64> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let holder = take(&mut tx, token, Purpose::VerifyEmail).await?;
    sqlx::query(
        "UPDATE accounts SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?",
    )
    .bind(Ts::now())
    .bind(holder.account_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &Actor {
            account_id: actor.account_id.or(Some(holder.account_id)),
            ..actor.clone()
        },
        "account.email_verified",
        "account",
        holder.account_id,
        Some(json!({"verified": false})),
        Some(json!({"verified": true, "email": holder.email})),
    )
    .await?;
    tx.commit().await?;
    Ok(holder.account_id)
}

/// Sends the signed-in person a new confirmation link (their address unconfirmed), throttled
/// per address and client like sign-in. Returns whether one was sent.
pub async fn resend_verification(state: &AppState, who: &Signed, actor: &Actor) -> AppResult<bool> {
    let (email, name, locale, verified): (String, String, String, Option<Ts>) = sqlx::query_as(
        "SELECT a.email, p.full_name, a.locale, a.email_verified_at FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = ?",
    )
    .bind(who.account_id())
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    if verified.is_some() {
        return Ok(false);
    }
    let email_norm = rules::normalize_email(&email);
    throttle_mail(state, &email_norm, actor).await?;
    let t = Lang::parse(&locale).unwrap_or_default().tr();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let url = verification_link(&mut tx, state, who.account_id(), &email_norm).await?;
    let hours = state.settings.email_token_ttl.num_hours().max(1);
    let body_text = fill(t.mail_verify_body, &[("hours", &hours), ("link", &url)]);
    mail::queue(
        &mut tx,
        &mail::Message {
            to_address: email,
            to_name: name,
            subject: t.mail_verify_subject.to_string(),
            body_text,
            ics: None,
            topic: format!(
                "verify-email/{}/{}",
                who.account_id(),
                Ts::now().0.timestamp_millis()
            ),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "account.verification_sent",
        "account",
        who.account_id(),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(true)
}

/// When the account's address was confirmed, if it was.
pub async fn verified_at(db: &SqlitePool, account_id: i64) -> AppResult<Option<Ts>> {
    Ok(
        sqlx::query_scalar("SELECT email_verified_at FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(db)
            .await?
            .flatten(),
    )
}

/// Refuses, with a link to the account page, while `person_id`'s account has not confirmed its
/// address: voting, applying and filing need a confirmed one.
pub async fn require_verified(db: &SqlitePool, person_id: i64) -> AppResult<()> {
    let verified: Option<Option<Ts>> =
        sqlx::query_scalar("SELECT email_verified_at FROM accounts WHERE person_id = ?")
            .bind(person_id)
            .fetch_optional(db)
            .await?;
    match verified {
        // a person without an account acts only through the portal (demo data)
        None | Some(Some(_)) => Ok(()),
        Some(None) => Err(Invalid::one("", IdentityProblem::EmailUnverified).into()),
    }
}

/// Whether a person may vote, apply or file: their address confirmed, then the ethics code in
/// force accepted. Each refusal says what to do, with a link.
pub async fn require_standing(db: &SqlitePool, person_id: i64) -> AppResult<()> {
    require_verified(db, person_id).await?;
    super::ethics::require_accepted(db, person_id).await
}

/// What was typed in the "forgot your password" form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetRequest {
    pub email: String,
}

/// Someone asks for a password-reset link for an address. The answer is the same whether or not
/// the address has an account (the caller shows "look in your mail" in both cases); an enabled
/// account gets the link in its language. Throttled per address and per client.
pub async fn request_reset(state: &AppState, input: &ResetRequest, actor: &Actor) -> AppResult<()> {
    let mut invalid = Invalid::new();
    invalid.check("email", rules::check_email(&input.email));
    invalid.into_result()?;
    let email_norm = rules::normalize_email(&input.email);
    throttle_mail(state, &email_norm, actor).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let account: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT a.id, a.email, p.full_name, a.locale FROM accounts a JOIN people p ON p.id = a.person_id
         WHERE a.email_normalized = ? AND a.disabled_at IS NULL",
    )
    .bind(&email_norm)
    .fetch_optional(&mut *tx)
    .await?;
    let actor = Actor {
        label: email_norm.clone(),
        ..actor.clone()
    };
    let Some((account_id, email, name, locale)) = account else {
        audit::record(
            &mut tx,
            &actor,
            "account.reset_requested_unknown",
            "account",
            "",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    let token = issue(
        &mut tx,
        account_id,
        Purpose::ResetPassword,
        &email_norm,
        state.settings.password_reset_ttl,
    )
    .await?;
    let url = link(state, "/login/reset", &token);
    let t = Lang::parse(&locale).unwrap_or_default().tr();
    let minutes = state.settings.password_reset_ttl.num_minutes().max(1);
    let body_text = fill(t.mail_reset_body, &[("minutes", &minutes), ("link", &url)]);
    mail::queue(
        &mut tx,
        &mail::Message {
            to_address: email,
            to_name: name,
            subject: t.mail_reset_subject.to_string(),
            body_text,
            ics: None,
            topic: format!(
                "reset-password/{account_id}/{}",
                Ts::now().0.timestamp_millis()
            ),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        &actor,
        "account.reset_requested",
        "account",
        account_id,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(())
}

/// Whether `token` would set a new password now (the page shows the form, or says why not).
pub async fn reset_is_good(db: &SqlitePool, token: &str) -> AppResult<bool> {
    Ok(good(db, token, Purpose::ResetPassword).await?.is_some())
}

/// What was typed in the new-password form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewPassword {
    pub token: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// Sets a new password through a reset link: the link is used up, every session of the account
/// ends, and the address counts as confirmed (the link proved it is read). Returns the account.
pub async fn reset_password(
    state: &AppState,
    input: &NewPassword,
    actor: &Actor,
) -> AppResult<i64> {
    let purpose = Purpose::ResetPassword;
    let holder = good(&state.db, &input.token, purpose)
        .await?
        .ok_or_else(|| Invalid::one("", IdentityProblem::LinkInvalid { purpose }))?;
    let mut invalid = Invalid::new();
    invalid.check(
        "new_password",
        rules::check_password(
            &input.new_password,
            state.settings.password_min_length,
            &holder.email,
            &holder.full_name,
        ),
    );
    if input.new_password != input.new_password_confirm {
        invalid.add("new_password_confirm", AccountProblem::PasswordsDiffer);
    }
    invalid.into_result()?;
    let hash = secrets::hash_password(&input.new_password).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    // taken again in the write transaction: two submissions of one link cannot both pass
    let holder = take(&mut tx, &input.token, purpose).await?;
    let now = Ts::now();
    sqlx::query(
        "UPDATE accounts SET password_hash = ?, password_changed_at = ?, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?",
    )
    .bind(&hash)
    .bind(now)
    .bind(now)
    .bind(holder.account_id)
    .execute(&mut *tx)
    .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE account_id = ?")
        .bind(holder.account_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &Actor {
            account_id: Some(holder.account_id),
            label: holder.email.clone(),
            ..actor.clone()
        },
        "account.password_reset",
        "account",
        holder.account_id,
        None,
        Some(json!({"sessions_ended": ended.rows_affected()})),
    )
    .await?;
    tx.commit().await?;
    Ok(holder.account_id)
}
