//! Requests to create a collective: a written request with its justification and the commitment
//! to keep at least one node, decided by the Executive Council (recorded by its Secretary). An
//! approval creates the collective; both outcomes are decisions of record.

use super::audit::{self, Actor};
use super::authority::{CouncilSecretary, Signed};
use super::evidence::decisions::{self, Decision};
use super::mail::{self, Message};
use crate::db::Ts;
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::{AppError, AppState};
use chrono::Utc;
use serde_json::json;
use sqlx::{FromRow, SqlitePool};

pub const SECTORS: [&str; 5] = ["academic", "business", "public", "civil_society", "other"];
const MAX_NAME: usize = 120;
const MAX_TEXT: usize = 8000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestProblem {
    Required,
    TooLong { max: usize },
    SectorUnknown,
    NodeCommitment,
    NameTaken,
    Pending,
    NotSubmitted,
    NoteRequired,
}

impl Reason for RequestProblem {
    fn code(&self) -> &'static str {
        match self {
            RequestProblem::Required => "required",
            RequestProblem::TooLong { .. } => "too_long",
            RequestProblem::SectorUnknown => "sector_unknown",
            RequestProblem::NodeCommitment => "node_commitment_required",
            RequestProblem::NameTaken => "name_taken",
            RequestProblem::Pending => "request_pending",
            RequestProblem::NotSubmitted => "request_decided",
            RequestProblem::NoteRequired => "note_required",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            RequestProblem::Required => t.problem_required.into(),
            RequestProblem::TooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            RequestProblem::SectorUnknown => t.gov_problem_sector_unknown.into(),
            RequestProblem::NodeCommitment => t.gov_problem_node_commitment.into(),
            RequestProblem::NameTaken => t.gov_problem_name_taken.into(),
            RequestProblem::Pending => t.gov_problem_request_pending.into(),
            RequestProblem::NotSubmitted => t.gov_problem_request_decided.into(),
            RequestProblem::NoteRequired => t.gov_problem_note_required.into(),
        }
    }
}

/// A request as typed in the form.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub name_es: String,
    pub name_en: String,
    pub sector: String,
    pub justification: String,
    pub node_commitment: String,
}

/// "Colectivo de Cooperativas" → "colectivo-de-cooperativas".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "colectivo".into()
    } else {
        out
    }
}

/// Files a request; the Executive Secretary is told by mail.
pub async fn submit(
    state: &AppState,
    who: &Signed,
    form: &RequestForm,
    actor: &Actor,
) -> AppResult<i64> {
    let person_id = who.person_id();
    let mut invalid = Invalid::new();
    for (field, value, max) in [
        ("name_es", &form.name_es, MAX_NAME),
        ("name_en", &form.name_en, MAX_NAME),
        ("justification", &form.justification, MAX_TEXT),
    ] {
        let v = value.trim();
        if v.is_empty() {
            invalid.add(field, RequestProblem::Required);
        } else if v.chars().count() > max {
            invalid.add(field, RequestProblem::TooLong { max });
        }
    }
    if !SECTORS.contains(&form.sector.as_str()) {
        invalid.add("sector", RequestProblem::SectorUnknown);
    }
    if form.node_commitment != "on" {
        invalid.add("node_commitment", RequestProblem::NodeCommitment);
    }
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collectives WHERE lower(name_es) = lower(?) OR slug = ?",
    )
    .bind(form.name_es.trim())
    .bind(slugify(&form.name_es))
    .fetch_one(&state.db)
    .await?;
    if taken > 0 {
        invalid.add("name_es", RequestProblem::NameTaken);
    }
    invalid.into_result()?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM collective_requests WHERE person_id = ? AND status = 'submitted'",
    )
    .bind(person_id)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(Invalid::one("", RequestProblem::Pending).into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO collective_requests (person_id, name_es, name_en, sector, justification, node_commitment, submitted_at)
         VALUES (?, ?, ?, ?, ?, 1, ?) RETURNING id",
    )
    .bind(person_id)
    .bind(form.name_es.trim())
    .bind(form.name_en.trim())
    .bind(&form.sector)
    .bind(form.justification.trim())
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "collective-request.submitted",
        "collective_request",
        id,
        None,
        Some(json!({"name_es": form.name_es.trim(), "sector": form.sector})),
    )
    .await?;
    let secretaries = super::seats::executive_secretaries(&mut tx, Utc::now().date_naive()).await?;
    let url = format!(
        "{}/collectives/requests",
        state.settings.public_url.trim_end_matches('/')
    );
    for (_, name, email) in secretaries.into_iter().filter(|s| !s.2.is_empty()) {
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!(
                    "Solicitud de nuevo colectivo / New collective request: {}",
                    form.name_es.trim()
                ),
                body_text: format!(
                    "Se recibió una solicitud para crear el «{}». El Consejo Ejecutivo decide.\n{url}\n\nA request to create the \"{}\" was received. The Executive Council decides.\n{url}\n",
                    form.name_es.trim(),
                    form.name_en.trim()
                ),
                ics: None,
                topic: format!("collective-request/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.mail_pending.notify_one();
    Ok(id)
}

#[derive(Clone, Debug, FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub person_id: i64,
    pub requester: String,
    pub institution: Option<String>,
    pub name_es: String,
    pub name_en: String,
    pub sector: String,
    pub justification: String,
    pub status: String,
    pub submitted_at: Ts,
    pub decided_at: Option<Ts>,
    pub decision_note: String,
    pub collective_slug: Option<String>,
}

