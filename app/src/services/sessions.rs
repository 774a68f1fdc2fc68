//! Server-side sessions. The browser holds a random token in an HttpOnly cookie; the database
//! holds only its SHA-256, the account, and when the session ends (idle or absolute limit).

use super::audit::{self, Actor};
use super::authority::Signed;
use super::{offices, secrets};
use crate::db::Ts;
use crate::domain::roles::{self, Role};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::{AppError, AppState};
use chrono::{Duration, Utc};
use sqlx::{FromRow, SqlitePool};
use std::collections::BTreeSet;

/// The person behind a request, with the roles they hold today.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub session_id: i64,
    pub account_id: i64,
    pub person_id: i64,
    pub email: String,
    pub full_name: String,
    pub locale: Lang,
    pub roles: BTreeSet<Role>,
    /// Whether the account signs in with a second factor.
    pub second_factor_on: bool,
    /// Whether an office held requires one (`MINGA_SECOND_FACTOR_ROLES`).
    pub second_factor_required: bool,
    /// The session was opened through an OpenID provider that asserted a second factor.
    pub provider_mfa: bool,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the person must set up a second factor before changing anything.
    pub fn must_set_up_second_factor(&self) -> bool {
        self.second_factor_required && !self.second_factor_on && !self.provider_mfa
    }

    pub fn actor(&self, ip: &str, request_id: &str) -> Actor {
        Actor {
            account_id: Some(self.account_id),
            label: self.email.clone(),
            ip: ip.to_string(),
            request_id: request_id.to_string(),
        }
    }
}

/// Opens a session and returns the token for the cookie.
pub async fn create(
    state: &AppState,
    account_id: i64,
    ip: &str,
    user_agent: &str,
    provider_mfa: bool,
) -> AppResult<String> {
    let token = secrets::random_token()?;
    let now = Utc::now();
    let expires = now
        + state
            .settings
            .session_idle
            .min(state.settings.session_max_age);
    sqlx::query(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, ip, user_agent, provider_mfa) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .bind(account_id)
    .bind(Ts(now))
    .bind(Ts(now))
    .bind(Ts(expires))
    .bind(ip)
    .bind(user_agent.chars().take(300).collect::<String>())
    .bind(provider_mfa)
    .execute(&state.db)
    .await?;
    Ok(token)
}

#[derive(FromRow)]
struct SessionRow {
    id: i64,
    account_id: i64,
    created_at: Ts,
    last_seen_at: Ts,
    expires_at: Ts,
    person_id: i64,
    email: String,
    full_name: String,
    locale: String,
    disabled_at: Option<Ts>,
    second_factor_on: bool,
    provider_mfa: bool,
}

/// The user of a session token, if the session is live; sliding the idle limit forward at most
/// once a minute so that page views do not each cost a write.
pub async fn lookup(state: &AppState, token: &str) -> AppResult<Option<CurrentUser>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.id, s.account_id, s.created_at, s.last_seen_at, s.expires_at, a.person_id, a.email, p.full_name, a.locale, a.disabled_at, s.provider_mfa,
                EXISTS (SELECT 1 FROM account_totp t WHERE t.account_id = a.id AND t.confirmed_at IS NOT NULL) AS second_factor_on
         FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN people p ON p.id = a.person_id
         WHERE s.token_hash = ?",
    )
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .fetch_optional(&state.db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = Utc::now();
    if row.expires_at.0 <= now || row.disabled_at.is_some() {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(row.id)
            .execute(&state.db)
            .await?;
        return Ok(None);
    }
    if now - row.last_seen_at.0 > Duration::minutes(1) {
        let expires = (now + state.settings.session_idle)
            .min(row.created_at.0 + state.settings.session_max_age);
        sqlx::query("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?")
            .bind(Ts(now))
            .bind(Ts(expires))
            .bind(row.id)
            .execute(&state.db)
            .await?;
    }
    let held = offices::for_person(&state.db, row.person_id).await?;
    let domain_offices: Vec<roles::Office> = held
        .iter()
        .filter_map(offices::OfficeRow::to_domain)
        .collect();
    let roles = roles::roles_on(&domain_offices, now.date_naive());
    let second_factor_required = state
        .settings
        .second_factor_roles
        .iter()
        .any(|r| roles.contains(r));
    Ok(Some(CurrentUser {
        session_id: row.id,
        account_id: row.account_id,
        person_id: row.person_id,
        email: row.email,
        full_name: row.full_name,
        locale: Lang::parse(&row.locale).unwrap_or_default(),
        roles,
        second_factor_on: row.second_factor_on,
        second_factor_required,
        provider_mfa: row.provider_mfa,
    }))
}

