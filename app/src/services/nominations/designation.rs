//! The Advisory Council's designation of a nominee to an Executive Council seat (the ranking's
//! figures recorded with the decision), a leader withdrawing a nomination, and the designations
//! made, for the public page.

use super::*;

/// Moves every error of a seat-rule refusal to the whole form (they are about the designation,
/// not about a field of its form).
fn whole_form(e: AppError) -> AppError {
    match e {
        AppError::Invalid(inv) => AppError::Invalid(Invalid(
            inv.0
                .into_iter()
                .map(|fe| FieldError {
                    field: "",
                    reason: fe.reason,
                })
                .collect(),
        )),
        other => other,
    }
}

/// The Advisory Council designates a proposed nominee (not necessarily the first ranked: the
/// council decides, and the decision records the ranking). The declared profile is written to
/// the person, the seat rules are checked and the term appointed from `starts_on` for a full
/// term; the other proposals for the seat are not designated; the nominee and the proposer are
/// told by mail. A refusal changes nothing.
pub async fn designate(
    state: &AppState,
    _who: &Designator,
    nomination_id: i64,
    starts_on: &str,
    actor: &Actor,
) -> AppResult<i64> {
    let today = Utc::now().date_naive();
    let starts_on = match NaiveDate::parse_from_str(starts_on.trim(), "%Y-%m-%d") {
        Ok(d) if d < today => {
            return Err(Invalid::one("starts_on", NominationProblem::StartsInThePast).into());
        }
        Ok(d) => d,
        Err(_) => return Err(Invalid::one("starts_on", NominationProblem::DateInvalid).into()),
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    let designator: Option<i64> = match actor.account_id {
        Some(account) => {
            sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
                .bind(account)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => None,
    };
    match designator {
        Some(person) if is_advisory_member(&mut tx, person, today).await? => {}
        _ => return Err(AppError::Forbidden),
    }
    let sql = format!("{NOMINATION_SELECT} WHERE n.id = ?");
    let nomination: NominationRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(nomination_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if nomination.status != "proposed" {
        return Err(Invalid::one("", NominationProblem::NotProposed).into());
    }
    let role = nomination
        .role()
        .ok_or_else(|| AppError::internal("nomination role"))?;
    let ranked = rank_seat(&mut tx, role, nomination.collective_id, today).await?;
    let chosen_rank = ranked
        .iter()
        .find(|r| r.nomination.id == nomination_id)
        .map(|r| r.rank);

    // the declared profile becomes the person's, so that the seat rules see it
    if let Some(profile) = nomination.profile() {
        let before: String = sqlx::query_scalar("SELECT profile FROM people WHERE id = ?")
            .bind(nomination.person_id)
            .fetch_one(&mut *tx)
            .await?;
        if before != profile.as_str() {
            sqlx::query("UPDATE people SET profile = ? WHERE id = ?")
                .bind(profile.as_str())
                .bind(nomination.person_id)
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                actor,
                "person.profile",
                "person",
                nomination.person_id,
                Some(json!({"profile": before})),
                Some(json!({"profile": profile.as_str(), "nomination": nomination_id})),
            )
            .await?;
        }
    }

    let ranking_json: Vec<Value> = ranked
        .iter()
        .map(|r| {
            let n = &r.nomination;
            json!({
                "nomination": n.id,
                "person": {"id": n.person_id, "name": n.full_name, "institution": n.institution},
                "proposed_by": n.proposer_name,
                "rank": r.rank,
                "member_since": n.member_since,
                "seniority_days": r.seniority_days,
                "projects": n.projects,
                "experience_years": n.experience_years,
                "profile": n.profile,
                "designated": n.id == nomination_id,
            })
        })
        .collect();
    let grounds = json!({
        "nomination": nomination_id,
        "proposed_by": nomination.proposer_name,
        "rank": chosen_rank,
        "ranked_on": today,
        "criteria": ["seniority_days", "projects", "experience_years"],
        "ranking": ranking_json,
    });
    let office = seats::appoint(
        &mut tx,
        &state.settings.governance,
        &Appoint {
            person_id: nomination.person_id,
            role,
            collective_id: nomination.collective_id,
            starts_on,
            ends_on: None,
            renews: None,
            event: "council-designated",
            body: "advisory-council",
            grounds,
            note: format!("nomination {nomination_id}"),
        },
        actor,
    )
    .await
    .map_err(whole_form)?;
    let now = Ts::now();
    sqlx::query(
        "UPDATE nominations SET status = 'designated', decided_at = ?, office_id = ? WHERE id = ?",
    )
    .bind(now)
    .bind(office)
    .bind(nomination_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "nomination.designated",
        "nomination",
        nomination_id,
        Some(json!({"status": "proposed"})),
        Some(json!({"status": "designated", "office_id": office, "rank": chosen_rank})),
    )
    .await?;
    for other in ranked.iter().filter(|r| r.nomination.id != nomination_id) {
        sqlx::query(
            "UPDATE nominations SET status = 'not_designated', decided_at = ? WHERE id = ? AND status = 'proposed'",
        )
        .bind(now)
        .bind(other.nomination.id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "nomination.not-designated",
            "nomination",
            other.nomination.id,
            Some(json!({"status": "proposed"})),
            Some(json!({"status": "not_designated", "designated": nomination_id})),
        )
        .await?;
    }

    let seat_es = seats::seat_label(role, nomination.collective_es.as_deref(), Lang::Es);
    let seat_en = seats::seat_label(role, nomination.collective_en.as_deref(), Lang::En);
    let ends_on: Option<NaiveDate> = sqlx::query_scalar("SELECT ends_on FROM offices WHERE id = ?")
        .bind(office)
        .fetch_one(&mut *tx)
        .await?;
    let ends = ends_on.map(|d| d.to_string()).unwrap_or_default();
    let url = format!(
        "{}/councils",
        state.settings.public_url.trim_end_matches('/')
    );
    let recipients: Vec<(String, String)> =
        sqlx::query_as("SELECT email, full_name FROM people WHERE id IN (?, ?) AND email <> ''")
            .bind(nomination.person_id)
            .bind(nomination.proposed_by)
            .fetch_all(&mut *tx)
            .await?;
    for (email, name) in recipients {
        mail::queue(
            &mut tx,
            &Message {
                to_address: email,
                to_name: name,
                subject: format!(
                    "Designación del Consejo Consultivo / Advisory Council designation: {} — {seat_es}",
                    nomination.full_name
                ),
                body_text: format!(
                    "El Consejo Consultivo designó a {person} para {seat_es}, del {starts_on} al {ends}, a propuesta de {proposer}.\n{url}\n\n\
                     The Advisory Council designated {person} for {seat_en}, from {starts_on} to {ends}, on the proposal of {proposer}.\n{url}\n",
                    person = nomination.full_name,
                    proposer = nomination.proposer_name,
                ),
                ics: None,
                topic: format!("nomination-designated/{nomination_id}"),
            },
        )
        .await?;
    }
    tx.commit().await?;
    state.decisions_pending.notify_one();
    Ok(office)
}

/// The proposer withdraws their nomination while it is pending.
pub async fn withdraw(
    state: &AppState,
    who: &Signed,
    nomination_id: i64,
    actor: &Actor,
) -> AppResult<()> {
    let proposer_person_id = who.person_id();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM nominations WHERE id = ? AND proposed_by = ?")
            .bind(nomination_id)
            .bind(proposer_person_id)
            .fetch_optional(&mut *tx)
            .await?;
    let status = status.ok_or(AppError::NotFound)?;
    if status != "proposed" {
        return Err(Invalid::one("", NominationProblem::NotProposed).into());
    }
    sqlx::query("UPDATE nominations SET status = 'withdrawn', decided_at = ? WHERE id = ?")
        .bind(Ts::now())
        .bind(nomination_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "nomination.withdrawn",
        "nomination",
        nomination_id,
        Some(json!({"status": status})),
        Some(json!({"status": "withdrawn"})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A designation made, with the decision that records it and the place the designated nominee
/// had in the ranking.
#[derive(Clone, Debug)]
pub struct Designation {
    pub nomination_id: i64,
    pub role: Role,
    pub collective_es: Option<String>,
    pub collective_en: Option<String>,
    pub full_name: String,
    pub proposer_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub decided_at: Option<Ts>,
    pub evidence_id: Option<String>,
    /// (rank, nominees ranked), from the decision's data.
    pub rank: Option<(u64, usize)>,
}

#[derive(FromRow)]
struct DesignationRow {
    id: i64,
    role: String,
    collective_es: Option<String>,
    collective_en: Option<String>,
    full_name: String,
    proposer_name: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    decided_at: Option<Ts>,
    evidence_id: Option<String>,
    data_json: Option<String>,
}

/// The latest designations, newest first.
pub async fn recent_designations(db: &SqlitePool, limit: i64) -> AppResult<Vec<Designation>> {
    let rows: Vec<DesignationRow> = sqlx::query_as(
        "SELECT n.id, n.role, c.name_es AS collective_es, c.name_en AS collective_en, p.full_name,
                q.full_name AS proposer_name, o.starts_on, o.ends_on, n.decided_at, d.evidence_id, d.data_json
         FROM nominations n JOIN people p ON p.id = n.person_id JOIN people q ON q.id = n.proposed_by
         JOIN offices o ON o.id = n.office_id
         LEFT JOIN collectives c ON c.id = n.collective_id
         LEFT JOIN decisions d ON d.ref = 'appointment/' || o.id
         WHERE n.status = 'designated' ORDER BY n.decided_at DESC, n.id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let rank = r.data_json.as_deref().and_then(|data| {
                let v: Value = serde_json::from_str(data).ok()?;
                let ranking = v.get("grounds")?.get("ranking")?.as_array()?;
                let chosen = ranking
                    .iter()
                    .find(|e| e.get("designated") == Some(&Value::Bool(true)))?;
                Some((chosen.get("rank")?.as_u64()?, ranking.len()))
            });
            Some(Designation {
                nomination_id: r.id,
                role: Role::parse(&r.role)?,
                collective_es: r.collective_es,
                collective_en: r.collective_en,
                full_name: r.full_name,
                proposer_name: r.proposer_name,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                decided_at: r.decided_at,
                evidence_id: r.evidence_id,
                rank,
            })
        })
        .collect())
}

/// "Comisión de nodos — Colectivo Académico", in the visitor's language.
pub fn seat_title(role: Role, collective: Option<&str>, t: &'static Tr) -> String {
    match collective {
        Some(c) => format!("{} — {c}", role_name(role, t)),
        None => role_name(role, t).to_string(),
    }
}
