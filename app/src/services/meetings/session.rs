//! The meeting's day: the secretary records how each seat attends (in person, online,
//! represented, absent), quorum is computed live by the body's rule, the session is opened with
//! quorum (a decision of record) and closed (the meeting is then held), and motions are put to
//! the vote and recorded seat by seat. All of it belongs to the meeting's own day.

use super::{MeetingProblem, MeetingRow, covered, get, members, refused};
use crate::db::Ts;
use crate::domain::meetings::{
    self as rules, Body, MeetingKind, PresenceKind, SeatAt, StatusRefusal,
};
use crate::domain::voting::{Electorate, Tally};
use crate::error::{AppResult, Invalid, Reason};
use crate::i18n::{Tr, fill};
use crate::services::audit::{self, Actor};
use crate::services::authority::Convener;
use crate::services::evidence::decisions::{self, Decision};
use crate::{AppError, AppState};
use chrono::Utc;
use serde_json::json;
use sqlx::SqliteConnection;
use std::collections::{BTreeSet, HashMap};

/// What the secretary recorded for a seat: (person, presence, proxy, proxy's name).
type Recorded = (i64, Option<PresenceKind>, Option<i64>, Option<String>);

/// The seats of a meeting with what was recorded (absent until recorded). The Executive
/// Secretary holds the chair's seat at both councils' meetings; a collective's meeting has member
/// seats only.
pub async fn seats(conn: &mut SqliteConnection, m: &MeetingRow) -> AppResult<Vec<SeatAt>> {
    let body = m.body().ok_or(AppError::NotFound)?;
    let day = m.starts_at.0.date_naive();
    let mut people = members(conn, body, day).await?;
    let secretaries: Vec<i64> = if matches!(body, Body::Collective(_)) {
        Vec::new()
    } else {
        let ids = crate::services::seats::executive_secretaries(conn, day).await?;
        for s in &ids {
            if !people.iter().any(|p| p.0 == s.0) {
                people.insert(0, s.clone());
            }
        }
        ids.into_iter().map(|s| s.0).collect()
    };
    let recorded: Vec<Recorded> = sqlx::query_as(
        "SELECT a.person_id, a.presence, a.proxy_id, p.full_name FROM attendance a LEFT JOIN people p ON p.id = a.proxy_id WHERE a.meeting_id = ?",
    )
    .bind(m.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(people
        .into_iter()
        .map(|(pid, name, _)| {
            let r = recorded.iter().find(|r| r.0 == pid);
            let presence = r
                .and_then(|r| r.1)
                .map_or(rules::Presence::Absent, |p| p.presence(r.and_then(|r| r.2)));
            let seat = if secretaries.contains(&pid) {
                rules::Seat::Secretary
            } else {
                rules::Seat::Member
            };
            SeatAt {
                person_id: pid,
                name,
                attendance: rules::Attendance {
                    person: pid,
                    seat,
                    presence,
                },
                proxy_name: r.and_then(|r| r.3.clone()),
            }
        })
        .collect())
}

/// Whether anything was recorded for the meeting yet (a meeting held shows what was recorded;
/// one that was not shows the members' answers).
pub async fn recorded(conn: &mut SqliteConnection, meeting_id: i64) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attendance WHERE meeting_id = ? AND presence IS NOT NULL",
    )
    .bind(meeting_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// The quorum as it stands, by the body's rule (a collective's meeting: members only).
pub async fn quorum(
    state: &AppState,
    conn: &mut SqliteConnection,
    m: &MeetingRow,
) -> AppResult<(Vec<SeatAt>, rules::Quorum)> {
    let seats = seats(conn, m).await?;
    let kind = MeetingKind::parse(&m.kind).unwrap_or(MeetingKind::Ordinary);
    let attendance: Vec<rules::Attendance> = seats.iter().map(|s| s.attendance).collect();
    let mut q = rules::quorum(kind, &attendance, &state.settings.meetings);
    if matches!(m.body(), Some(Body::Collective(_))) {
        q.missing_secretary = false;
        q.met = q.members_present >= q.members_required;
    }
    Ok((seats, q))
}

/// The seats that vote at a meeting (present in person, virtually or represented).
pub async fn voting_seats(
    conn: &mut SqliteConnection,
    meeting_id: i64,
) -> AppResult<BTreeSet<i64>> {
    let m = get(&mut *conn, meeting_id).await?;
    let attendance: Vec<rules::Attendance> = seats(conn, &m)
        .await?
        .iter()
        .map(|s| s.attendance)
        .collect();
    Ok(rules::voting_seats(&attendance))
}

/// Refuses what belongs to the meeting's day before that day (in its time zone; a setting may
/// open it some days earlier).
fn on_its_day(state: &AppState, m: &MeetingRow) -> AppResult<()> {
    rules::session_may_start(
        Utc::now(),
        m.starts_at.0,
        m.tz(),
        state.settings.meetings.session_days_early,
    )
    .map_err(|r| Invalid::one("", r).into())
}

/// The secretary records how a seat attends: in person, virtually, represented by someone
/// (a proxy the rules accept), or absent. On the meeting's day, while it is convened.
pub async fn record_presence(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    person_id: i64,
    presence: &str,
    proxy: &str,
    actor: &Actor,
) -> AppResult<()> {
    let m = covered(&state.db, convener, meeting_id).await?;
    m.status.in_session().map_err(refused)?;
    on_its_day(state, &m)?;
    let presence = PresenceKind::parse(presence)
        .ok_or_else(|| Invalid::one("presence", MeetingProblem::AnswerInvalid))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let m = get(&mut *tx, meeting_id).await?;
    m.status.in_session().map_err(refused)?;
    let seats = seats(&mut tx, &m).await?;
    if !seats.iter().any(|s| s.person_id == person_id) {
        return Err(Invalid::one("", MeetingProblem::NotAMember).into());
    }
    let proxy_id = match presence {
        PresenceKind::Represented => {
            let by = proxy
                .trim()
                .parse::<i64>()
                .map_err(|_| Invalid::one("proxy", MeetingProblem::ProxyNotAMember))?;
            // the rules see the attendance without this seat's previous record
            let others: Vec<rules::Attendance> = seats
                .iter()
                .map(|s| {
                    if s.person_id == person_id {
                        rules::Attendance {
                            presence: rules::Presence::Absent,
                            ..s.attendance
                        }
                    } else {
                        s.attendance
                    }
                })
                .collect();
            rules::check_proxy(person_id, by, &others).map_err(|r| Invalid::one("proxy", r))?;
            Some(by)
        }
        _ => None,
    };
    sqlx::query(
        "INSERT INTO attendance (meeting_id, person_id, presence, proxy_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (meeting_id, person_id) DO UPDATE SET presence = excluded.presence, proxy_id = excluded.proxy_id,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(meeting_id)
    .bind(person_id)
    .bind(presence)
    .bind(proxy_id)
    .bind(actor.account_id)
    .bind(Ts::now())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.attendance",
        "meeting",
        meeting_id,
        None,
        Some(json!({"person": person_id, "presence": presence, "proxy": proxy_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Why there is no quorum, naming who is missing.
#[derive(Debug)]
struct NoQuorum {
    problems: Vec<rules::QuorumProblem>,
    absent: Vec<String>,
}

impl Reason for NoQuorum {
    fn code(&self) -> &'static str {
        "no_quorum"
    }
    fn message(&self, t: &'static Tr) -> String {
        let mut parts: Vec<String> = self.problems.iter().map(|p| p.message(t)).collect();
        if !self.absent.is_empty() {
            parts.push(fill(
                t.mtg_absent_list,
                &[("names", &self.absent.join(", "))],
            ));
        }
        parts.join(" ")
    }
}

/// The quorum now, or the refusal that says what and who is missing.
async fn require_quorum(
    state: &AppState,
    conn: &mut SqliteConnection,
    m: &MeetingRow,
) -> AppResult<(Vec<SeatAt>, rules::Quorum)> {
    let (seats, q) = quorum(state, conn, m).await?;
    if !q.met {
        let absent = q
            .absent
            .iter()
            .filter_map(|id| {
                seats
                    .iter()
                    .find(|s| s.person_id == *id)
                    .map(|s| s.name.clone())
            })
            .collect();
        let mut problems = q.problems();
        if matches!(m.body(), Some(Body::Collective(_))) {
            problems.retain(|p| !matches!(p, rules::QuorumProblem::MissingSecretary));
        }
        return Err(Invalid::one("", NoQuorum { problems, absent }).into());
    }
    Ok((seats, q))
}

/// Opens the session once there is quorum, on the meeting's day: the quorum established is a
/// decision of record.
pub async fn open_session(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let m = covered(&state.db, convener, meeting_id).await?;
    m.status.in_session().map_err(refused)?;
    on_its_day(state, &m)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let m = get(&mut *tx, meeting_id).await?;
    let (seats, q) = require_quorum(state, &mut tx, &m).await?;
    let attendance: Vec<_> = seats
        .iter()
        .map(|s| json!({"person": {"id": s.person_id, "name": s.name}, "attendance": s.attendance, "proxy": s.proxy_name}))
        .collect();
    let quorum = json!({"quorum": q, "attendance": attendance});
    let done = sqlx::query(
        "UPDATE meetings SET opened_at = COALESCE(opened_at, ?), quorum_json = ? WHERE id = ? AND status = 'convened'",
    )
    .bind(Ts::now())
    .bind(quorum.to_string())
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refused(StatusRefusal::NotConvened));
    }
    let body = m.body().ok_or(AppError::NotFound)?;
    decisions::record(
        &mut tx,
        &Decision {
            event: "quorum-established",
            body: body.decision_scope(),
            reference: format!("meeting/{meeting_id}/quorum/{}", Utc::now().timestamp()),
            title_es: format!("Quórum establecido: {}", m.title_es),
            title_en: format!("Quorum established: {}", m.title_en),
            data: json!({"meeting": {"id": m.id, "title_es": m.title_es, "kind": m.kind, "starts_at": m.starts_at.to_db()},
                         "quorum": quorum, "recorded_by": actor.label}),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        "meeting.opened",
        "meeting",
        meeting_id,
        None,
        Some(json!({"members_present": q.members_present})),
    )
    .await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    Ok(())
}

/// Closes the session: the meeting is held. Refused while one of its motions is still being
/// voted, and for a session never opened with quorum (that meeting is cancelled, not held).
pub async fn close_session(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let m = covered(&state.db, convener, meeting_id).await?;
    m.status.close().map_err(refused)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    close_in(&mut tx, meeting_id, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// The closing itself, inside the caller's transaction.
async fn close_in(tx: &mut SqliteConnection, meeting_id: i64, actor: &Actor) -> AppResult<()> {
    let open_votes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM agenda_items i JOIN votes v ON v.id = i.vote_id WHERE i.meeting_id = ? AND v.status = 'open'",
    )
    .bind(meeting_id)
    .fetch_one(&mut *tx)
    .await?;
    if open_votes > 0 {
        return Err(Invalid::one("", MeetingProblem::VotesOpen).into());
    }
    let done = sqlx::query(
        "UPDATE meetings SET status = 'held', closed_at = ? WHERE id = ? AND status = 'convened' AND opened_at IS NOT NULL",
    )
    .bind(Ts::now())
    .bind(meeting_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let opened: Option<Option<String>> = sqlx::query_scalar(
            "SELECT opened_at FROM meetings WHERE id = ? AND status = 'convened'",
        )
        .bind(meeting_id)
        .fetch_optional(&mut *tx)
        .await?;
        return Err(match opened {
            Some(None) => Invalid::one("", MeetingProblem::NeverOpened).into(),
            _ => refused(StatusRefusal::NotConvened),
        });
    }
    audit::record(
        tx,
        actor,
        "meeting.held",
        "meeting",
        meeting_id,
        Some(json!({"status": "convened"})),
        Some(json!({"status": "held"})),
    )
    .await?;
    Ok(())
}

/// The calendar's part: a session opened with quorum whose day has passed (a day after its end)
/// is held even if nobody closed it. Returns how many were.
pub async fn settle_ended(state: &AppState) -> AppResult<usize> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT m.id FROM meetings m WHERE m.status = 'convened' AND m.opened_at IS NOT NULL AND m.ends_at < ?
           AND NOT EXISTS (SELECT 1 FROM agenda_items i JOIN votes v ON v.id = i.vote_id WHERE i.meeting_id = m.id AND v.status = 'open')",
    )
    .bind(Ts(Utc::now() - chrono::Duration::days(1)))
    .fetch_all(&state.db)
    .await?;
    let actor = Actor::system("calendar");
    let mut held = 0;
    for id in due {
        let mut tx = crate::db::begin_write(&state.db).await?;
        match close_in(&mut tx, id, &actor).await {
            Ok(()) => {
                tx.commit().await?;
                held += 1;
            }
            Err(e) => tracing::warn!(meeting = id, error = %e, "closing an ended session"),
        }
    }
    Ok(held)
}

/// Puts an agenda item's motion to the vote of the seats present: refused without quorum,
/// saying who is missing. Recorded vote, simple majority, the chair breaks a tie. Asked twice,
/// it answers the vote already open.
pub async fn open_vote(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    item_id: i64,
    actor: &Actor,
) -> AppResult<i64> {
    let m = covered(&state.db, convener, meeting_id).await?;
    m.status.in_session().map_err(refused)?;
    on_its_day(state, &m)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let m = get(&mut *tx, meeting_id).await?;
    m.status.in_session().map_err(refused)?;
    let item = super::agenda(&mut *tx, meeting_id)
        .await?
        .into_iter()
        .find(|i| i.id == item_id)
        .ok_or(AppError::NotFound)?;
    if item.motion.is_empty() {
        return Err(Invalid::one("", MeetingProblem::NoMotion).into());
    }
    if let Some(v) = item.vote_id {
        return Ok(v);
    }
    let (seats, _) = require_quorum(state, &mut tx, &m).await?;
    // the plenary's vote on a project: every Council member counts, those absent through the
    // delegate they chose for the "projects" scope (liquid), those present by their own vote
    let project = crate::services::projects::review::decided_by_item(&mut tx, item_id).await?;
    let (electorate, scope) = match project {
        Some(_) => (
            Electorate::ExecutiveCouncil,
            Some(crate::domain::voting::DelegationScope::Projects),
        ),
        None => (Electorate::Meeting(meeting_id), None),
    };
    let chair = seats
        .iter()
        .find(|s| s.attendance.seat == rules::Seat::Secretary)
        .map(|s| s.person_id);
    let vote = crate::services::votes::open(
        &mut tx,
        &crate::services::votes::NewVote {
            subject: "motion",
            subject_id: Some(item_id),
            electorate,
            scope,
            question_es: format!("{} — {}", m.title_es, item.motion),
            question_en: format!("{} — {}", m.title_en, item.motion),
            majority: crate::domain::voting::Majority::Simple,
            tie: crate::domain::voting::TieRule::ChairDecides,
            chair,
            secret: false,
            eligibility_on: Utc::now().date_naive(),
            closes_at: Utc::now() + chrono::Duration::days(1),
        },
        actor,
    )
    .await?;
    sqlx::query("UPDATE agenda_items SET vote_id = ? WHERE id = ? AND vote_id IS NULL")
        .bind(vote)
        .bind(item_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(vote)
}

/// A motion's vote once recorded and closed.
#[derive(Clone, Debug)]
pub struct Closed {
    pub item_id: i64,
    pub tally: Tally,
}

/// The secretary records each seat's vote on a motion (a proxy's vote for their principal) and
/// closes it, in one transaction: the result is frozen and registered as a decision. What the
/// motion decides (minutes approved, a leader elected) is carried out by the motions worker.
pub async fn record_votes(
    state: &AppState,
    convener: &Convener,
    meeting_id: i64,
    vote_id: i64,
    choices: &[(i64, String)],
    actor: &Actor,
) -> AppResult<Closed> {
    covered(&state.db, convener, meeting_id).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let item: Option<i64> =
        sqlx::query_scalar("SELECT id FROM agenda_items WHERE meeting_id = ? AND vote_id = ?")
            .bind(meeting_id)
            .bind(vote_id)
            .fetch_optional(&mut *tx)
            .await?;
    let item_id = item.ok_or(AppError::NotFound)?;
    let vote = crate::services::votes::get(&mut *tx, vote_id).await?;
    for (person, choice) in choices.iter().filter(|(_, c)| !c.is_empty()) {
        crate::services::votes::ballot_in(&mut tx, &vote, *person, choice, actor).await?;
    }
    let tally = crate::services::votes::close_in(&mut tx, state, vote_id, actor).await?;
    tx.commit().await?;
    state.decisions_pending.notify_one();
    state.motions_pending.notify_one();
    Ok(Closed { item_id, tally })
}

/// Attendance per member of a body over a year: (name, sessions attended — in person, virtually
/// or through a representative — and sessions held, i.e. opened with quorum). Two queries,
/// whatever the number of members.
pub async fn attendance_year(
    conn: &mut SqliteConnection,
    body: Body,
    year: i32,
) -> AppResult<Vec<(String, u32, u32)>> {
    let (from, to) = (
        format!("{year}-01-01T00:00:00.000Z"),
        format!("{}-01-01T00:00:00.000Z", year + 1),
    );
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM meetings WHERE body = ? AND opened_at IS NOT NULL AND status <> 'cancelled' AND starts_at >= ? AND starts_at < ?",
    )
    .bind(body.key())
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut *conn)
    .await?;
    let attended: HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(
        "SELECT a.person_id, COUNT(*) FROM attendance a JOIN meetings m ON m.id = a.meeting_id
         WHERE a.presence IN ('in_person', 'virtual', 'represented')
           AND m.body = ? AND m.opened_at IS NOT NULL AND m.status <> 'cancelled' AND m.starts_at >= ? AND m.starts_at < ?
         GROUP BY a.person_id",
    )
    .bind(body.key())
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let total = u32::try_from(held).unwrap_or(u32::MAX);
    let today = Utc::now().date_naive();
    Ok(members(conn, body, today)
        .await?
        .into_iter()
        .map(|(pid, name, _)| {
            let n = attended.get(&pid).copied().unwrap_or(0);
            (name, u32::try_from(n).unwrap_or(0), total)
        })
        .collect())
}
