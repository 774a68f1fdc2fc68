//! Sign-in with an institution's OpenID provider (`MINGA_OIDC_*`).
//!
//! A sign-in starts with a row in `oidc_flows` and a cookie holding the row's random token: the
//! `state`, `nonce` and PKCE verifier sent to the provider stay on the server, and the callback is
//! answered only in the browser that started it, once. The provider identity (`iss` + `sub`) is
//! what identifies the person afterwards; the first sign-in links it to a new account, or to an
//! existing account with the same address when both sides have verified that address and the
//! owner types the account's password. Offices never come from the provider.
//!
//! Every refusal is written to the audit trail with its cause (the page says what to do).

pub mod client;

use super::audit::{self, Actor};
use super::{accounts, secrets};
use crate::AppState;
use crate::db::Ts;
use crate::domain::accounts as rules;
use crate::error::{AppResult, Reason};
use crate::i18n::{Lang, Tr};
use crate::settings::OidcSettings;
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

/// The cookie that binds a sign-in under way to the browser that started it.
pub const FLOW_COOKIE: &str = "minga_oidc";
/// How long the provider may take to send the person back (and a link waits for its password).
pub const FLOW_TTL_MINUTES: i64 = 10;

/// The configured providers, in the order of the settings (a button each on `/login`).
pub struct Providers(Vec<client::Provider>);

impl Providers {
    pub fn new(settings: &[OidcSettings]) -> Providers {
        Providers(
            settings
                .iter()
                .filter_map(|s| match client::Provider::new(s.clone()) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        tracing::error!(issuer = %s.issuer, error = %e, "OpenID provider left out: no HTTP client");
                        None
                    }
                })
                .collect(),
        )
    }

    /// Index and button label of each provider.
    pub fn names(&self) -> Vec<(usize, String)> {
        self.0
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.settings.name.clone()))
            .collect()
    }

    /// Whether no provider is configured.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn by_issuer(&self, issuer: &str) -> Option<&client::Provider> {
        self.0.iter().find(|p| p.settings.issuer == issuer)
    }
}

/// Why a sign-in through a provider was refused. The page says it in the reader's language; the
/// detail (what the provider or the check said) goes to the audit trail only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No provider at that position, or the one the sign-in started with is no longer configured.
    UnknownProvider,
    /// Discovery, the token endpoint or userinfo failed (down, unreachable, not answering sense).
    ProviderDown(String),
    /// No sign-in under way in this browser: never started here, expired, or already answered
    /// (a replayed callback).
    FlowMissing,
    /// The `state` sent back is not the one sent.
    WrongState,
    /// The response or the ID token names another issuer (RFC 9207 mix-up defence).
    UnknownIssuer(String),
    /// The provider answered with an error (the person cancelled, or it refused).
    ProviderError(String),
    /// The provider refused to exchange the code (used before, expired, or another client's).
    CodeRefused(String),
    /// The ID token failed a check (signature, audience, `at_hash`, missing).
    TokenInvalid(String),
    TokenExpired(String),
    WrongNonce(String),
    /// The provider gave no e-mail address, and an account needs one.
    NoEmail,
    /// An account has this address but one side has not verified it: linking would hand it over.
    AddressUnconfirmed,
    AccountDisabled,
    /// The link page without a link waiting (expired, done, or never started here).
    LinkMissing,
}

impl Refusal {
    /// What the audit trail keeps of it.
    pub fn detail(&self) -> &str {
        match self {
            Refusal::ProviderDown(d)
            | Refusal::UnknownIssuer(d)
            | Refusal::ProviderError(d)
            | Refusal::CodeRefused(d)
            | Refusal::TokenInvalid(d)
            | Refusal::TokenExpired(d)
            | Refusal::WrongNonce(d) => d,
            _ => "",
        }
    }

    /// The page's status: the provider's fault is a bad gateway; the rest a bad request.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::ProviderDown(_) => 502,
            Refusal::AccountDisabled => 403,
            Refusal::UnknownProvider => 404,
            _ => 400,
        }
    }
}

