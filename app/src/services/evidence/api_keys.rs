//! API keys of source systems: created by an administrator (or `minga api-key create`), scoped
//! to kinds, shown once, stored as SHA-256, revocable. Every change audited.

use crate::db::Ts;
use crate::domain::evidence::submission;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::services::audit::{self, Actor};
use crate::services::authority::Admin;
use crate::services::secrets;
use crate::{AppError, AppState};
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    SourceInvalid,
    SourceReserved,
    KindsRequired,
    KindInvalid(String),
    KindReserved(String),
}

impl Reason for KeyProblem {
    fn code(&self) -> &'static str {
        match self {
            KeyProblem::SourceInvalid => "source_invalid",
            KeyProblem::SourceReserved => "source_reserved",
            KeyProblem::KindsRequired => "kinds_required",
            KeyProblem::KindInvalid(_) => "kind_invalid",
            KeyProblem::KindReserved(_) => "kind_reserved",
        }
    }
    fn message(&self, t: &'static Tr) -> String {
        match self {
            KeyProblem::SourceInvalid => t.apikey_source_invalid.to_string(),
            KeyProblem::SourceReserved => t.apikey_source_reserved.to_string(),
            KeyProblem::KindsRequired => t.apikey_kinds_required.to_string(),
            KeyProblem::KindInvalid(k) => fill(t.apikey_kind_invalid, &[("kind", k)]),
            KeyProblem::KindReserved(k) => fill(t.apikey_kind_reserved, &[("kind", k)]),
        }
    }
}

/// The caller of the submission API.
#[derive(Clone, Debug)]
pub struct ApiClient {
    pub key_id: i64,
    pub source: String,
    pub kinds: Vec<String>,
}

