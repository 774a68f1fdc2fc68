//! Approving minutes: by a vote at a later meeting of the body (an agenda item that puts them
//! to the vote) or by the body's rule (circulated for the comment period with no objection to
//! the text as it stands). Approval freezes them: the PDF is rendered and stored before the
//! write lock is taken, then the minutes, the `minutes-approved` decision (with the PDF as its
//! document) and the opened agreements are written in one transaction.

use super::agreements::{AgreementRow, agreements_of, open_agreement};
use super::{MinutesProblem, MinutesRow, get, refused, scope};
use crate::db::Ts;
use crate::domain::evidence::Hash;
use crate::domain::meetings::MeetingSettings;
use crate::domain::minutes::{
    AgreementStatus, ApprovalBasis, MinutesRefusal, MinutesStatus, VoteSummary, approval_statement,
};
use crate::error::{AppResult, Invalid};
use crate::services::audit::{self, Actor};
use crate::services::authority::Convener;
use crate::services::evidence::decisions::{self, Decision};
use crate::services::meetings::{self, MeetingRow};
use crate::{AppError, AppState};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};

/// The end of the comment period of minutes circulated at `at`.
pub fn comments_until(at: DateTime<Utc>, settings: &MeetingSettings) -> DateTime<Utc> {
    at + chrono::Duration::days(i64::from(settings.minutes_comment_days))
}

/// Objections to the text as it stands.
async fn objections(conn: &mut SqliteConnection, minutes: &MinutesRow) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM minutes_comments WHERE meeting_id = ? AND revision = ? AND objection = 1",
    )
    .bind(minutes.meeting_id)
    .bind(minutes.revision)
    .fetch_one(conn)
    .await?)
}

/// How the minutes were approved.
enum Approval {
    /// By the body's rule: circulated for the comment period with no objection.
    Rule,
    /// By the vote on an agenda item of a later meeting.
    Vote {
        vote_id: i64,
        meeting: Box<MeetingRow>,
        result: VoteSummary,
    },
}

/// The closed, approving vote that put these minutes to a later meeting, if any:
/// (that meeting, the vote, its result).
async fn approving_vote(
    conn: &mut SqliteConnection,
    meeting_id: i64,
) -> AppResult<Option<(i64, i64, VoteSummary)>> {
    let rows: Vec<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT a.meeting_id, v.id, v.result_json FROM agenda_items a JOIN votes v ON v.id = a.vote_id
         WHERE a.approves_minutes_of = ? AND v.status = 'closed' ORDER BY v.closed_at DESC",
    )
    .bind(meeting_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().find_map(|(at, vote, result)| {
        let s = VoteSummary::from_json(result.as_deref()?)?;
        s.approved.then_some((at, vote, s))
    }))
}

/// The secretary registers the approval: by the vote at a later meeting when one approved the
/// minutes, otherwise by the body's rule (refused, with the reason, within the comment period or
/// while a member objects to the text as it stands).
pub async fn approve(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    meetings::covered(&state.db, convener, meeting_id).await?;
    approve_minutes(state, meeting_id, Utc::now(), actor).await
}

/// [`approve`] as of `at`, for history written after the fact (the demo's past meeting): the
/// approval, its PDF and its rule are dated then.
pub(crate) async fn approve_as_of(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    at: DateTime<Utc>,
    actor: &Actor,
) -> AppResult<()> {
    meetings::covered(&state.db, convener, meeting_id).await?;
    approve_minutes(state, meeting_id, at, actor).await
}

/// The motions worker's part: minutes that a closed vote approved are frozen (at once, or after
/// a restart that interrupted it). Returns how many were.
pub async fn approve_by_votes(state: &AppState) -> AppResult<usize> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT a.approves_minutes_of FROM agenda_items a JOIN votes v ON v.id = a.vote_id
           JOIN minutes n ON n.meeting_id = a.approves_minutes_of
         WHERE a.approves_minutes_of IS NOT NULL AND v.status = 'closed' AND n.status = 'circulated'",
    )
    .fetch_all(&state.db)
    .await?;
    let actor = Actor::system("motions");
    let mut approved = 0;
    for meeting_id in due {
        let mut conn = state.db.acquire().await?;
        let by_vote = approving_vote(&mut conn, meeting_id).await?.is_some();
        drop(conn);
        if !by_vote {
            continue;
        }
        match approve_minutes(state, meeting_id, Utc::now(), &actor).await {
            Ok(()) => approved += 1,
            Err(e) => {
                tracing::warn!(meeting = meeting_id, error = %e, "approving minutes a vote approved")
            }
        }
    }
    Ok(approved)
}