impl Reason for Refusal {
    fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownProvider => "oidc_unknown_provider",
            Refusal::ProviderDown(_) => "oidc_provider_down",
            Refusal::FlowMissing => "oidc_flow_missing",
            Refusal::WrongState => "oidc_wrong_state",
            Refusal::UnknownIssuer(_) => "oidc_unknown_issuer",
            Refusal::ProviderError(_) => "oidc_provider_error",
            Refusal::CodeRefused(_) => "oidc_code_refused",
            Refusal::TokenInvalid(_) => "oidc_token_invalid",
            Refusal::TokenExpired(_) => "oidc_token_expired",
            Refusal::WrongNonce(_) => "oidc_wrong_nonce",
            Refusal::NoEmail => "oidc_no_email",
            Refusal::AddressUnconfirmed => "oidc_address_unconfirmed",
            Refusal::AccountDisabled => "oidc_account_disabled",
            Refusal::LinkMissing => "oidc_link_missing",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            Refusal::UnknownProvider => t.oidc_refused_unknown_provider,
            Refusal::ProviderDown(_) => t.oidc_refused_provider_down,
            Refusal::FlowMissing => {
                return crate::i18n::fill(
                    t.oidc_refused_flow_missing,
                    &[("minutes", &FLOW_TTL_MINUTES)],
                );
            }
            Refusal::WrongState => t.oidc_refused_wrong_state,
            Refusal::UnknownIssuer(_) => t.oidc_refused_unknown_issuer,
            Refusal::ProviderError(_) => t.oidc_refused_provider_error,
            Refusal::CodeRefused(_) => t.oidc_refused_code,
            Refusal::TokenInvalid(_) => t.oidc_refused_token,
            Refusal::TokenExpired(_) => t.oidc_refused_expired,
            Refusal::WrongNonce(_) => t.oidc_refused_nonce,
            Refusal::NoEmail => t.oidc_refused_no_email,
            Refusal::AddressUnconfirmed => t.oidc_refused_unconfirmed,
            Refusal::AccountDisabled => t.oidc_refused_disabled,
            Refusal::LinkMissing => t.oidc_refused_link_missing,
        }
        .into()
    }

    fn link(&self, t: &'static Tr) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Refusal::AddressUnconfirmed => ("/login", t.oidc_sign_in_with_password),
            _ => ("/login", t.oidc_try_again),
        })
    }
}

/// Where the provider sends the person back (register it at the provider).
pub fn callback_url(state: &AppState) -> String {
    format!(
        "{}/login/oidc/callback",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// A sign-in sent to a provider: where to send the browser and the cookie token to give it.
pub struct Redirect {
    pub url: String,
    pub cookie: String,
}

/// Starts a sign-in with the provider at `index`, coming back to `next`.
pub async fn start(
    state: &AppState,
    index: usize,
    next: &str,
    lang: Lang,
    actor: &Actor,
) -> AppResult<Result<Redirect, Refusal>> {
    let Some(provider) = state.oidc.0.get(index) else {
        return refused(state, actor, "", Refusal::UnknownProvider).await;
    };
    let issuer = provider.settings.issuer.clone();
    let started = match provider.start(&callback_url(state), lang.code()).await {
        Ok(s) => s,
        Err(r) => return refused(state, actor, &issuer, r).await,
    };
    let token = secrets::random_token()?;
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO oidc_flows (token_hash, issuer, state, nonce, pkce_verifier, next, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .bind(&issuer)
    .bind(&started.state)
    .bind(&started.nonce)
    .bind(&started.pkce_verifier)
    .bind(next)
    .bind(Ts(now))
    .bind(Ts(now + Duration::minutes(FLOW_TTL_MINUTES)))
    .execute(&state.db)
    .await?;
    Ok(Ok(Redirect {
        url: started.url,
        cookie: token,
    }))
}

/// What the provider sent back to `/login/oidc/callback`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Callback {
    pub code: String,
    pub state: String,
    pub iss: Option<String>,
    pub error: String,
    pub error_description: String,
}

/// A sign-in whose credentials are settled: the account, whether the provider asserted a
/// second factor, and where to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignIn {
    pub account_id: i64,
    pub mfa: bool,
    pub next: String,
}

/// Where a callback leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The identity is linked to this account: open a session.
    SignedIn(SignIn),
    /// An existing account has the provider's address: its password links them
    /// ([`link`], the page `/login/oidc/link`).
    LinkWaiting,
}