/// Ends a session (logout).
pub async fn end(db: &SqlitePool, user: &CurrentUser, actor: &Actor) -> AppResult<()> {
    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query("DELETE FROM sessions WHERE id = ?")
        .bind(user.session_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "session.logout",
        "account",
        user.account_id,
        None,
        None,
    )
    .await?;
    tx.commit().await.map_err(AppError::from)
}

/// Deletes expired sessions and login attempts older than `keep_attempts` (run by a worker).
pub async fn purge(db: &SqlitePool, keep_attempts: Duration) -> AppResult<(u64, u64)> {
    let now = Utc::now();
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(Ts(now))
        .execute(db)
        .await?
        .rows_affected();
    let attempts = sqlx::query("DELETE FROM login_attempts WHERE at < ?")
        .bind(Ts(now - keep_attempts))
        .execute(db)
        .await?
        .rows_affected();
    Ok((sessions, attempts))
}

/// One of an account's open sessions, as its owner sees it.
#[derive(Clone, Debug, FromRow)]
pub struct OpenSession {
    pub id: i64,
    pub created_at: Ts,
    pub last_seen_at: Ts,
    pub ip: String,
    pub user_agent: String,
}

/// The account's live sessions, the most recently used first.
pub async fn open_of(db: &SqlitePool, who: &Signed) -> AppResult<Vec<OpenSession>> {
    Ok(sqlx::query_as(
        "SELECT id, created_at, last_seen_at, ip, user_agent FROM sessions
         WHERE account_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, id DESC",
    )
    .bind(who.account_id())
    .bind(Ts::now())
    .fetch_all(db)
    .await?)
}

/// Which of one's sessions to end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// One session (this one included: that is a logout).
    One(i64),
    /// Every session but the one acting.
    AllOthers,
}

/// Ends some of the signed-in person's own sessions; another account's session is not found.
/// Returns how many ended.
pub async fn end_own(
    db: &SqlitePool,
    who: &Signed,
    ending: Ending,
    actor: &Actor,
) -> AppResult<u64> {
    let mut tx = crate::db::begin_write(db).await?;
    let ended = match ending {
        Ending::One(id) => {
            sqlx::query("DELETE FROM sessions WHERE id = ? AND account_id = ?")
                .bind(id)
                .bind(who.account_id())
                .execute(&mut *tx)
                .await?
        }
        Ending::AllOthers => {
            sqlx::query("DELETE FROM sessions WHERE account_id = ? AND id <> ?")
                .bind(who.account_id())
                .bind(who.session_id().unwrap_or(0))
                .execute(&mut *tx)
                .await?
        }
    }
    .rows_affected();
    if ending != Ending::AllOthers && ended == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        actor,
        "session.ended_by_owner",
        "account",
        who.account_id(),
        None,
        Some(serde_json::json!({
            "session": match ending { Ending::One(id) => Some(id), Ending::AllOthers => None },
            "ended": ended,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Ends the sessions of `person_id`'s account after their offices changed, so that what they
/// may do is settled at their next sign-in; the sessions of the one acting stay (an
/// administrator changing their own offices keeps working). Inside the caller's transaction.
pub(crate) async fn end_after_office_change(
    conn: &mut sqlx::SqliteConnection,
    person_id: i64,
    actor: &Actor,
) -> AppResult<u64> {
    Ok(sqlx::query(
        "DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE person_id = ?)
           AND (? IS NULL OR account_id <> ?)",
    )
    .bind(person_id)
    .bind(actor.account_id)
    .bind(actor.account_id)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}
