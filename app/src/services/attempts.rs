//! Throttled attempts: signing in, registering, typing the current password to change it. An
//! attempt is *reserved* before the slow check it guards (an argon2 verification takes tens of
//! milliseconds): counting the recent failures and writing the new attempt happen in one write
//! transaction, so parallel attempts each see the ones before them and no burst slips past the
//! limit. The attempt stays a failure unless [`Reserved::succeeded`] marks it otherwise.
//!
//! (SQLite serialises write transactions; on PostgreSQL the same statement pair needs a lock on
//! the key, e.g. an advisory lock, to keep this property.)

use crate::AppError;
use crate::db::Ts;
use crate::domain::throttle::{self, Decision, Policy};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

/// What is being attempted; each kind is counted apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Login,
    Registration,
    /// The current password typed on the account page to change it.
    PasswordCheck,
    /// A link sent by mail (a password reset, a new confirmation link): each one counts.
    MailedLink,
    /// A second-factor code typed (at sign-in, or to set it up).
    SecondFactor,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Login => "login",
            Scope::Registration => "register",
            Scope::PasswordCheck => "password",
            Scope::MailedLink => "mailed_link",
            Scope::SecondFactor => "second_factor",
        }
    }
}

/// An attempt that was allowed and written down as a failure until it succeeds.
#[derive(Debug)]
#[must_use = "an attempt counts as failed unless it is marked as succeeded"]
pub struct Reserved {
    id: i64,
}

impl Reserved {
    /// Marks the attempt as a success (it no longer counts against the limits).
    pub async fn succeeded<'e>(self, conn: impl sqlx::SqliteExecutor<'e>) -> AppResult<()> {
        sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = ?")
            .bind(self.id)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// Allows and records an attempt for `key` (a normalised e-mail address) from `ip`, or refuses
/// it with the wait until the oldest counted failure leaves the window.
pub async fn reserve(
    db: &SqlitePool,
    scope: Scope,
    key: &str,
    ip: &str,
    policy: &Policy,
) -> AppResult<Reserved> {
    let mut tx = crate::db::begin_write(db).await?;
    // the clock is read once the write lock is held: an attempt that waited for the lock must
    // see every attempt written before it as past, not as future
    let now = Utc::now();
    let since = Ts(now - policy.window);
    let by_key = failures(
        &mut tx,
        "SELECT at FROM login_attempts WHERE scope = ? AND succeeded = 0 AND at > ? AND email_normalized = ?",
        scope,
        since,
        key,
    )
    .await?;
    let by_ip = failures(
        &mut tx,
        "SELECT at FROM login_attempts WHERE scope = ? AND succeeded = 0 AND at > ? AND ip = ?",
        scope,
        since,
        ip,
    )
    .await?;
    if let Decision::Refuse { retry_after } = throttle::decide(&by_key, &by_ip, now, policy) {
        return Err(AppError::RateLimited {
            retry_after_secs: u64::try_from(retry_after.num_seconds().max(1)).unwrap_or(1),
        });
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO login_attempts (at, email_normalized, ip, succeeded, scope) VALUES (?, ?, ?, 0, ?) RETURNING id",
    )
    .bind(Ts(now))
    .bind(key)
    .bind(ip)
    .bind(scope.as_str())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Reserved { id })
}

async fn failures(
    conn: &mut SqliteConnection,
    sql: &'static str,
    scope: Scope,
    since: Ts,
    key: &str,
) -> AppResult<Vec<DateTime<Utc>>> {
    let rows: Vec<Ts> = sqlx::query_scalar(sql)
        .bind(scope.as_str())
        .bind(since)
        .bind(key)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|t| t.0).collect())
}