#[derive(FromRow)]
struct Flow {
    id: i64,
    issuer: String,
    state: String,
    nonce: String,
    pkce_verifier: String,
    next: String,
}

/// Answers the provider's callback in the browser holding `cookie`.
pub async fn callback(
    state: &AppState,
    cookie: Option<&str>,
    answer: &Callback,
    lang: Lang,
    actor: &Actor,
) -> AppResult<Result<Outcome, Refusal>> {
    let flow: Option<Flow> = match cookie {
        Some(token) => {
            sqlx::query_as(
                "SELECT id, issuer, state, nonce, pkce_verifier, next FROM oidc_flows
                 WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            )
            .bind(secrets::sha256(token.as_bytes()).to_vec())
            .bind(Ts::now())
            .fetch_optional(&state.db)
            .await?
        }
        None => None,
    };
    let Some(flow) = flow else {
        return refused(state, actor, "", Refusal::FlowMissing).await;
    };
    // answered once: a second callback (a replay, a reload) finds nothing
    let taken = sqlx::query("UPDATE oidc_flows SET used_at = ? WHERE id = ? AND used_at IS NULL")
        .bind(Ts::now())
        .bind(flow.id)
        .execute(&state.db)
        .await?
        .rows_affected();
    if taken != 1 {
        return refused(state, actor, &flow.issuer, Refusal::FlowMissing).await;
    }
    let issuer = flow.issuer.clone();
    match answer_flow(state, &flow, answer).await {
        Ok(identity) => settle(state, &flow, identity, lang, actor).await,
        Err(r) => refused(state, actor, &issuer, r).await,
    }
}

/// The checks between the callback and a verified identity.
async fn answer_flow(
    state: &AppState,
    flow: &Flow,
    answer: &Callback,
) -> Result<client::Identity, Refusal> {
    // compared as hashes, so the comparison's timing says nothing about the expected value
    if secrets::sha256(answer.state.as_bytes()) != secrets::sha256(flow.state.as_bytes()) {
        return Err(Refusal::WrongState);
    }
    let provider = state
        .oidc
        .by_issuer(&flow.issuer)
        .ok_or(Refusal::UnknownProvider)?;
    // RFC 9207: the response names its issuer; it must be the one asked
    match &answer.iss {
        Some(iss) if iss != &flow.issuer => {
            return Err(Refusal::UnknownIssuer(format!(
                "the response came from `{iss}`, the sign-in went to `{}`",
                flow.issuer
            )));
        }
        None if provider.sends_iss().await? => {
            return Err(Refusal::UnknownIssuer(
                "the response does not name its issuer, which this provider does".into(),
            ));
        }
        _ => {}
    }
    if !answer.error.is_empty() {
        return Err(Refusal::ProviderError(
            format!("{}: {}", answer.error, answer.error_description)
                .chars()
                .take(300)
                .collect(),
        ));
    }
    if answer.code.is_empty() {
        return Err(Refusal::ProviderError("no code in the response".into()));
    }
    let identity = provider
        .finish(
            &callback_url(state),
            &answer.code,
            &flow.pkce_verifier,
            &flow.nonce,
        )
        .await?;
    if identity.issuer != flow.issuer {
        return Err(Refusal::UnknownIssuer(identity.issuer));
    }
    Ok(identity)
}

