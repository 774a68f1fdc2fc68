//! Votes (yes / no / abstain) with their electorate computed from offices and memberships on the
//! vote's date, liquid delegation where the seed allows it, results frozen when closed and
//! registered as decisions; and the renewal of a collective leader, decided by a vote of the
//! collective's members.

use super::audit::{self, Actor};
use super::authority::{Signed, Steward, VoteCloser};
use super::evidence::decisions::{self, Decision};
use super::seats::{self, Appoint};
use crate::db::Ts;
use crate::domain::governance;
use crate::domain::roles::{Office, Role};
use crate::domain::voting::{
    self, Ballot, Choice, Delegation, DelegationScope, Electorate, IndividualMembership, Majority,
    Rules, Tally, TieRule,
};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::Tr;
use crate::{AppError, AppState};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, SqliteConnection, SqlitePool};
use std::collections::BTreeSet;

mod renewal;
pub use renewal::*;

mod delegations;
pub use delegations::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteProblem {
    NotOpen,
    DeadlinePassed,
    NotEligible,
    ChoiceInvalid,
    DeadlineInvalid,
    NotALeaderTerm,
    RenewalPending,
    DelegateUnknown,
    ScopeUnknown,
    DelegateNotEligible,
}

impl Reason for VoteProblem {
    fn code(&self) -> &'static str {
        match self {
            VoteProblem::NotOpen => "vote_not_open",
            VoteProblem::DeadlinePassed => "deadline_passed",
            VoteProblem::NotEligible => "not_eligible",
            VoteProblem::ChoiceInvalid => "choice_invalid",
            VoteProblem::DeadlineInvalid => "date_invalid",
            VoteProblem::NotALeaderTerm => "not_a_leader_term",
            VoteProblem::RenewalPending => "renewal_pending",
            VoteProblem::DelegateUnknown => "delegate_unknown",
            VoteProblem::ScopeUnknown => "scope_unknown",
            VoteProblem::DelegateNotEligible => "delegate_not_eligible",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            VoteProblem::NotOpen => t.gov_problem_vote_not_open,
            VoteProblem::DeadlinePassed => t.gov_problem_deadline_passed,
            VoteProblem::NotEligible => t.gov_problem_not_eligible,
            VoteProblem::ChoiceInvalid => t.gov_problem_choice_invalid,
            VoteProblem::DeadlineInvalid => t.gov_problem_date_invalid,
            VoteProblem::NotALeaderTerm => t.gov_problem_not_a_leader_term,
            VoteProblem::RenewalPending => t.gov_problem_renewal_pending,
            VoteProblem::DelegateUnknown => t.gov_problem_delegate_unknown,
            VoteProblem::ScopeUnknown => t.gov_problem_scope_unknown,
            VoteProblem::DelegateNotEligible => t.gov_problem_delegate_not_eligible,
        }
        .to_string()
    }
}

/// A vote to open.
#[derive(Clone, Debug)]
pub struct NewVote {
    pub subject: &'static str,
    pub subject_id: Option<i64>,
    pub electorate: Electorate,
    /// The delegation scope, for a liquid vote.
    pub scope: Option<DelegationScope>,
    pub question_es: String,
    pub question_en: String,
    pub majority: Majority,
    pub tie: TieRule,
    pub chair: Option<i64>,
    pub secret: bool,
    pub eligibility_on: NaiveDate,
    pub closes_at: DateTime<Utc>,
}

/// Opens a vote inside the caller's transaction.
pub async fn open(conn: &mut SqliteConnection, v: &NewVote, actor: &Actor) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO votes (subject, subject_id, electorate, scope, question_es, question_en, majority, tie_rule, chair_id,
                            secret, liquid, eligibility_on, closes_at, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(v.subject)
    .bind(v.subject_id)
    .bind(v.electorate.key())
    .bind(v.scope.map(|s| s.key()))
    .bind(&v.question_es)
    .bind(&v.question_en)
    .bind(v.majority.as_str())
    .bind(v.tie.as_str())
    .bind(v.chair)
    .bind(v.secret)
    .bind(v.scope.is_some())
    .bind(v.eligibility_on)
    .bind(Ts(v.closes_at))
    .bind(actor.account_id)
    .bind(Ts::now())
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        "vote.opened",
        "vote",
        id,
        None,
        Some(json!({"subject": v.subject, "subject_id": v.subject_id, "electorate": v.electorate.key(), "closes_at": Ts(v.closes_at).to_db()})),
    )
    .await?;
    Ok(id)
}

