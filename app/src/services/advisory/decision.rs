//! The Executive Council's decision on an Advisory Council application or renewal request,
//! recorded by its Secretary: admission appoints the seat through the seat rules, renewal
//! continues the term; both outcomes are decisions of record, and the applicant is mailed.

use super::*;

/// The Executive Council's decision on an application, recorded by its Secretary. Admitting
/// appoints the seat after the seat rules (an admission from today, a renewal from the day after
/// the term it continues) and registers the public decision, which names the letter and the CV
/// by their hashes only; a refusal (its note required) is kept in the audit log, not published.
/// The applicant is told by mail. Returns the office granted, if any.
pub async fn decide(
    state: &AppState,
    _who: &CouncilSecretary,
    application_id: i64,
    admit: bool,
    note: &str,
    actor: &Actor,
) -> AppResult<Option<i64>> {
    let today = Utc::now().date_naive();
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(Invalid::one("note", AdvisoryProblem::NoteTooLong { max: MAX_NOTE }).into());
    }
    if !admit && note.is_empty() {
        return Err(Invalid::one("note", AdvisoryProblem::NoteRequired).into());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let sql = format!("{APPLICATION_SELECT} WHERE a.id = ?");
    let app: ApplicationRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(application_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if !app.is_pending() {
        return Err(Invalid::one("", AdvisoryProblem::NotSubmitted).into());
    }
    let office = if admit {
        let grounds = json!({
            "application": app.id,
            "kind": app.kind,
            "letter_sha256": Hash::of(app.letter.as_bytes()).hex(),
            "cv_sha256": app.cv_sha256,
            "cv_filename": app.cv_filename,
            "note": note,
        });
        let appointment = match (app.is_renewal(), app.renews) {
            (true, Some(previous)) => {
                let starts_on = renewal_start_of(&mut tx, previous)
                    .await
                    .map_err(|e| refield(e, "decision"))?;
                renewal_appointment(
                    app.person_id,
                    previous,
                    starts_on,
                    grounds,
                    format!("advisory application {}", app.id),
                )
            }
            (true, None) => {
                return Err(Invalid::one("decision", AdvisoryProblem::NotRenewable).into());
            }
            (false, _) => Appoint {
                person_id: app.person_id,
                role: Role::AdvisoryMember,
                collective_id: None,
                starts_on: today,
                ends_on: None,
                renews: None,
                event: "advisory-admitted",
                body: "executive-council",
                grounds,
                note: format!("advisory application {}", app.id),
            },
        };
        let office = seats::appoint(&mut tx, &state.settings.governance, &appointment, actor)
            .await
            .map_err(|e| refield(e, "decision"))?;
        Some(office)
    } else {
        None
    };
    let status = if admit { "admitted" } else { "rejected" };
    sqlx::query(
        "UPDATE advisory_applications SET status = ?, decided_at = ?, decided_by = ?, decision_note = ?, office_id = ?
         WHERE id = ? AND status = 'submitted'",
    )
    .bind(status)
    .bind(Ts::now())
    .bind(actor.account_id)
    .bind(note)
    .bind(office)
    .bind(app.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        if admit {
            "advisory.admitted"
        } else {
            "advisory.rejected"
        },
        "advisory_application",
        app.id,
        Some(json!({"status": "submitted"})),
        Some(json!({"status": status, "office_id": office, "note": note})),
    )
    .await?;
    if !app.email.trim().is_empty() {
        let url = format!(
            "{}/advisory/applications/{}",
            state.settings.public_url.trim_end_matches('/'),
            app.id
        );
        let term = match office {
            Some(id) => Some(seats::holder(&mut tx, id).await?),
            None => None,
        };
        let (body_es, body_en) = match (&term, app.is_renewal()) {
            (Some(h), renewal) => {
                let ends = h.ends_on.map(|d| d.to_string()).unwrap_or_default();
                if renewal {
                    (
                        format!(
                            "El Consejo Ejecutivo aprobó su segundo periodo en el Consejo Consultivo, del {} al {ends}.",
                            h.starts_on
                        ),
                        format!(
                            "The Executive Council approved your second term on the Advisory Council, from {} to {ends}.",
                            h.starts_on
                        ),
                    )
                } else {
                    (
                        format!(
                            "El Consejo Ejecutivo le admitió en el Consejo Consultivo, del {} al {ends}.",
                            h.starts_on
                        ),
                        format!(
                            "The Executive Council admitted you to the Advisory Council, from {} to {ends}.",
                            h.starts_on
                        ),
                    )
                }
            }
            (None, _) => (
                format!("El Consejo Ejecutivo no admitió su solicitud. Motivo: {note}"),
                format!("The Executive Council did not admit your application. Reason: {note}"),
            ),
        };
        mail::queue(
            &mut tx,
            &Message {
                to_address: app.email.clone(),
                to_name: app.full_name.clone(),
                subject: "Consejo Consultivo: decisión sobre su solicitud / Advisory Council: decision on your application".into(),
                body_text: format!("{body_es}\n{url}\n\n{body_en}\n{url}\n"),
                ics: None,
                topic: format!("advisory-decision/{}", app.id),
            },
        )
        .await?;
    }
    tx.commit().await?;
    if office.is_some() {
        state.decisions_pending.notify_one();
    }
    Ok(office)
}
