//! Accounts: registration, login, password and language changes, and the administrator's list.

use super::audit::{self, Actor};
use super::authority::{Admin, Signed};
use super::{attempts, mail, secrets};
use crate::db::Ts;
use crate::domain::accounts::{self as rules, AccountProblem};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Lang, Tr, fill};
use crate::{AppError, AppState};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Registration {
    pub full_name: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
}

/// Why a login is refused. Deliberately one reason for a wrong address, a wrong password or a
/// disabled account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginProblem {
    WrongCredentials,
}

impl Reason for LoginProblem {
    fn code(&self) -> &'static str {
        match self {
            LoginProblem::WrongCredentials => "wrong_credentials",
        }
    }
    fn message(&self, t: &'static Tr) -> String {
        match self {
            LoginProblem::WrongCredentials => t.login_wrong_credentials.to_string(),
        }
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The checks of a registration that depend only on what was typed.
fn check_registration(state: &AppState, input: &Registration) -> Invalid {
    let mut invalid = Invalid::new();
    invalid.check("full_name", rules::check_name(&input.full_name));
    invalid.check("email", rules::check_email(&input.email));
    invalid.check(
        "password",
        rules::check_password(
            &input.password,
            state.settings.password_min_length,
            &input.email,
            &input.full_name,
        ),
    );
    if input.password != input.password_confirm {
        invalid.add("password_confirm", AccountProblem::PasswordsDiffer);
    }
    invalid
}

/// Opens an account directly — the bootstrap administrator, the demo, the tests — refusing an
/// address that is taken. The public form goes through [`register`] instead.
pub async fn create_account(
    state: &AppState,
    input: &Registration,
    actor: &Actor,
) -> AppResult<i64> {
    let invalid = check_registration(state, input);
    let email_norm = rules::normalize_email(&input.email);
    let mut invalid = invalid;
    if invalid
        .message_for("email", crate::i18n::Lang::En.tr())
        .is_none()
        && account_by_email(&state.db, &email_norm).await?.is_some()
    {
        invalid.add("email", AccountProblem::EmailTaken);
    }
    invalid.into_result()?;
    let hash = secrets::hash_password(&input.password).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id = insert_account(&mut tx, input, &email_norm, &hash, actor).await?;
    // opened by the portal or an administrator, who vouch for the address
    sqlx::query("UPDATE accounts SET email_verified_at = created_at WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes the person and the account (inside the caller's transaction).
async fn insert_account(
    tx: &mut sqlx::SqliteConnection,
    input: &Registration,
    email_norm: &str,
    hash: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let now = Ts::now();
    let person_id: i64 = sqlx::query_scalar(
        "INSERT INTO people (full_name, email, created_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(input.full_name.trim())
    .bind(input.email.trim())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let inserted = sqlx::query_scalar(
        "INSERT INTO accounts (person_id, email, email_normalized, password_hash, created_at, password_changed_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(person_id)
    .bind(input.email.trim())
    .bind(email_norm)
    .bind(hash)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let account_id: i64 = match inserted {
        Ok(id) => id,
        // two registrations for one address raced: the second gets the field error
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Invalid(Invalid::one(
                "email",
                AccountProblem::EmailTaken,
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let actor = Actor {
        account_id: actor.account_id.or(Some(account_id)),
        label: email_norm.to_string(),
        ..actor.clone()
    };
    audit::record(
        &mut *tx,
        &actor,
        "account.registered",
        "account",
        account_id,
        None,
        Some(json!({"email": input.email.trim(), "full_name": input.full_name.trim(), "person_id": person_id})),
    )
    .await?;
    Ok(account_id)
}

/// The public registration form. It answers the same whether or not the address already has
/// an account, so that it cannot be used to learn who has one: a new address gets its account
/// and a welcome message; the owner of a taken address gets a message saying someone tried to
/// register with it. Throttled per address and per client like sign-in. `lang`: the language
/// of the page, for the new account's messages.
pub async fn register(
    state: &AppState,
    input: &Registration,
    lang: Lang,
    actor: &Actor,
) -> AppResult<()> {
    check_registration(state, input).into_result()?;
    let email_norm = rules::normalize_email(&input.email);
    // every registration counts, so a client cannot probe or create accounts without limit
    let _attempt = attempts::reserve(
        &state.db,
        attempts::Scope::Registration,
        &email_norm,
        &actor.ip,
        &state.settings.login_throttle,
    )
    .await?;
    // the same work on both paths (one argon2 hash), so timing tells nothing either
    let hash = secrets::hash_password(&input.password).await?;
    let login_url = format!("{}/login", state.settings.public_url.trim_end_matches('/'));
    let mut tx = crate::db::begin_write(&state.db).await?;
    let existing: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT a.id, p.full_name, a.locale FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.email_normalized = ?",
    )
    .bind(&email_norm)
    .fetch_optional(&mut *tx)
    .await?;
    let (message, topic) = match existing {
        Some((account_id, name, locale)) => {
            let t = Lang::parse(&locale).unwrap_or_default().tr();
            audit::record(
                &mut tx,
                &Actor {
                    label: email_norm.clone(),
                    ..actor.clone()
                },
                "account.registration_for_existing",
                "account",
                account_id,
                None,
                None,
            )
            .await?;
            let today = Utc::now().date_naive();
            (
                mail::Message {
                    to_address: input.email.trim().to_string(),
                    to_name: name,
                    subject: t.mail_register_taken_subject.to_string(),
                    body_text: fill(t.mail_register_taken_body, &[("url", &login_url)]),
                    ics: None,
                    topic: String::new(),
                },
                // at most one such message a day per account
                format!("register-taken/{account_id}/{today}"),
            )
        }
        None => {
            let t = lang.tr();
            let account_id = insert_account(&mut tx, input, &email_norm, &hash, actor).await?;
            if lang != Lang::default() {
                sqlx::query("UPDATE accounts SET locale = ? WHERE id = ?")
                    .bind(lang.code())
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let confirm =
                super::identity::verification_link(&mut tx, state, account_id, &email_norm).await?;
            let hours = state.settings.email_token_ttl.num_hours().max(1);
            let body_text = fill(
                t.mail_register_welcome_body,
                &[("url", &login_url), ("link", &confirm), ("hours", &hours)],
            );
            (
                mail::Message {
                    to_address: input.email.trim().to_string(),
                    to_name: input.full_name.trim().to_string(),
                    subject: t.mail_register_welcome_subject.to_string(),
                    body_text,
                    ics: None,
                    topic: String::new(),
                },
                format!("register-welcome/{account_id}"),
            )
        }
    };
    mail::queue(&mut tx, &mail::Message { topic, ..message }).await?;
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(())
}

/// Opens an account for someone an OpenID provider vouched for, inside the caller's transaction
/// (which also links the provider identity). It has no password anyone knows (a random one,
/// hashed like any other: the reset link gives it one); its address counts as confirmed when the
/// provider says it verified it, otherwise the welcome message carries the confirmation link.
pub(crate) async fn open_for_provider(
    tx: &mut sqlx::SqliteConnection,
    state: &AppState,
    full_name: &str,
    email: &str,
    email_verified: bool,
    lang: Lang,
    actor: &Actor,
) -> AppResult<i64> {
    let email_norm = rules::normalize_email(email);
    let hash = secrets::hash_password(&secrets::random_token()?).await?;
    let input = Registration {
        full_name: full_name.chars().take(200).collect(),
        email: email.to_string(),
        password: String::new(),
        password_confirm: String::new(),
    };
    let account_id = insert_account(tx, &input, &email_norm, &hash, actor).await?;
    sqlx::query("UPDATE accounts SET locale = ?, email_verified_at = ? WHERE id = ?")
        .bind(lang.code())
        .bind(email_verified.then(Ts::now))
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    if !email_verified {
        let t = lang.tr();
        let login_url = format!("{}/login", state.settings.public_url.trim_end_matches('/'));
        let confirm =
            super::identity::verification_link(tx, state, account_id, &email_norm).await?;
        let hours = state.settings.email_token_ttl.num_hours().max(1);
        let body_text = fill(
            t.mail_register_welcome_body,
            &[("url", &login_url), ("link", &confirm), ("hours", &hours)],
        );
        mail::queue(
            tx,
            &mail::Message {
                to_address: email.trim().to_string(),
                to_name: input.full_name.trim().to_string(),
                subject: t.mail_register_welcome_subject.to_string(),
                body_text,
                ics: None,
                topic: format!("register-welcome/{account_id}"),
            },
        )
        .await?;
    }
    Ok(account_id)
}

async fn account_by_email(db: &SqlitePool, email_norm: &str) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM accounts WHERE email_normalized = ?")
            .bind(email_norm)
            .fetch_optional(db)
            .await?,
    )
}

/// Checks the credentials under the login throttle and records the attempt.
/// Returns the account id; the caller opens the session.
///
/// The attempt is reserved before the password is checked (see [`attempts`]), a password is
/// verified whether or not the address has an account (against a dummy hash when it has none),
/// and a disabled account answers like a wrong password: the answer and its timing tell nothing
/// about which addresses exist or which passwords are right.
pub async fn login(state: &AppState, email: &str, password: &str, actor: &Actor) -> AppResult<i64> {
    let email_norm = rules::normalize_email(email);
    let attempt = attempts::reserve(
        &state.db,
        attempts::Scope::Login,
        &email_norm,
        &actor.ip,
        &state.settings.login_throttle,
    )
    .await?;

    #[derive(FromRow)]
    struct Row {
        id: i64,
        password_hash: String,
        disabled_at: Option<Ts>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, password_hash, disabled_at FROM accounts WHERE email_normalized = ?",
    )
    .bind(&email_norm)
    .fetch_optional(&state.db)
    .await?;
    let (account_id, stored, disabled) = match row {
        Some(r) => (Some(r.id), Some(r.password_hash), r.disabled_at.is_some()),
        None => (None, None, false),
    };
    let ok = secrets::verify_password(stored, password).await?;

    let now = Utc::now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let actor = Actor {
        account_id,
        label: email_norm.clone(),
        ..actor.clone()
    };
    let entity = account_id.map(|id| id.to_string()).unwrap_or_default();
    let outcome = match (ok, disabled, account_id) {
        (true, false, Some(id)) => {
            attempt.succeeded(&mut *tx).await?;
            sqlx::query("UPDATE accounts SET last_login_at = ? WHERE id = ?")
                .bind(Ts(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                &actor,
                "session.login",
                "account",
                &entity,
                None,
                None,
            )
            .await?;
            Ok(id)
        }
        (true, true, _) => {
            audit::record(
                &mut tx,
                &actor,
                "session.login_refused_disabled",
                "account",
                &entity,
                None,
                None,
            )
            .await?;
            Err(AppError::Invalid(Invalid::one(
                "",
                LoginProblem::WrongCredentials,
            )))
        }
        _ => {
            audit::record(
                &mut tx,
                &actor,
                "session.login_failed",
                "account",
                &entity,
                None,
                Some(json!({"email": email.trim()})),
            )
            .await?;
            Err(AppError::Invalid(Invalid::one(
                "",
                LoginProblem::WrongCredentials,
            )))
        }
    };
    tx.commit().await?;
    outcome
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// Changes the password after checking the current one, and ends every other session.
pub async fn change_password(
    state: &AppState,
    who: &Signed,
    input: &PasswordChange,
    actor: &Actor,
) -> AppResult<()> {
    let account_id = who.account_id();
    // the session the change is made in stays; every other one ends
    let keep_session = who.session_id().unwrap_or(0);
    #[derive(FromRow)]
    struct Row {
        email: String,
        full_name: String,
        password_hash: String,
    }
    let row: Row = sqlx::query_as(
        "SELECT a.email, p.full_name, a.password_hash FROM accounts a JOIN people p ON p.id = a.person_id WHERE a.id = ?",
    )
    .bind(account_id)
    .fetch_optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)?;
    // a stolen session must not become a way to guess the password: the check is throttled
    let attempt = attempts::reserve(
        &state.db,
        attempts::Scope::PasswordCheck,
        &rules::normalize_email(&row.email),
        &actor.ip,
        &state.settings.login_throttle,
    )
    .await?;
    let mut invalid = Invalid::new();
    let current_ok =
        secrets::verify_password(Some(row.password_hash), &input.current_password).await?;
    if current_ok {
        attempt.succeeded(&state.db).await?;
    } else {
        invalid.add("current_password", AccountProblem::PasswordWrong);
    }
    invalid.check(
        "new_password",
        rules::check_password(
            &input.new_password,
            state.settings.password_min_length,
            &row.email,
            &row.full_name,
        ),
    );
    if invalid.is_empty() && input.new_password == input.current_password {
        invalid.add("new_password", AccountProblem::PasswordUnchanged);
    }
    if input.new_password != input.new_password_confirm {
        invalid.add("new_password_confirm", AccountProblem::PasswordsDiffer);
    }
    invalid.into_result()?;

    let hash = secrets::hash_password(&input.new_password).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?")
        .bind(&hash)
        .bind(Ts::now())
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE account_id = ? AND id <> ?")
        .bind(account_id)
        .bind(keep_session)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "account.password_changed",
        "account",
        account_id,
        None,
        Some(json!({"other_sessions_ended": ended.rows_affected()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Remembers the account's language (used for its pages and, later, its e-mail).
pub async fn set_locale(db: &SqlitePool, who: &Signed, lang: Lang, actor: &Actor) -> AppResult<()> {
    let account_id = who.account_id();
    let mut tx = crate::db::begin_write(db).await?;
    let before: Option<String> = sqlx::query_scalar("SELECT locale FROM accounts WHERE id = ?")
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
    let before = before.ok_or(AppError::NotFound)?;
    if before != lang.code() {
        sqlx::query("UPDATE accounts SET locale = ? WHERE id = ?")
            .bind(lang.code())
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "account.locale_changed",
            "account",
            account_id,
            Some(json!({"locale": before})),
            Some(json!({"locale": lang.code()})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub person_id: i64,
    pub email: String,
    pub full_name: String,
    pub institution: Option<String>,
    pub created_at: Ts,
    pub last_login_at: Option<Ts>,
    pub disabled_at: Option<Ts>,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.person_id, a.email, p.full_name, i.name AS institution, a.created_at, a.last_login_at, a.disabled_at";

/// Accounts whose e-mail or name contains `query` (all when empty), newest first, at most 200.
pub async fn search(db: &SqlitePool, query: &str) -> AppResult<Vec<AccountRow>> {
    let pattern = format!(
        "%{}%",
        query
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts a JOIN people p ON p.id = a.person_id LEFT JOIN institutions i ON i.id = p.institution_id
         WHERE a.email_normalized LIKE ?1 ESCAPE '\\' OR lower(p.full_name) LIKE ?1 ESCAPE '\\'
         ORDER BY a.id DESC LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(pattern)
        .fetch_all(db)
        .await?)
}

pub async fn get(db: &SqlitePool, account_id: i64) -> AppResult<AccountRow> {
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts a JOIN people p ON p.id = a.person_id LEFT JOIN institutions i ON i.id = p.institution_id
         WHERE a.id = ?"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Disables or re-enables an account; disabling ends its sessions. Refused for one's own account.
pub async fn set_disabled(
    db: &SqlitePool,
    _admin: &Admin,
    account_id: i64,
    disabled: bool,
    actor: &Actor,
) -> AppResult<()> {
    if actor.account_id == Some(account_id) {
        return Err(AppError::Invalid(Invalid::one(
            "",
            AccountProblem::OwnAccount,
        )));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let before: Option<Option<Ts>> =
        sqlx::query_scalar("SELECT disabled_at FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let before = before.ok_or(AppError::NotFound)?;
    if before.is_some() != disabled {
        let at = disabled.then(Ts::now);
        sqlx::query("UPDATE accounts SET disabled_at = ? WHERE id = ?")
            .bind(at)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE account_id = ?")
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        let action = if disabled {
            "account.disabled"
        } else {
            "account.enabled"
        };
        audit::record(
            &mut tx,
            actor,
            action,
            "account",
            account_id,
            Some(json!({"disabled": before.is_some()})),
            Some(json!({"disabled": disabled})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The account of a person, if they have one.
pub async fn id_for_person(db: &SqlitePool, person_id: i64) -> AppResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM accounts WHERE person_id = ?")
            .bind(person_id)
            .fetch_optional(db)
            .await?,
    )
}