#[derive(Clone, Debug, FromRow)]
pub struct VoteRow {
    pub id: i64,
    pub subject: String,
    pub subject_id: Option<i64>,
    pub electorate: String,
    pub scope: Option<String>,
    pub question_es: String,
    pub question_en: String,
    pub majority: String,
    pub tie_rule: String,
    pub chair_id: Option<i64>,
    pub secret: bool,
    pub liquid: bool,
    pub eligibility_on: NaiveDate,
    pub closes_at: Ts,
    pub status: String,
    pub result_json: Option<String>,
    pub closed_at: Option<Ts>,
}

impl VoteRow {
    pub fn electorate(&self) -> Option<Electorate> {
        Electorate::parse(&self.electorate)
    }

    pub fn scope(&self) -> Option<DelegationScope> {
        self.scope.as_deref().and_then(DelegationScope::parse)
    }

    pub fn rules(&self) -> Rules {
        Rules {
            majority: Majority::parse(&self.majority).unwrap_or(Majority::Simple),
            tie: TieRule::parse(&self.tie_rule).unwrap_or(TieRule::Rejected),
            liquid: self.liquid,
            chair: self.chair_id,
        }
    }

    /// The frozen result of a closed vote.
    pub fn result(&self) -> Option<serde_json::Value> {
        self.result_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
    }
}

const VOTE_SELECT: &str = "SELECT id, subject, subject_id, electorate, scope, question_es, question_en, majority, tie_rule, chair_id,
        secret, liquid, eligibility_on, closes_at, status, result_json, closed_at FROM votes";

pub async fn get<'e>(db: impl sqlx::SqliteExecutor<'e>, id: i64) -> AppResult<VoteRow> {
    let sql = format!("{VOTE_SELECT} WHERE id = ?");
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The open renewal votes, by the office they would renew.
pub async fn open_renewals(db: &SqlitePool) -> AppResult<std::collections::HashMap<i64, i64>> {
    Ok(sqlx::query_as::<_, (i64, i64)>(
        "SELECT subject_id, id FROM votes WHERE subject = 'leader-renewal' AND status = 'open' AND subject_id IS NOT NULL",
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .collect())
}

/// Several votes in one query (the motions of a meeting's agenda).
pub async fn by_ids(db: &SqlitePool, ids: &[i64]) -> AppResult<Vec<VoteRow>> {
    let sql = format!("{VOTE_SELECT} WHERE id IN (SELECT value FROM json_each(?))");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(serde_json::to_string(ids).map_err(AppError::internal)?)
        .fetch_all(db)
        .await?)
}

/// Open votes first, then the latest closed ones; `subject` narrows to one kind.
pub async fn list(db: &SqlitePool, limit: i64) -> AppResult<Vec<VoteRow>> {
    let sql = format!(
        "{VOTE_SELECT} ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, closes_at DESC LIMIT ?"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(db)
        .await?)
}

/// The votes about one subject (e.g. the renewals of one leader's term).
pub async fn about(db: &SqlitePool, subject: &str, subject_id: i64) -> AppResult<Vec<VoteRow>> {
    let sql = format!("{VOTE_SELECT} WHERE subject = ? AND subject_id = ? ORDER BY id DESC");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(subject)
        .bind(subject_id)
        .fetch_all(db)
        .await?)
}

#[derive(FromRow)]
struct OfficeFact {
    id: i64,
    person_id: i64,
    role: String,
    collective_id: Option<i64>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    revoked_at: Option<Ts>,
}