/// A verified identity: its account, a new one, or a link waiting for a password.
async fn settle(
    state: &AppState,
    flow: &Flow,
    identity: client::Identity,
    lang: Lang,
    actor: &Actor,
) -> AppResult<Result<Outcome, Refusal>> {
    let now = Ts::now();
    let linked: Option<(i64, Option<Ts>)> = sqlx::query_as(
        "SELECT i.account_id, a.disabled_at FROM oidc_identities i JOIN accounts a ON a.id = i.account_id
         WHERE i.issuer = ? AND i.subject = ?",
    )
    .bind(&identity.issuer)
    .bind(&identity.subject)
    .fetch_optional(&state.db)
    .await?;
    let about = json!({
        "issuer": identity.issuer,
        "subject": identity.subject,
        "email": identity.email,
        "mfa": identity.mfa,
    });
    if let Some((account_id, disabled)) = linked {
        if disabled.is_some() {
            return refused(state, actor, &identity.issuer, Refusal::AccountDisabled).await;
        }
        let mut tx = crate::db::begin_write(&state.db).await?;
        sqlx::query(
            "UPDATE oidc_identities SET last_sign_in_at = ?, email = ? WHERE issuer = ? AND subject = ?",
        )
        .bind(now)
        .bind(identity.email.as_deref().unwrap_or_default())
        .bind(&identity.issuer)
        .bind(&identity.subject)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE accounts SET last_login_at = ? WHERE id = ?")
            .bind(now)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            &as_account(actor, account_id, &identity),
            "session.login_oidc",
            "account",
            account_id,
            None,
            Some(about),
        )
        .await?;
        tx.commit().await?;
        return Ok(Ok(Outcome::SignedIn(SignIn {
            account_id,
            mfa: identity.mfa,
            next: flow.next.clone(),
        })));
    }
    let Some(email) = identity.email.clone().filter(|e| e.contains('@')) else {
        return refused(state, actor, &identity.issuer, Refusal::NoEmail).await;
    };
    let email_norm = rules::normalize_email(&email);
    let existing: Option<(i64, Option<Ts>)> =
        sqlx::query_as("SELECT id, email_verified_at FROM accounts WHERE email_normalized = ?")
            .bind(&email_norm)
            .fetch_optional(&state.db)
            .await?;
    match existing {
        // both sides vouch for the address: the owner's password links them
        Some((account_id, Some(_))) if identity.email_verified => {
            sqlx::query(
                "UPDATE oidc_flows SET link_account_id = ?, link_subject = ?, link_email = ?, link_mfa = ?, expires_at = ?
                 WHERE id = ?",
            )
            .bind(account_id)
            .bind(&identity.subject)
            .bind(&email)
            .bind(identity.mfa)
            .bind(Ts(Utc::now() + Duration::minutes(FLOW_TTL_MINUTES)))
            .bind(flow.id)
            .execute(&state.db)
            .await?;
            Ok(Ok(Outcome::LinkWaiting))
        }
        Some(_) => refused(state, actor, &identity.issuer, Refusal::AddressUnconfirmed).await,
        None => {
            let name = identity
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
            let mut tx = crate::db::begin_write(&state.db).await?;
            let account_id = accounts::open_for_provider(
                &mut tx,
                state,
                &name,
                &email,
                identity.email_verified,
                lang,
                &Actor {
                    label: email_norm.clone(),
                    ..actor.clone()
                },
            )
            .await?;
            link_identity(
                &mut tx,
                account_id,
                &identity.issuer,
                &identity.subject,
                &email,
            )
            .await?;
            audit::record(
                &mut tx,
                &as_account(actor, account_id, &identity),
                "account.oidc_linked",
                "account",
                account_id,
                None,
                Some(json!({"new_account": true, "identity": about})),
            )
            .await?;
            tx.commit().await?;
            state.mail_pending.notify_one();
            Ok(Ok(Outcome::SignedIn(SignIn {
                account_id,
                mfa: identity.mfa,
                next: flow.next.clone(),
            })))
        }
    }
}

