//! A call's election put to the Executive Council: the motion on a meeting's agenda, and the slate elected when the vote approves it (or recorded by the Secretary).

#[allow(unused_imports)]
use super::*;

/// A motion that puts a call's election to a meeting's vote, as the call's page lists it.
#[derive(Debug, Clone, FromRow)]
pub struct ElectionMotion {
    pub meeting_id: i64,
    pub item_id: i64,
    pub title_es: String,
    pub title_en: String,
    pub starts_at: Ts,
    pub timezone: String,
    pub meeting_status: MeetingStatus,
    /// `None` until the item is put to the vote at the session.
    pub vote_status: Option<String>,
    pub result_json: Option<String>,
}

impl ElectionMotion {
    /// Still to be decided: its vote is open, or the meeting that is to vote it is still ahead.
    pub fn pending(&self) -> bool {
        match self.vote_status.as_deref() {
            Some(status) => status == "open",
            None => matches!(
                self.meeting_status,
                MeetingStatus::Draft | MeetingStatus::Convened
            ),
        }
    }

    /// Whether the closed vote approved the slate.
    pub fn approved(&self) -> Option<bool> {
        (self.vote_status.as_deref() == Some("closed")).then(|| {
            self.result_json
                .as_deref()
                .and_then(crate::domain::minutes::VoteSummary::from_json)
                .is_some_and(|s| s.approved)
        })
    }
}

/// The motions that put this call's election to a vote, oldest first.
pub async fn election_motions(db: &SqlitePool, call_id: i64) -> AppResult<Vec<ElectionMotion>> {
    Ok(sqlx::query_as(
        "SELECT m.id AS meeting_id, a.id AS item_id, m.title_es, m.title_en, m.starts_at, m.timezone,
                m.status AS meeting_status, v.status AS vote_status, v.result_json
         FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id LEFT JOIN votes v ON v.id = a.vote_id
         WHERE a.elects_call = ? AND m.status <> 'cancelled' ORDER BY a.id",
    )
    .bind(call_id)
    .fetch_all(db)
    .await?)
}

/// Checks a slate of candidacies against the call: some, no more than its seats, all standing.
fn check_slate(call: &CallRow, all: &[CandidacyRow], elected: &[i64]) -> AppResult<()> {
    if elected.is_empty() {
        return Err(Invalid::one("elected", CallProblem::NoneElected).into());
    }
    if i64::try_from(elected.len()).unwrap_or(i64::MAX) > call.seats {
        return Err(
            Invalid::one("elected", CallProblem::TooManyElected { seats: call.seats }).into(),
        );
    }
    if elected
        .iter()
        .any(|id| !all.iter().any(|c| c.id == *id && c.status == "submitted"))
    {
        return Err(Invalid::one("elected", CallProblem::NotACandidate).into());
    }
    Ok(())
}

