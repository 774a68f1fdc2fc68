//! Removing an Advisory Council member: the Executive Secretary proposes it with its reason as an
//! item of an Executive Council meeting (the member is told), the Council votes it in session,
//! and the motions worker carries out the closed vote — the office revoked with the vote as the
//! decision's grounds, or the member kept. A meeting cancelled or ended without voting it lets
//! the proposal lapse. An administrator cannot revoke the seat (`RevokeRefusal::CouncilDecides`).

use super::*;
use crate::domain::advisory::{ItemVote, RemovalStatus, settle};
use crate::domain::meetings::{Body, MeetingStatus};
use crate::services::authority::Convener;
use crate::services::offices::{self, Ended};

/// The longest reason accepted, in characters.
pub const MAX_REASON: usize = 4000;

/// Why a proposed removal is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalProblem {
    ReasonRequired,
    ReasonTooLong {
        max: usize,
    },
    /// The office is not a sitting Advisory Council seat.
    NotASeat,
    /// A removal of this seat is already on an agenda.
    AlreadyProposed,
    /// Not a draft or convened meeting of the Executive Council.
    MeetingUnsuitable,
}

impl Reason for RemovalProblem {
    fn code(&self) -> &'static str {
        match self {
            RemovalProblem::ReasonRequired => "required",
            RemovalProblem::ReasonTooLong { .. } => "too_long",
            RemovalProblem::NotASeat => "not_a_seat",
            RemovalProblem::AlreadyProposed => "already_proposed",
            RemovalProblem::MeetingUnsuitable => "meeting_unsuitable",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            RemovalProblem::ReasonRequired => t.adv_removal_problem_reason.into(),
            RemovalProblem::ReasonTooLong { max } => fill(t.problem_too_long, &[("max", max)]),
            RemovalProblem::NotASeat => t.adv_removal_problem_not_a_seat.into(),
            RemovalProblem::AlreadyProposed => t.adv_removal_problem_already.into(),
            RemovalProblem::MeetingUnsuitable => t.adv_removal_problem_meeting.into(),
        }
    }
}

/// One proposed removal, with its member and meeting.
#[derive(Clone, Debug, FromRow)]
pub struct RemovalRow {
    pub id: i64,
    pub office_id: i64,
    pub full_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub reason: String,
    pub status: RemovalStatus,
    pub meeting_id: i64,
    pub meeting_es: String,
    pub meeting_en: String,
    pub meeting_starts_at: Ts,
    pub proposer_label: String,
    pub proposed_at: Ts,
    pub vote_id: Option<i64>,
    pub settled_at: Option<Ts>,
    pub evidence_id: Option<String>,
}

const REMOVAL_SELECT: &str = "SELECT r.id, r.office_id, p.full_name, o.starts_on, o.ends_on, r.reason, r.status,
        r.meeting_id, m.title_es AS meeting_es, m.title_en AS meeting_en, m.starts_at AS meeting_starts_at,
        r.proposer_label, r.proposed_at, r.vote_id, r.settled_at, d.evidence_id
 FROM advisory_removals r JOIN offices o ON o.id = r.office_id JOIN people p ON p.id = o.person_id
 JOIN meetings m ON m.id = r.meeting_id LEFT JOIN decisions d ON d.id = r.decision_id";

/// Every removal proposed, the latest first.
pub async fn removals(db: &SqlitePool) -> AppResult<Vec<RemovalRow>> {
    let sql = format!("{REMOVAL_SELECT} ORDER BY r.id DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db)
        .await?)
}