/// Who may vote in `electorate` on `day`.
pub async fn eligible(
    conn: &mut SqliteConnection,
    electorate: Electorate,
    day: NaiveDate,
) -> AppResult<BTreeSet<i64>> {
    if let Electorate::Meeting(id) = electorate {
        // boxed: a meeting's seats are computed from its body's electorate in turn
        return Box::pin(super::meetings::voting_seats(conn, id)).await;
    }
    let facts: Vec<OfficeFact> = sqlx::query_as(
        "SELECT id, person_id, role, collective_id, starts_on, ends_on, revoked_at FROM offices WHERE starts_on <= ?",
    )
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    let offices: Vec<(i64, Office)> = facts
        .into_iter()
        .filter_map(|f| {
            Some((
                f.person_id,
                Office {
                    id: f.id,
                    role: Role::parse(&f.role)?,
                    collective_id: f.collective_id,
                    starts_on: f.starts_on,
                    ends_on: f.ends_on,
                    revoked_on: f.revoked_at.map(|t| t.0.date_naive()),
                },
            ))
        })
        .collect();
    let memberships: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT person_id, collective_id, since, until FROM collective_memberships WHERE person_id IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let memberships: Vec<IndividualMembership> = memberships
        .into_iter()
        .map(
            |(person_id, collective_id, since, until)| IndividualMembership {
                person_id,
                collective_id,
                since,
                until,
            },
        )
        .collect();
    Ok(voting::eligible(electorate, &offices, &memberships, day))
}

/// The delegations of a scope in force now.
pub async fn delegations_in(
    conn: &mut SqliteConnection,
    scope: DelegationScope,
) -> AppResult<Vec<Delegation>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT from_person, to_person FROM delegations WHERE scope = ? AND revoked_at IS NULL",
    )
    .bind(scope.key())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(from, to)| Delegation { from, to })
        .collect())
}

/// The tally of a vote as it stands (or stood when closed, for a closed one: see
/// [`VoteRow::result`]).
pub async fn tally(conn: &mut SqliteConnection, vote: &VoteRow) -> AppResult<Tally> {
    let electorate = vote.electorate().ok_or(AppError::NotFound)?;
    let eligible = eligible(conn, electorate, vote.eligibility_on).await?;
    let ballots: Vec<(i64, String)> = sqlx::query_as(
        "SELECT person_id, choice FROM ballots WHERE vote_id = ? ORDER BY cast_at, id",
    )
    .bind(vote.id)
    .fetch_all(&mut *conn)
    .await?;
    let ballots: Vec<Ballot> = ballots
        .into_iter()
        .filter_map(|(voter, c)| {
            Some(Ballot {
                voter,
                choice: Choice::parse(&c)?,
            })
        })
        .collect();
    let delegations = match (vote.liquid, vote.scope()) {
        (true, Some(scope)) => delegations_in(conn, scope).await?,
        _ => Vec::new(),
    };
    Ok(voting::tally(
        &eligible,
        &ballots,
        &delegations,
        &vote.rules(),
    ))
}

/// A person's own ballot (again, while the vote is open: the last one counts).
pub async fn cast(
    state: &AppState,
    who: &Signed,
    vote_id: i64,
    choice: &str,
    actor: &Actor,
) -> AppResult<()> {
    crate::services::identity::require_standing(&state.db, who.person_id()).await?;
    record_ballot(state, vote_id, who.person_id(), choice, actor).await?;
    close_if_every_seat_voted(state, vote_id, actor).await
}

/// The subjects whose vote is a small body's recorded vote: it closes as soon as every seat has
/// voted, without waiting for its deadline.
const CLOSES_WHEN_COMPLETE: [&str; 1] = ["node-admission"];