/// The Executive Secretary puts a call's election to the Executive Council: an item on the
/// agenda of one of its meetings (a draft, or convened and not yet held) after the call closes,
/// whose motion elects the slate of candidacies chosen. The Council votes it seat by seat at
/// the meeting; when the vote approves it, the slate is elected (see [`elect_by_votes`]).
pub async fn put_to_vote(
    state: &AppState,
    convener: &Convener,
    call_id: i64,
    meeting_id: &str,
    elected: &[i64],
    actor: &Actor,
) -> AppResult<i64> {
    let call = get(&state.db, call_id).await?;
    if call.status != "open" {
        return Err(Invalid::one("", CallProblem::NotOpen).into());
    }
    let all = candidacies(&state.db, call_id).await?;
    let meeting_id: i64 = meeting_id
        .trim()
        .parse()
        .map_err(|_| Invalid::one("meeting", CallProblem::MeetingUnfit))?;
    let m = match crate::services::meetings::get(&state.db, meeting_id).await {
        Ok(m) => m,
        Err(AppError::NotFound) => {
            return Err(Invalid::one("meeting", CallProblem::MeetingUnfit).into());
        }
        Err(e) => return Err(e),
    };
    convener.covers(m.body())?;
    let fit = m.body() == Some(Body::ExecutiveCouncil)
        && m.status.add_to_agenda().is_ok()
        && m.local_day() > call.closes_on;
    if !fit {
        return Err(Invalid::one("meeting", CallProblem::MeetingUnfit).into());
    }
    check_slate(&call, &all, elected)?;
    // the seat rules as they stand now, so a slate they refuse is not put to a vote; they are
    // checked again when the vote's result takes effect
    let mut conn = state.db.acquire().await?;
    for c in all.iter().filter(|c| elected.contains(&c.id)) {
        seats::check(
            &mut conn,
            &state.settings.governance,
            &seat_of(&call, c, Value::Null),
        )
        .await
        .map_err(|e| name_refusal(e, &c.full_name))?;
    }
    drop(conn);
    if election_motions(&state.db, call_id)
        .await?
        .iter()
        .any(ElectionMotion::pending)
    {
        return Err(Invalid::one("", CallProblem::AlreadyOnAgenda).into());
    }
    let names: Vec<String> = all
        .iter()
        .filter(|c| elected.contains(&c.id))
        .map(|c| c.full_name.clone())
        .collect();
    let title = format!(
        "Elección de liderazgo: {} (convocatoria n.º {}) / Leadership election: {}",
        call.collective_es, call.id, call.collective_en
    );
    let presenter = "Secretaría Ejecutiva / Executive Secretary";
    let motion = format!(
        "Elegir a {} como {} del {} desde el {}, en la convocatoria n.º {}. / Elect {} as leader(s) of the {} from {}, in call no. {}.",
        names.join(", "),
        if names.len() == 1 {
            "líder"
        } else {
            "líderes"
        },
        call.collective_es,
        call.term_starts_on,
        call.id,
        names.join(", "),
        call.collective_en,
        call.term_starts_on,
        call.id
    );
    crate::services::meetings::check_item(&title, presenter, &motion)?;
    // the item and what it elects in one transaction: no motion without its slate
    let mut tx = crate::db::begin_write(&state.db).await?;
    let item = crate::services::meetings::insert_item(
        &mut tx, meeting_id, &title, presenter, &motion, actor,
    )
    .await?;
    sqlx::query("UPDATE agenda_items SET elects_call = ?, elects_candidacies = ? WHERE id = ?")
        .bind(call_id)
        .bind(serde_json::to_string(elected).map_err(AppError::internal)?)
        .bind(item)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "call.put-to-vote",
        "call",
        call_id,
        None,
        Some(json!({"meeting": meeting_id, "item": item, "candidacies": elected})),
    )
    .await?;
    tx.commit().await?;
    Ok(item)
}

/// The motions worker's part: a call whose election a meeting's vote approved is decided — the
/// slate elected, the others not. Returns how many calls were.
pub async fn elect_by_votes(state: &AppState) -> AppResult<usize> {
    #[derive(FromRow)]
    struct Voted {
        call_id: i64,
        slate: Option<String>,
        meeting_id: i64,
        vote_id: i64,
        result: Option<String>,
    }
    let due: Vec<Voted> = sqlx::query_as(
        "SELECT a.elects_call AS call_id, a.elects_candidacies AS slate, a.meeting_id,
                v.id AS vote_id, v.result_json AS result
         FROM agenda_items a JOIN votes v ON v.id = a.vote_id JOIN calls c ON c.id = a.elects_call
         WHERE v.status = 'closed' AND c.status = 'open'",
    )
    .fetch_all(&state.db)
    .await?;
    let actor = Actor::system("motions");
    let mut decided = 0;
    for Voted {
        call_id,
        slate,
        meeting_id,
        vote_id,
        result,
    } in due
    {
        let approved = result
            .as_deref()
            .and_then(crate::domain::minutes::VoteSummary::from_json)
            .is_some_and(|s| s.approved);
        if !approved {
            continue;
        }
        let elected: Vec<i64> = slate
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        match decide(
            state,
            call_id,
            &elected,
            json!({"vote": vote_id, "meeting": meeting_id}),
            &actor,
        )
        .await
        {
            Ok(_) => decided += 1,
            Err(e) => {
                tracing::warn!(call = call_id, vote = vote_id, error = %e, "electing the slate a vote approved")
            }
        }
    }
    Ok(decided)
}