/// Approves and freezes the minutes (see [`approve`]; also reached by a vote that approved
/// them). The PDF is rendered and stored first; the write lock is held only to write.
async fn approve_minutes(
    state: &AppState,
    meeting_id: i64,
    now: DateTime<Utc>,
    actor: &Actor,
) -> AppResult<()> {
    // what the PDF says, read without the write lock
    let mut conn = state.db.acquire().await?;
    let minutes = get(&mut *conn, meeting_id)
        .await?
        .ok_or_else(|| Invalid::one("", MinutesProblem::NotSaved))?;
    minutes.status.approve().map_err(refused)?;
    let approval = match approving_vote(&mut conn, meeting_id).await? {
        Some((at, vote_id, result)) => Approval::Vote {
            vote_id,
            meeting: Box::new(meetings::get(&mut *conn, at).await?),
            result,
        },
        None => Approval::Rule,
    };
    if let Approval::Rule = approval {
        rule_allows(&mut conn, state, &minutes, now).await?;
    }
    let m = meetings::get(&mut *conn, meeting_id).await?;
    let proposed: Vec<AgreementRow> = agreements_of(&mut *conn, meeting_id)
        .await?
        .into_iter()
        .filter(|a| a.status == AgreementStatus::Proposed)
        .collect();
    drop(conn);
    let statement = approval_statement(&basis(&approval, &minutes, &state.settings.meetings));
    let font = tokio::fs::read(&state.settings.report_font)
        .await
        .map_err(|e| {
            AppError::internal(format!(
                "the PDF font {} cannot be read (MINGA_REPORT_FONT): {e}",
                state.settings.report_font.display()
            ))
        })?;
    let verify_url = crate::services::evidence::lookup_url(
        &state.settings.public_url,
        "portal",
        "governance.minutes-approved",
        &reference(meeting_id),
    );
    let pdf = {
        let (m, minutes, proposed) = (m.clone(), minutes.clone(), proposed.clone());
        let public_url = state.settings.public_url.clone();
        tokio::task::spawn_blocking(move || {
            let refs: Vec<&AgreementRow> = proposed.iter().collect();
            render_pdf(
                &m,
                &minutes,
                &refs,
                &statement,
                now,
                &public_url,
                &verify_url,
                &font,
            )
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?
    };
    let hash =
        crate::services::evidence::documents::store(&state.settings.documents_dir(), &pdf).await?;

    let mut tx = crate::db::begin_write(&state.db).await?;
    // the rule's conditions again, under the lock: an objection may have come meanwhile
    if let Approval::Rule = approval {
        rule_allows(&mut tx, state, &minutes, now).await?;
    }
    let (how, vote_id) = match &approval {
        Approval::Rule => ("rule", None),
        Approval::Vote { vote_id, .. } => ("vote", Some(*vote_id)),
    };
    let done = sqlx::query(
        "UPDATE minutes SET status = 'approved', approved_at = ?, approved_how = ?, approval_vote_id = ?, pdf_sha256 = ?
         WHERE meeting_id = ? AND status = 'circulated' AND revision = ?",
    )
    .bind(Ts(now))
    .bind(how)
    .bind(vote_id)
    .bind(hash.hex())
    .bind(meeting_id)
    .bind(minutes.revision)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        // approved meanwhile, or revised: what was rendered is not what stands
        let now_status = get(&mut *tx, meeting_id).await?.map(|r| r.status);
        return Err(refused(match now_status {
            Some(MinutesStatus::Approved) => MinutesRefusal::Approved,
            _ => MinutesRefusal::NotCirculated,
        }));
    }
    let approved = match &approval {
        Approval::Rule => json!({
            "how": "rule",
            "circulated_at": minutes.circulated_at.map(|t| t.to_db()),
            "comment_days": state.settings.meetings.minutes_comment_days,
        }),
        Approval::Vote {
            vote_id,
            meeting,
            result,
        } => json!({
            "how": "vote",
            "vote": vote_id,
            "meeting": {"id": meeting.id, "title_es": meeting.title_es, "starts_at": meeting.starts_at.to_db()},
            "yes": result.yes, "no": result.no, "abstain": result.abstain,
        }),
    };
    let decision = decisions::record(
        &mut tx,
        &Decision {
            event: "minutes-approved",
            body: scope(&m),
            reference: reference(meeting_id),
            title_es: format!("Acta aprobada: {}", m.title_es),
            title_en: format!("Minutes approved: {}", m.title_en),
            data: json!({
                "meeting": {"id": m.id, "body": m.body, "kind": m.kind, "title_es": m.title_es, "title_en": m.title_en,
                            "starts_at": m.starts_at.to_db(), "timezone": m.timezone},
                "minutes": {"revision": minutes.revision, "text_sha256": Hash::of(minutes.text.as_bytes()).hex(),
                            "pdf_sha256": hash.hex(), "pdf_bytes": pdf.len()},
                "approved": approved,
                "agreements": proposed.iter().map(|a| json!({"id": a.id, "text": a.text, "owner": a.owner_name, "due_on": a.due_on})).collect::<Vec<_>>(),
                "recorded_by": actor.label,
            }),
        },
    )
    .await?;
    decisions::attach_document(
        &mut tx,
        decision,
        &hash.hex(),
        &format!("acta-sesion-{meeting_id}.pdf"),
        "application/pdf",
    )
    .await?;
    sqlx::query("UPDATE minutes SET decision_id = ? WHERE meeting_id = ?")
        .bind(decision)
        .bind(meeting_id)
        .execute(&mut *tx)
        .await?;
    for a in &proposed {
        open_agreement(state, &mut tx, &m, a, &hash).await?;
    }
    audit::record(
        &mut tx,
        actor,
        "minutes.approved",
        "meeting",
        meeting_id,
        Some(json!({"status": minutes.status})),
        Some(json!({"status": "approved", "how": how, "vote": vote_id, "pdf_sha256": hash.hex(), "agreements": proposed.len()})),
    )
    .await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    state.mail_pending.notify_one();
    Ok(())
}

/// The reference of a meeting's `minutes-approved` decision (and of its evidence).
fn reference(meeting_id: i64) -> String {
    format!("meeting/{meeting_id}/minutes")
}

/// The body's rule: circulated for the whole comment period and no objection to this revision.
async fn rule_allows(
    conn: &mut SqliteConnection,
    state: &AppState,
    minutes: &MinutesRow,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let until = comments_until(
        minutes.circulated_at.map_or(now, |t| t.0),
        &state.settings.meetings,
    );
    if until > now {
        return Err(Invalid::one(
            "",
            MinutesProblem::CommentPeriod {
                until: until.format("%Y-%m-%d %H:%M UTC").to_string(),
            },
        )
        .into());
    }
    let count = objections(conn, minutes).await?;
    if count > 0 {
        return Err(Invalid::one("", MinutesProblem::Objections { count }).into());
    }
    Ok(())
}

/// How an approval reads in the PDF.
fn basis(approval: &Approval, minutes: &MinutesRow, settings: &MeetingSettings) -> ApprovalBasis {
    match approval {
        Approval::Rule => ApprovalBasis::Rule {
            circulated_on: minutes.circulated_at.map(|t| t.0.date_naive()),
            comment_days: settings.minutes_comment_days,
        },
        Approval::Vote {
            meeting, result, ..
        } => ApprovalBasis::Vote {
            title_es: meeting.title_es.clone(),
            title_en: meeting.title_en.clone(),
            day: meeting.local_day(),
            result: *result,
        },
    }
}

/// The approved minutes as a PDF: the text as written, the agreements, how they were approved,
/// and a QR code to the page that verifies the PDF itself (its `minutes-approved` evidence).
#[allow(clippy::too_many_arguments)]
pub fn render_pdf(
    m: &MeetingRow,
    minutes: &MinutesRow,
    agreements: &[&AgreementRow],
    statement: &(String, String),
    approved_at: DateTime<Utc>,
    public_url: &str,
    verify_url: &str,
    font: &[u8],
) -> Result<Vec<u8>, String> {
    let mut w = crate::pdf::Writer::new();
    w.line(14.0, "Acta aprobada · Approved minutes");
    w.line(9.0, format!("{} / {}", m.title_es, m.title_en));
    w.line(
        8.5,
        format!(
            "Sesión n.º {} · Meeting no. {} · revisión {} · aprobada {} · approved",
            m.id,
            m.id,
            minutes.revision,
            approved_at.format("%Y-%m-%d %H:%M UTC")
        ),
    );
    w.gap();
    w.paragraphs(9.5, &minutes.text, 92);
    w.gap();
    w.line(11.0, "Acuerdos · Agreements");
    if agreements.is_empty() {
        w.line(9.0, "Sin acuerdos de seguimiento · No follow-up agreements");
    }
    for (n, a) in agreements.iter().enumerate() {
        w.paragraphs(9.0, &format!("{}. {}", n + 1, a.text), 92);
        w.line(
            8.5,
            format!(
                "    Responsable · Owner: {} · Fecha límite · Due: {}",
                a.owner_name, a.due_on
            ),
        );
    }
    w.gap();
    w.line(11.0, "Aprobación · Approval");
    w.paragraphs(9.0, &statement.0, 95);
    w.paragraphs(9.0, &statement.1, 95);
    w.gap();
    w.qr(verify_url, 90.0)?;
    w.paragraphs(
        7.5,
        &format!(
            "Verifique este documento en {verify_url} (el código QR lleva ahí): su huella SHA-256 está registrada en el registro público de Minga, que cualquiera puede auditar en {public}/v. \
             Verify this document at {verify_url} (the QR code leads there): its SHA-256 fingerprint is registered in Minga's public log, which anyone can audit at {public}/v.",
            public = public_url.trim_end_matches('/')
        ),
        110,
    );
    w.finish(
        font,
        &format!("Acta · {}", m.title_es),
        "es",
        approved_at,
        |n, total| format!("Minga · acta de la sesión {} · página {n} de {total}", m.id),
    )
}

/// The stored PDF of approved minutes.
pub async fn pdf(state: &AppState, minutes: &MinutesRow) -> AppResult<Vec<u8>> {
    let hash = minutes
        .pdf_sha256
        .as_deref()
        .and_then(Hash::from_hex)
        .ok_or(AppError::NotFound)?;
    crate::services::evidence::documents::read(&state.settings.documents_dir(), &hash)
        .await?
        .ok_or(AppError::NotFound)
}

/// The meetings of the given bodies held with quorum whose minutes are not approved yet:
/// (meeting, minutes status or `None` when not drafted).
pub async fn pending(
    db: &SqlitePool,
    bodies: &[String],
) -> AppResult<Vec<(MeetingRow, Option<MinutesStatus>)>> {
    let sql = format!(
        "{} WHERE opened_at IS NOT NULL AND status <> 'cancelled'
           AND id NOT IN (SELECT meeting_id FROM minutes WHERE status = 'approved')
         ORDER BY starts_at LIMIT 200",
        meetings::MEETING_SELECT
    );
    let held: Vec<MeetingRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?;
    let statuses: std::collections::HashMap<i64, MinutesStatus> =
        sqlx::query_as("SELECT meeting_id, status FROM minutes WHERE status <> 'approved'")
            .fetch_all(db)
            .await?
            .into_iter()
            .collect();
    Ok(held
        .into_iter()
        .filter(|m| bodies.contains(&m.body))
        .map(|m| {
            let status = statuses.get(&m.id).copied();
            (m, status)
        })
        .collect())
}

/// The circulated minutes of the body's earlier meetings, which a later meeting may approve.
pub async fn approvable_at(db: &SqlitePool, m: &MeetingRow) -> AppResult<Vec<MeetingRow>> {
    let sql = format!(
        "{} WHERE body = ?1 AND starts_at < ?2
           AND id IN (SELECT meeting_id FROM minutes WHERE status = 'circulated')
           AND id NOT IN (SELECT approves_minutes_of FROM agenda_items WHERE meeting_id = ?3 AND approves_minutes_of IS NOT NULL)
         ORDER BY starts_at",
        meetings::MEETING_SELECT
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&m.body)
        .bind(m.starts_at)
        .bind(m.id)
        .fetch_all(db)
        .await?)
}

/// Puts the approval of an earlier meeting's circulated minutes on the agenda, with its motion.
pub async fn add_approval_item(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    of: i64,
    actor: &Actor,
) -> AppResult<i64> {
    let m = meetings::covered(&state.db, convener, meeting_id).await?;
    if !approvable_at(&state.db, &m)
        .await?
        .iter()
        .any(|e| e.id == of)
    {
        return Err(Invalid::one("of", MinutesProblem::NotApprovable).into());
    }
    let earlier = meetings::get(&state.db, of).await?;
    let day = earlier.local_day();
    let id = meetings::add_item(
        state,
        convener,
        meeting_id,
        &format!(
            "Aprobación del acta de «{}» ({day}) / Approval of the minutes of \"{}\"",
            earlier.title_es, earlier.title_en
        ),
        "",
        &format!(
            "Aprobar el acta de la sesión «{}» del {day} tal como fue circulada. / Approve the minutes of the meeting \"{}\" of {day} as circulated.",
            earlier.title_es, earlier.title_en
        ),
        actor,
    )
    .await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE agenda_items SET approves_minutes_of = ? WHERE id = ?")
        .bind(of)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}