/// The Executive Secretary proposes removing the member holding `office_id`: an item of the
/// Executive Council meeting `meeting_id` whose motion carries the reason, voted in session. The
/// member is told by mail. Returns the removal's id.
pub async fn propose(
    state: &AppState,
    convener: &Convener,
    office_id: i64,
    meeting_id: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let reason = reason.trim();
    let mut invalid = Invalid::new();
    if reason.is_empty() {
        invalid.add("reason", RemovalProblem::ReasonRequired);
    } else if reason.chars().count() > MAX_REASON {
        invalid.add("reason", RemovalProblem::ReasonTooLong { max: MAX_REASON });
    }
    invalid.into_result()?;
    if convener.body() != Body::ExecutiveCouncil {
        return Err(AppError::Forbidden);
    }
    let today = Utc::now().date_naive();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let meeting = match crate::services::meetings::covered(&mut *tx, convener, meeting_id).await {
        Ok(m) if matches!(m.status, MeetingStatus::Draft | MeetingStatus::Convened) => m,
        Ok(_) | Err(AppError::NotFound) => {
            return Err(Invalid::one("meeting", RemovalProblem::MeetingUnsuitable).into());
        }
        Err(e) => return Err(e),
    };
    let seat = match seats::holder(&mut tx, office_id).await {
        Ok(h)
            if h.role() == Some(Role::AdvisoryMember)
                && h.revoked_at.is_none()
                && h.ends_on.is_none_or(|e| e >= today) =>
        {
            h
        }
        Ok(_) | Err(AppError::NotFound) => {
            return Err(Invalid::one("office", RemovalProblem::NotASeat).into());
        }
        Err(e) => return Err(e),
    };
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM advisory_removals WHERE office_id = ? AND status = 'proposed'",
    )
    .bind(office_id)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(Invalid::one("office", RemovalProblem::AlreadyProposed).into());
    }
    let name = &seat.full_name;
    let term = format!(
        "{}–{}",
        seat.starts_on,
        seat.ends_on.map(|d| d.to_string()).unwrap_or_default()
    );
    let title = format!(
        "Remoción de {name} del Consejo Consultivo / Removal of {name} from the Advisory Council"
    );
    let motion = format!(
        "Retirar a {name} del Consejo Consultivo (periodo {term}). Motivo: {reason}\n\nRemove {name} from the Advisory Council (term {term}). Reason: {reason}"
    );
    crate::services::meetings::check_item(&title, &actor.label, &motion)?;
    let item = crate::services::meetings::insert_item(
        &mut tx,
        meeting.id,
        &title,
        &actor.label,
        &motion,
        actor,
    )
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO advisory_removals (office_id, meeting_id, agenda_item_id, reason, proposed_by, proposer_label, proposed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(office_id)
    .bind(meeting.id)
    .bind(item)
    .bind(reason)
    .bind(actor.account_id)
    .bind(&actor.label)
    .bind(Ts::now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "advisory.removal-proposed",
        "advisory_removal",
        id,
        None,
        Some(json!({"office_id": office_id, "meeting_id": meeting.id, "agenda_item_id": item, "reason": reason})),
    )
    .await?;
    if !seat.email.trim().is_empty() {
        let url = format!(
            "{}/meetings/{}",
            state.settings.public_url.trim_end_matches('/'),
            meeting.id
        );
        mail::queue(
            &mut tx,
            &Message {
                to_address: seat.email.clone(),
                to_name: name.clone(),
                subject: "Consejo Consultivo: propuesta de remoción / Advisory Council: proposed removal".into(),
                body_text: format!(
                    "La Secretaría Ejecutiva propuso al Consejo Ejecutivo su remoción del Consejo Consultivo; se votará en la sesión «{}» ({}). Motivo: {reason}\n{url}\n\nThe Executive Secretary proposed to the Executive Council your removal from the Advisory Council; it will be voted at the session \"{}\" ({}). Reason: {reason}\n{url}\n",
                    meeting.title_es, meeting.starts_at.0.format("%Y-%m-%d %H:%M UTC"),
                    meeting.title_en, meeting.starts_at.0.format("%Y-%m-%d %H:%M UTC"),
                ),
                ics: None,
                topic: format!("advisory-removal/{id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.committed();
    Ok(id)
}

/// Carries out what the Executive Council's meetings made of the removals proposed: a closed vote
/// for it revokes the office (the decision of record names the vote and the meeting), against it
/// keeps the member; a meeting cancelled or ended without voting it lets it lapse. Returns how
/// many were settled.
pub async fn settle_by_votes(state: &AppState) -> AppResult<usize> {
    type Due = (
        i64,
        i64,
        String,
        i64,
        MeetingStatus,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let due: Vec<Due> = sqlx::query_as(
        "SELECT r.id, r.office_id, r.reason, r.meeting_id, m.status, a.vote_id, v.status, v.result_json
         FROM advisory_removals r JOIN meetings m ON m.id = r.meeting_id
         JOIN agenda_items a ON a.id = r.agenda_item_id LEFT JOIN votes v ON v.id = a.vote_id
         WHERE r.status = 'proposed'",
    )
    .fetch_all(&state.db)
    .await?;
    let actor = Actor::system("advisory");
    let today = Utc::now().date_naive();
    let mut done = 0;
    for (id, office_id, reason, meeting_id, meeting_status, vote_id, vote_status, result) in due {
        let result: serde_json::Value = result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        let vote = match vote_status.as_deref() {
            None => ItemVote::None,
            Some("closed") => ItemVote::Closed {
                approved: result["outcome"] == "approved",
            },
            Some(_) => ItemVote::Open,
        };
        let Some(mut status) = settle(vote, meeting_status) else {
            continue;
        };
        let mut tx = crate::db::begin_write(&state.db).await?;
        let office = offices::get_in(&mut tx, office_id).await?;
        // a seat that ended meanwhile (its term, another decision) has nothing left to remove
        let sitting = office.revoked_at.is_none() && office.ends_on.is_none_or(|e| e >= today);
        if status == RemovalStatus::Removed && !sitting {
            status = RemovalStatus::Lapsed;
        }
        let settled = sqlx::query(
            "UPDATE advisory_removals SET status = ?, vote_id = ?, settled_at = ? WHERE id = ? AND status = 'proposed'",
        )
        .bind(status)
        .bind(vote_id)
        .bind(Ts::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if settled.rows_affected() == 0 {
            // carried out meanwhile
            continue;
        }
        if status == RemovalStatus::Removed {
            let grounds = json!({"body": "executive-council", "meeting": meeting_id, "vote": vote_id, "result": result, "removal": id});
            let decision =
                offices::end_in(&mut tx, &office, &reason, Ended::ByCouncil(grounds), &actor)
                    .await?;
            sqlx::query("UPDATE advisory_removals SET decision_id = ? WHERE id = ?")
                .bind(decision)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let seat = seats::holder(&mut tx, office_id).await?;
        let told = match status {
            RemovalStatus::Removed => Some((
                "El Consejo Ejecutivo votó su remoción del Consejo Consultivo; su lugar terminó hoy.",
                "The Executive Council voted your removal from the Advisory Council; your seat ended today.",
            )),
            RemovalStatus::Kept => Some((
                "El Consejo Ejecutivo votó en contra de su remoción: conserva su lugar en el Consejo Consultivo.",
                "The Executive Council voted against your removal: you keep your seat on the Advisory Council.",
            )),
            RemovalStatus::Lapsed | RemovalStatus::Proposed => None,
        };
        if let Some((es, en)) = told.filter(|_| !seat.email.trim().is_empty()) {
            let url = format!(
                "{}/advisory/removals",
                state.settings.public_url.trim_end_matches('/')
            );
            mail::queue(
                &mut tx,
                &Message {
                    to_address: seat.email.clone(),
                    to_name: seat.full_name.clone(),
                    subject: "Consejo Consultivo: decisión sobre su remoción / Advisory Council: decision on your removal".into(),
                    body_text: format!("{es}\n{url}\n\n{en}\n{url}\n"),
                    ics: None,
                    topic: format!("advisory-removal/{id}/{}", status.as_str()),
                },
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &actor,
            &format!("advisory.removal-{}", status.as_str()),
            "advisory_removal",
            id,
            Some(json!({"status": "proposed"})),
            Some(json!({"status": status.as_str(), "vote_id": vote_id})),
        )
        .await?;
        tx.commit().await?;
        state.committed();
        done += 1;
    }
    Ok(done)
}