/// The Executive Council's election: the elected candidacies become leaders from the call's
/// term start (after the seat rules), the others are not elected, the call is decided, and each
/// election is a decision in the log whose grounds name the vote that made it.
async fn decide(
    state: &AppState,
    call_id: i64,
    elected: &[i64],
    by: serde_json::Value,
    actor: &Actor,
) -> AppResult<Vec<i64>> {
    let today = Utc::now().date_naive();
    let call = get(&state.db, call_id).await?;
    if call.status != "open" {
        return Err(Invalid::one("", CallProblem::NotOpen).into());
    }
    let all = candidacies(&state.db, call_id).await?;
    check_slate(&call, &all, elected)?;
    let standing: Vec<&CandidacyRow> = all.iter().filter(|c| c.status == "submitted").collect();
    let considered: Vec<_> = standing
        .iter()
        .map(|c| json!({"candidacy": c.id, "person": {"id": c.person_id, "name": c.full_name, "institution": c.institution}, "elected": elected.contains(&c.id)}))
        .collect();
    let grounds = json!({
        "call": {"id": call.id, "collective": call.collective_slug, "seats": call.seats, "opened_on": call.opens_on, "closed_on": call.closes_on, "closed_early": today <= call.closes_on},
        "candidacies": considered,
        "decided_by": by,
    });
    let mut tx = crate::db::begin_write(&state.db).await?;
    let mut offices = Vec::new();
    for c in standing.iter().filter(|c| elected.contains(&c.id)) {
        let office = seats::appoint(
            &mut tx,
            &state.settings.governance,
            &seat_of(&call, c, grounds.clone()),
            actor,
        )
        .await
        .map_err(|e| name_refusal(e, &c.full_name))?;
        sqlx::query(
            "UPDATE candidacies SET status = 'elected', decided_at = ?, office_id = ? WHERE id = ?",
        )
        .bind(Ts::now())
        .bind(office)
        .bind(c.id)
        .execute(&mut *tx)
        .await?;
        offices.push(office);
    }
    sqlx::query(
        "UPDATE candidacies SET status = 'not_elected', decided_at = ? WHERE call_id = ? AND status = 'submitted'",
    )
    .bind(Ts::now())
    .bind(call_id)
    .execute(&mut *tx)
    .await?;
    let done = sqlx::query(
        "UPDATE calls SET status = 'decided', decided_at = ? WHERE id = ? AND status = 'open'",
    )
    .bind(Ts::now())
    .bind(call_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Invalid::one("", CallProblem::NotOpen).into());
    }
    audit::record(
        &mut tx,
        actor,
        "call.decided",
        "call",
        call_id,
        Some(json!({"status": "open"})),
        Some(json!({"status": "decided", "elected": elected, "offices": offices})),
    )
    .await?;
    for c in &standing {
        let emails: Option<String> = sqlx::query_scalar("SELECT email FROM people WHERE id = ?")
            .bind(c.person_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(email) = emails.filter(|e| !e.is_empty()) else {
            continue;
        };
        let won = elected.contains(&c.id);
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: c.full_name.clone(),
                subject: format!(
                    "Resultado de la convocatoria / Result of the call: {}",
                    call.collective_es
                ),
                body_text: if won {
                    format!("El Consejo Ejecutivo le eligió como líder del {}, desde el {}.\n\nThe Executive Council elected you leader of the {}, from {}.\n", call.collective_es, call.term_starts_on, call.collective_en, call.term_starts_on)
                } else {
                    format!("El Consejo Ejecutivo resolvió la convocatoria del {} sin elegir su candidatura. Gracias por participar.\n\nThe Executive Council decided the call of the {} without electing your candidacy. Thank you for taking part.\n", call.collective_es, call.collective_en)
                },
                ics: None,
                topic: format!("call-decided/{call_id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.decisions_pending.notify_one();
    state.mail_pending.notify_one();
    Ok(offices)
}

/// The leader's seat a candidacy of `call` is elected to.
fn seat_of(call: &CallRow, c: &CandidacyRow, grounds: Value) -> Appoint {
    Appoint {
        person_id: c.person_id,
        role: Role::CollectiveLeader,
        collective_id: Some(call.collective_id),
        starts_on: call.term_starts_on,
        ends_on: None,
        renews: None,
        event: "leader-elected",
        body: "executive-council",
        grounds,
        note: format!("call {}", call.id),
    }
}

/// A seat-rule refusal for one of several candidates says whose appointment it is about.
fn name_refusal(e: AppError, name: &str) -> AppError {
    match e {
        AppError::Invalid(inv) => {
            let mut out = Invalid::new();
            for fe in inv.0 {
                out.add("elected", Named(name.to_string(), fe.reason));
            }
            AppError::Invalid(out)
        }
        other => other,
    }
}

#[derive(Debug)]
struct Named(String, Box<dyn Reason>);

impl Reason for Named {
    fn code(&self) -> &'static str {
        self.1.code()
    }
    fn message(&self, t: &'static Tr) -> String {
        format!("{}: {}", self.0, self.1.message(t))
    }
}