/// Parses `K1, K2 k3` into distinct kinds, refusing malformed and reserved ones.
pub fn parse_kinds(text: &str) -> Result<Vec<String>, KeyProblem> {
    let mut kinds: Vec<String> = Vec::new();
    for k in text
        .split([',', ' ', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        submission::check_kind(k).map_err(|_| KeyProblem::KindInvalid(k.to_string()))?;
        if k.starts_with("governance.") {
            return Err(KeyProblem::KindReserved(k.to_string()));
        }
        if !kinds.iter().any(|x| x == k) {
            kinds.push(k.to_string());
        }
    }
    if kinds.is_empty() {
        Err(KeyProblem::KindsRequired)
    } else {
        Ok(kinds)
    }
}

/// Creates a key for `source` limited to `kinds`; returns its id and the key, shown only now.
/// `public`: the records this source registers under kinds it had no key for yet are shown on
/// their verification pages. A key never changes the visibility of what exists (another
/// source's, or this source's kinds already set): that is [`set_visibility`]'s, on purpose.
pub async fn create(
    state: &AppState,
    _admin: &Admin,
    source: &str,
    kinds_text: &str,
    public: bool,
    actor: &Actor,
) -> AppResult<(i64, String)> {
    let source = source.trim();
    let mut invalid = Invalid::new();
    if submission::check_kind(source).is_err() {
        invalid.add("source", KeyProblem::SourceInvalid);
    } else if source == "portal" {
        invalid.add("source", KeyProblem::SourceReserved);
    }
    let kinds = parse_kinds(kinds_text)
        .map_err(|p| invalid.add("kinds", p))
        .unwrap_or_default();
    invalid.into_result()?;

    let prefix = super::sequencer::random_id()?[..8].to_string();
    let key = format!("minga_{prefix}_{}", secrets::random_token()?);
    let now = Ts::now();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_keys (source, prefix, key_hash, kinds, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(source)
    .bind(&prefix)
    .bind(secrets::sha256(key.as_bytes()).to_vec())
    .bind(serde_json::to_string(&kinds).map_err(AppError::internal)?)
    .bind(actor.account_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for kind in &kinds {
        sqlx::query(
            "INSERT INTO evidence_visibility (source, kind, public, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (source, kind) DO NOTHING",
        )
        .bind(source)
        .bind(kind)
        .bind(public)
        .bind(now)
        .bind(actor.account_id)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "api_key.created",
        "api_key",
        id,
        None,
        Some(json!({"source": source, "kinds": kinds, "public": public, "prefix": prefix})),
    )
    .await?;
    tx.commit().await?;
    Ok((id, key))
}

/// The client of a bearer key, if the key is known and not revoked.
pub async fn authenticate(db: &SqlitePool, key: &str) -> AppResult<ApiClient> {
    let row: Option<(i64, String, String, Option<Ts>)> =
        sqlx::query_as("SELECT id, source, kinds, last_used_at FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
            .bind(secrets::sha256(key.trim().as_bytes()).to_vec())
            .fetch_optional(db)
            .await?;
    let (key_id, source, kinds, last_used) = row.ok_or(AppError::Unauthenticated)?;
    let now = Ts::now();
    if last_used.is_none_or(|t| now.0 - t.0 > chrono::Duration::minutes(1)) {
        sqlx::query("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
            .bind(now)
            .bind(key_id)
            .execute(db)
            .await?;
    }
    let kinds: Vec<String> = serde_json::from_str(&kinds).map_err(AppError::internal)?;
    Ok(ApiClient {
        key_id,
        source,
        kinds,
    })
}

pub async fn revoke(db: &SqlitePool, _admin: &Admin, id: i64, actor: &Actor) -> AppResult<()> {
    let mut tx = crate::db::begin_write(db).await?;
    let found: Option<Option<Ts>> =
        sqlx::query_scalar("SELECT revoked_at FROM api_keys WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.ok_or(AppError::NotFound)?.is_none() {
        sqlx::query("UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ?")
            .bind(Ts::now())
            .bind(actor.account_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "api_key.revoked",
            "api_key",
            id,
            Some(json!({"revoked": false})),
            Some(json!({"revoked": true})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, FromRow)]
pub struct KeyRow {
    pub id: i64,
    pub source: String,
    pub prefix: String,
    pub kinds: String,
    pub created_at: Ts,
    pub last_used_at: Option<Ts>,
    pub revoked_at: Option<Ts>,
}

pub async fn list(db: &SqlitePool) -> AppResult<Vec<KeyRow>> {
    Ok(sqlx::query_as("SELECT id, source, prefix, kinds, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id DESC")
        .fetch_all(db)
        .await?)
}

/// Whether one source's records of one kind are public, as the API-keys page lists them.
#[derive(Clone, Debug, FromRow)]
pub struct VisibilityRow {
    pub source: String,
    pub kind: String,
    pub public: bool,
    pub changed_at: Ts,
}

pub async fn visibility(db: &SqlitePool) -> AppResult<Vec<VisibilityRow>> {
    Ok(sqlx::query_as(
        "SELECT source, kind, public, changed_at FROM evidence_visibility ORDER BY source, kind",
    )
    .fetch_all(db)
    .await?)
}

/// Shows or hides the records `source` registers under `kind` (their hashes stay public);
/// an administrator's deliberate change, audited. The portal's governance decisions are always
/// public and cannot be hidden.
pub async fn set_visibility(
    db: &SqlitePool,
    _admin: &Admin,
    source: &str,
    kind: &str,
    public: bool,
    actor: &Actor,
) -> AppResult<()> {
    if source == "portal" && kind.starts_with("governance.") {
        return Err(AppError::Invalid(Invalid::one(
            "kind",
            KeyProblem::KindReserved(kind.to_string()),
        )));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let before: Option<bool> =
        sqlx::query_scalar("SELECT public FROM evidence_visibility WHERE source = ? AND kind = ?")
            .bind(source)
            .bind(kind)
            .fetch_optional(&mut *tx)
            .await?;
    let before = before.ok_or(AppError::NotFound)?;
    if before != public {
        sqlx::query(
            "UPDATE evidence_visibility SET public = ?, changed_at = ?, changed_by = ? WHERE source = ? AND kind = ?",
        )
        .bind(public)
        .bind(Ts::now())
        .bind(actor.account_id)
        .bind(source)
        .bind(kind)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "evidence.visibility_changed",
            "evidence_kind",
            format!("{source}/{kind}"),
            Some(json!({"public": before})),
            Some(json!({"public": public})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_parsed_and_checked() {
        assert_eq!(
            parse_kinds("purchase-order, proforma purchase-order"),
            Ok(vec!["purchase-order".into(), "proforma".into()])
        );
        assert_eq!(parse_kinds(" , "), Err(KeyProblem::KindsRequired));
        assert_eq!(
            parse_kinds("Orden"),
            Err(KeyProblem::KindInvalid("Orden".into()))
        );
        assert_eq!(
            parse_kinds("governance.vote-result"),
            Err(KeyProblem::KindReserved("governance.vote-result".into()))
        );
    }
}