/// Closes the vote once every eligible seat has a ballot, for [`CLOSES_WHEN_COMPLETE`].
async fn close_if_every_seat_voted(state: &AppState, vote_id: i64, actor: &Actor) -> AppResult<()> {
    let vote = get(&state.db, vote_id).await?;
    if vote.status != "open" || !CLOSES_WHEN_COMPLETE.contains(&vote.subject.as_str()) {
        return Ok(());
    }
    let tally = {
        let mut conn = state.db.acquire().await?;
        tally(&mut conn, &vote).await?
    };
    if tally.eligible > 0 && tally.counted >= tally.eligible {
        match close_vote(state, vote_id, actor).await {
            // closed meanwhile by another ballot
            Ok(_) | Err(AppError::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The ballot of `person_id`, as cast by them ([`cast`]) or as the secretary records a seat's
/// vote at a meeting (under the meeting's convener's authority).
pub(super) async fn record_ballot(
    state: &AppState,
    vote_id: i64,
    person_id: i64,
    choice: &str,
    actor: &Actor,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let vote = get(&mut *tx, vote_id).await?;
    ballot_in(&mut tx, &vote, person_id, choice, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// A ballot inside the caller's transaction (a meeting's secretary records every seat's vote and
/// closes the motion in one).
pub(super) async fn ballot_in(
    tx: &mut SqliteConnection,
    vote: &VoteRow,
    person_id: i64,
    choice: &str,
    actor: &Actor,
) -> AppResult<()> {
    let vote_id = vote.id;
    let choice =
        Choice::parse(choice).ok_or_else(|| Invalid::one("choice", VoteProblem::ChoiceInvalid))?;
    if vote.status != "open" {
        return Err(Invalid::one("", VoteProblem::NotOpen).into());
    }
    if Utc::now() > vote.closes_at.0 {
        return Err(Invalid::one("", VoteProblem::DeadlinePassed).into());
    }
    let electorate = vote.electorate().ok_or(AppError::NotFound)?;
    if !eligible(&mut *tx, electorate, vote.eligibility_on)
        .await?
        .contains(&person_id)
    {
        return Err(Invalid::one("", VoteProblem::NotEligible).into());
    }
    sqlx::query(
        "INSERT INTO ballots (vote_id, person_id, choice, cast_at, recorded_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (vote_id, person_id) DO UPDATE SET choice = excluded.choice, cast_at = excluded.cast_at, recorded_by = excluded.recorded_by",
    )
    .bind(vote_id)
    .bind(person_id)
    .bind(choice.as_str())
    .bind(Ts::now())
    .bind(actor.account_id)
    .execute(&mut *tx)
    .await?;
    // a secret ballot's choice is not written to the audit trail
    let after = if vote.secret {
        json!({"vote_id": vote_id, "person_id": person_id})
    } else {
        json!({"vote_id": vote_id, "person_id": person_id, "choice": choice.as_str()})
    };
    audit::record(tx, actor, "ballot.cast", "vote", vote_id, None, Some(after)).await?;
    Ok(())
}

/// The ballot a person cast, if any (for their own page).
pub async fn ballot_of(db: &SqlitePool, vote_id: i64, person_id: i64) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT choice FROM ballots WHERE vote_id = ? AND person_id = ?")
            .bind(vote_id)
            .bind(person_id)
            .fetch_optional(db)
            .await?,
    )
}

/// The body a vote's electorate is, as decisions name it.
async fn body_of(conn: &mut SqliteConnection, electorate: Electorate) -> AppResult<&'static str> {
    Ok(match electorate {
        Electorate::ExecutiveCouncil => "executive-council",
        Electorate::AdvisoryCouncil => "advisory-council",
        Electorate::NodesCommission => "nodes-commission",
        Electorate::CollectiveMembers(_) => "collectives",
        Electorate::Meeting(id) => {
            let body: Option<String> = sqlx::query_scalar("SELECT body FROM meetings WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            match body.as_deref() {
                Some("executive-council") => "executive-council",
                Some("advisory-council") => "advisory-council",
                _ => "collectives",
            }
        }
    })
}

/// Closes a vote before its deadline (an administrator or the Executive Secretary): see
/// [`close_vote`].
pub async fn close(
    state: &AppState,
    _closer: &VoteCloser,
    vote_id: i64,
    actor: &Actor,
) -> AppResult<Tally> {
    close_vote(state, vote_id, actor).await
}

/// Closes a vote: the tally is frozen, registered as a decision, and what the vote decides is
/// carried out (an approved renewal appoints the next term). Returns the tally. Reached through
/// [`close`], the calendar ([`close_due`]) and a meeting's secretary closing a motion's vote.
pub(super) async fn close_vote(state: &AppState, vote_id: i64, actor: &Actor) -> AppResult<Tally> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let tally = close_in(&mut tx, state, vote_id, actor).await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    state.motions_pending.notify_one();
    Ok(tally)
}

/// Closes a vote inside the caller's transaction (see [`close_vote`]).
pub(super) async fn close_in(
    tx: &mut SqliteConnection,
    state: &AppState,
    vote_id: i64,
    actor: &Actor,
) -> AppResult<Tally> {
    let sql = format!("{VOTE_SELECT} WHERE id = ?");
    let vote: VoteRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(vote_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if vote.status != "open" {
        return Err(Invalid::one("", VoteProblem::NotOpen).into());
    }
    let tally = tally(&mut *tx, &vote).await?;
    let electorate = vote.electorate().ok_or(AppError::NotFound)?;
    let result = serde_json::to_value(&tally).map_err(AppError::internal)?;
    // a secret vote keeps only the totals
    let published = if vote.secret {
        json!({"yes": tally.yes, "no": tally.no, "abstain": tally.abstain, "eligible": tally.eligible,
               "counted": tally.counted, "not_counted": tally.not_counted, "tie": tally.tie, "outcome": tally.outcome})
    } else {
        result
    };
    let done = sqlx::query(
        "UPDATE votes SET status = 'closed', result_json = ?, closed_at = ? WHERE id = ? AND status = 'open'",
    )
    .bind(published.to_string())
    .bind(Ts::now())
    .bind(vote_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Invalid::one("", VoteProblem::NotOpen).into());
    }
    audit::record(
        &mut *tx,
        actor,
        "vote.closed",
        "vote",
        vote_id,
        Some(json!({"status": "open"})),
        Some(json!({"status": "closed", "outcome": tally.outcome})),
    )
    .await?;
    let approved = tally.outcome == voting::Outcome::Approved;
    let (word_es, word_en) = if approved {
        ("aprobada", "approved")
    } else {
        ("rechazada", "rejected")
    };
    let body = body_of(&mut *tx, electorate).await?;
    decisions::record(
        &mut *tx,
        &Decision {
            event: "vote-result",
            body,
            reference: format!("vote/{vote_id}"),
            title_es: format!("Votación {word_es}: {}", vote.question_es),
            title_en: format!("Vote {word_en}: {}", vote.question_en),
            data: json!({
                "vote": {"id": vote_id, "subject": vote.subject, "subject_id": vote.subject_id,
                         "question_es": vote.question_es, "question_en": vote.question_en,
                         "electorate": vote.electorate, "eligibility_on": vote.eligibility_on,
                         "majority": vote.majority, "tie_rule": vote.tie_rule, "secret": vote.secret,
                         "liquid": vote.liquid, "scope": vote.scope},
                "result": published,
                "recorded_by": actor.label,
            }),
        },
    )
    .await?;
    if vote.subject == "leader-renewal"
        && approved
        && let Some(office_id) = vote.subject_id
    {
        let term = seats::holder(&mut *tx, office_id).await?;
        let start = term
            .ends_on
            .and_then(|e| e.succ_opt())
            .ok_or_else(|| Invalid::one("", VoteProblem::NotALeaderTerm))?;
        seats::appoint(
            &mut *tx,
            &state.settings.governance,
            &Appoint {
                person_id: term.person_id,
                role: Role::CollectiveLeader,
                collective_id: term.collective_id,
                starts_on: start,
                ends_on: None,
                renews: Some(office_id),
                event: "leader-renewed",
                body: "collectives",
                grounds: json!({"vote": vote_id, "result": {"yes": tally.yes, "no": tally.no, "abstain": tally.abstain, "eligible": tally.eligible}}),
                note: format!("vote {vote_id}"),
            },
            actor,
        )
        .await?;
    }
    Ok(tally)
}

/// Closes every open vote whose deadline has passed (the terms calendar's worker calls this).
pub async fn close_due(state: &AppState) -> AppResult<usize> {
    let due: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM votes WHERE status = 'open' AND closes_at < ?")
            .bind(Ts::now())
            .fetch_all(&state.db)
            .await?;
    let actor = Actor::system("votes");
    let mut closed = 0;
    for id in due {
        match close_vote(state, id, &actor).await {
            // what a meeting's motion decides is carried out by the motions worker
            Ok(_) => closed += 1,
            // a renewal the seat rules refuse closes nothing; it stays for a person to see
            Err(e) => tracing::warn!(vote = id, error = %e, "closing a vote"),
        }
    }
    Ok(closed)
}