async fn link_identity(
    tx: &mut sqlx::SqliteConnection,
    account_id: i64,
    issuer: &str,
    subject: &str,
    email: &str,
) -> AppResult<()> {
    let now = Ts::now();
    sqlx::query(
        "INSERT INTO oidc_identities (account_id, issuer, subject, email, linked_at, last_sign_in_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(account_id)
    .bind(issuer)
    .bind(subject)
    .bind(email)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A link waiting for its account's password, as its page shows it.
#[derive(Clone, Debug, FromRow)]
pub struct PendingLink {
    pub id: i64,
    pub issuer: String,
    pub account_id: i64,
    pub subject: String,
    pub email: String,
    pub mfa: bool,
    pub next: String,
}

/// The link waiting in the browser holding `cookie`, if any.
pub async fn pending_link(db: &SqlitePool, cookie: Option<&str>) -> AppResult<Option<PendingLink>> {
    let Some(token) = cookie else { return Ok(None) };
    Ok(sqlx::query_as(
        "SELECT id, issuer, link_account_id AS account_id, link_subject AS subject, link_email AS email, link_mfa AS mfa, next
         FROM oidc_flows
         WHERE token_hash = ? AND link_account_id IS NOT NULL AND linked_at IS NULL AND expires_at > ?",
    )
    .bind(secrets::sha256(token.as_bytes()).to_vec())
    .bind(Ts::now())
    .fetch_optional(db)
    .await?)
}

/// The button label of the provider a link came from.
pub fn provider_name(state: &AppState, issuer: &str) -> String {
    state
        .oidc
        .by_issuer(issuer)
        .map(|p| p.settings.name.clone())
        .unwrap_or_else(|| crate::settings::host_of(issuer))
}

/// Links the waiting identity (found by [`pending_link`]) once the account's password is right
/// (checked, throttled and audited like a sign-in). `Err` carries the password's refusal for the
/// form.
pub async fn link(
    state: &AppState,
    pending: &PendingLink,
    password: &str,
    actor: &Actor,
) -> AppResult<Result<SignIn, Refusal>> {
    let account_id = accounts::login(state, &pending.email, password, actor).await?;
    if account_id != pending.account_id {
        // the address changed hands between the callback and now
        return refused(state, actor, &pending.issuer, Refusal::LinkMissing).await;
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let done =
        sqlx::query("UPDATE oidc_flows SET linked_at = ? WHERE id = ? AND linked_at IS NULL")
            .bind(Ts::now())
            .bind(pending.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if done != 1 {
        return refused(state, actor, &pending.issuer, Refusal::LinkMissing).await;
    }
    link_identity(
        &mut tx,
        account_id,
        &pending.issuer,
        &pending.subject,
        &pending.email,
    )
    .await?;
    audit::record(
        &mut tx,
        &Actor {
            account_id: Some(account_id),
            label: rules::normalize_email(&pending.email),
            ..actor.clone()
        },
        "account.oidc_linked",
        "account",
        account_id,
        None,
        Some(json!({"new_account": false, "identity": {"issuer": pending.issuer, "subject": pending.subject, "email": pending.email}})),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(SignIn {
        account_id,
        mfa: pending.mfa,
        next: pending.next.clone(),
    }))
}

/// The provider identities linked to an account (the account page lists them).
#[derive(Clone, Debug, FromRow)]
pub struct Linked {
    pub issuer: String,
    pub email: String,
    pub linked_at: Ts,
    pub last_sign_in_at: Option<Ts>,
}

pub async fn linked_to(db: &SqlitePool, account_id: i64) -> AppResult<Vec<Linked>> {
    Ok(sqlx::query_as(
        "SELECT issuer, email, linked_at, last_sign_in_at FROM oidc_identities WHERE account_id = ? ORDER BY linked_at",
    )
    .bind(account_id)
    .fetch_all(db)
    .await?)
}

/// Drops sign-ins that expired (run with the sessions' purge).
pub async fn purge(db: &SqlitePool) -> AppResult<u64> {
    Ok(sqlx::query("DELETE FROM oidc_flows WHERE expires_at <= ?")
        .bind(Ts::now())
        .execute(db)
        .await?
        .rows_affected())
}

fn as_account(actor: &Actor, account_id: i64, identity: &client::Identity) -> Actor {
    Actor {
        account_id: Some(account_id),
        label: identity
            .email
            .as_deref()
            .map(rules::normalize_email)
            .unwrap_or_else(|| identity.subject.clone()),
        ..actor.clone()
    }
}

/// Writes the refusal to the audit trail and hands it back.
async fn refused<T>(
    state: &AppState,
    actor: &Actor,
    issuer: &str,
    refusal: Refusal,
) -> AppResult<Result<T, Refusal>> {
    tracing::info!(
        issuer,
        reason = refusal.code(),
        detail = refusal.detail(),
        "OpenID sign-in refused"
    );
    let mut tx = crate::db::begin_write(&state.db).await?;
    audit::record(
        &mut tx,
        actor,
        "session.login_oidc_refused",
        "oidc_provider",
        issuer,
        None,
        Some(json!({"reason": refusal.code(), "detail": refusal.detail()})),
    )
    .await?;
    tx.commit().await?;
    Ok(Err(refusal))
}