const REQUEST_SELECT: &str = "SELECT r.id, r.person_id, p.full_name AS requester, i.name AS institution, r.name_es, r.name_en, r.sector,
        r.justification, r.status, r.submitted_at, r.decided_at, r.decision_note, c.slug AS collective_slug
 FROM collective_requests r JOIN people p ON p.id = r.person_id LEFT JOIN institutions i ON i.id = p.institution_id
 LEFT JOIN collectives c ON c.id = r.collective_id";

/// Pending requests first, then the latest decided; `person` narrows to one requester's.
pub async fn list(db: &SqlitePool, person: Option<i64>) -> AppResult<Vec<RequestRow>> {
    let sql = format!(
        "{REQUEST_SELECT} WHERE (?1 IS NULL OR r.person_id = ?1)
         ORDER BY CASE r.status WHEN 'submitted' THEN 0 ELSE 1 END, r.id DESC LIMIT 200"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .fetch_all(db)
        .await?)
}

/// The Executive Council's decision on a request, recorded by its Secretary: an approval creates
/// the collective. Both outcomes are registered as decisions.
pub async fn decide(
    state: &AppState,
    _who: &CouncilSecretary,
    request_id: i64,
    approve: bool,
    note: &str,
    actor: &Actor,
) -> AppResult<Option<String>> {
    let note = note.trim();
    if !approve && note.is_empty() {
        return Err(Invalid::one("note", RequestProblem::NoteRequired).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let sql = format!("{REQUEST_SELECT} WHERE r.id = ?");
    let r: RequestRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(request_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if r.status != "submitted" {
        return Err(Invalid::one("", RequestProblem::NotSubmitted).into());
    }
    let today = Utc::now().date_naive();
    let request = json!({"id": r.id, "name_es": r.name_es, "name_en": r.name_en, "sector": r.sector,
        "justification": r.justification, "node_commitment": true, "submitted_at": r.submitted_at.to_db(),
        "requested_by": {"name": r.requester, "institution": r.institution}});
    let mut slug_out = None;
    if approve {
        let base = slugify(&r.name_es);
        let mut slug = base.clone();
        let mut n = 2;
        loop {
            let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM collectives WHERE slug = ?")
                .bind(&slug)
                .fetch_one(&mut *tx)
                .await?;
            if used == 0 {
                break;
            }
            slug = format!("{base}-{n}");
            n += 1;
        }
        let cid: i64 = sqlx::query_scalar(
            "INSERT INTO collectives (slug, sector, name_es, name_en, description_es, description_en, created_on, created_at)
             VALUES (?, ?, ?, ?, '', '', ?, ?) RETURNING id",
        )
        .bind(&slug)
        .bind(&r.sector)
        .bind(&r.name_es)
        .bind(&r.name_en)
        .bind(today)
        .bind(Ts::now())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE collective_requests SET status = 'approved', decided_at = ?, decided_by = ?, decision_note = ?, collective_id = ? WHERE id = ?")
            .bind(Ts::now())
            .bind(actor.account_id)
            .bind(note)
            .bind(cid)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "collective.created",
            "collective",
            cid,
            None,
            Some(json!({"slug": slug, "sector": r.sector, "name_es": r.name_es, "request": request_id})),
        )
        .await?;
        decisions::record(
            &mut tx,
            &Decision {
                event: "collective-created",
                body: "executive-council",
                reference: format!("collective-created/{slug}"),
                title_es: format!("Creación del {}", r.name_es),
                title_en: format!("Creation of the {}", r.name_en),
                data: json!({
                    "collective": {"id": cid, "slug": slug, "sector": r.sector, "name_es": r.name_es, "name_en": r.name_en},
                    "request": request,
                    "note": note,
                    "recorded_by": actor.label,
                }),
            },
        )
        .await?;
        slug_out = Some(slug);
    } else {
        sqlx::query("UPDATE collective_requests SET status = 'rejected', decided_at = ?, decided_by = ?, decision_note = ? WHERE id = ?")
            .bind(Ts::now())
            .bind(actor.account_id)
            .bind(note)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        decisions::record(
            &mut tx,
            &Decision {
                event: "collective-request-rejected",
                body: "executive-council",
                reference: format!("collective-request/{request_id}"),
                title_es: format!("Solicitud no aprobada: {}", r.name_es),
                title_en: format!("Request not approved: {}", r.name_en),
                data: json!({"request": request, "note": note, "recorded_by": actor.label}),
            },
        )
        .await?;
    }
    audit::record(
        &mut tx,
        actor,
        "collective-request.decided",
        "collective_request",
        request_id,
        Some(json!({"status": "submitted"})),
        Some(json!({"status": if approve { "approved" } else { "rejected" }, "note": note})),
    )
    .await?;
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
        .bind(r.person_id)
        .fetch_one(&mut *tx)
        .await?;
    if !email.is_empty() {
        let (es, en) = if approve {
            ("aprobó", "approved")
        } else {
            ("no aprobó", "did not approve")
        };
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: r.requester.clone(),
                subject: format!("Solicitud de colectivo / Collective request: {}", r.name_es),
                body_text: format!(
                    "El Consejo Ejecutivo {es} la solicitud del «{}». {note}\n\nThe Executive Council {en} the request for the \"{}\". {note}\n",
                    r.name_es, r.name_en
                ),
                ics: None,
                topic: format!("collective-request-decided/{request_id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.decisions_pending.notify_one();
    state.mail_pending.notify_one();
    Ok(slug_out)
}
