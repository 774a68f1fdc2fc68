//! The renewal of a collective leader's term, decided by a vote of the collective's members.

#[allow(unused_imports)]
use super::*;

/// Opens the vote of a collective's members on renewing a leader's term for one more period.
/// Refused when the term is not a leader's, is already renewed or being voted on, or when the
/// seat rules would refuse the renewal (renewals exhausted).
pub async fn open_renewal(
    state: &AppState,
    steward: &Steward,
    office_id: i64,
    closes_on: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let today = Utc::now().date_naive();
    let closes_on = NaiveDate::parse_from_str(closes_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d >= today)
        .ok_or_else(|| Invalid::one("closes_on", VoteProblem::DeadlineInvalid))?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let term = seats::holder(&mut tx, office_id).await?;
    let (Some(Role::CollectiveLeader), Some(collective_id), Some(ends_on)) =
        (term.role(), term.collective_id, term.ends_on)
    else {
        return Err(Invalid::one("", VoteProblem::NotALeaderTerm).into());
    };
    // a steward of one collective opens renewals of its own leaders only
    if collective_id != steward.collective_id() {
        return Err(AppError::NotFound);
    }
    let pending: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM votes WHERE subject = 'leader-renewal' AND subject_id = ?1 AND status = 'open')
              + (SELECT COUNT(*) FROM offices WHERE renews = ?1 AND revoked_at IS NULL)",
    )
    .bind(office_id)
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Err(Invalid::one("", VoteProblem::RenewalPending).into());
    }
    let start = ends_on
        .succ_opt()
        .ok_or_else(|| Invalid::one("", VoteProblem::NotALeaderTerm))?;
    // the renewal must be possible before the members are asked
    seats::check(
        &mut tx,
        &state.settings.governance,
        &Appoint {
            person_id: term.person_id,
            role: Role::CollectiveLeader,
            collective_id: Some(collective_id),
            starts_on: start,
            ends_on: None,
            renews: Some(office_id),
            event: "leader-renewed",
            body: "collectives",
            grounds: json!({}),
            note: String::new(),
        },
    )
    .await?;
    let end = governance::term_end(Role::CollectiveLeader, start, &state.settings.governance)
        .unwrap_or(start);
    let (ces, cen) = (
        term.collective_es.clone().unwrap_or_default(),
        term.collective_en.clone().unwrap_or_default(),
    );
    let closes_at = closes_on
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc())
        .ok_or_else(|| Invalid::one("closes_on", VoteProblem::DeadlineInvalid))?;
    let id = open(
        &mut tx,
        &NewVote {
            subject: "leader-renewal",
            subject_id: Some(office_id),
            electorate: Electorate::CollectiveMembers(collective_id),
            scope: Some(DelegationScope::Collective(collective_id)),
            question_es: format!(
                "¿Renovar a {} como líder del {ces} del {start} al {end}?",
                term.full_name
            ),
            question_en: format!(
                "Renew {} as leader of the {cen} from {start} to {end}?",
                term.full_name
            ),
            majority: state.settings.governance.renewal_majority,
            tie: state.settings.governance.renewal_tie,
            chair: None,
            secret: state.settings.governance.renewal_secret,
            eligibility_on: today,
            closes_at,
        },
        actor,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
