//! The demo's past meeting of the Executive Council: held with quorum, a motion voted, minutes approved with their agreements.

#[allow(unused_imports)]
use super::*;

/// The last ordinary meeting of the Executive Council, three weeks ago: convened in time (its
/// history is written directly: the notice period cannot be met for a past day), held with
/// quorum, a motion voted, and its minutes drafted, circulated, approved by the body's rule and
/// registered (evidence `governance.minutes-approved`), with two agreements, one overdue.
pub(super) async fn past_meeting_demo(state: &AppState, actor: &Actor) -> AppResult<()> {
    // the demo's history is written as the Executive Secretary would have, on the portal's own
    // authority
    let council = crate::services::authority::Convener::operator(
        crate::domain::meetings::Body::ExecutiveCouncil,
    );
    use crate::services::meetings;
    let today = Utc::now().date_naive();
    let held_on = today - chrono::Days::new(21);
    let id = meetings::create(
        state,
        &council,
        &meetings::MeetingForm {
            body: "executive-council".into(),
            kind: "ordinary".into(),
            title_es: "Sesión ordinaria del Consejo Ejecutivo (anterior)".into(),
            title_en: "Ordinary meeting of the Executive Council (previous)".into(),
            date: held_on.to_string(),
            start_time: "10:00".into(),
            end_time: "12:00".into(),
            timezone: "America/Mexico_City".into(),
            place: "Unidad de Gobierno Digital, Ciudad de México".into(),
            virtual_url: "https://reuniones.example/consejo-ejecutivo".into(),
            ..Default::default()
        },
        actor,
    )
    .await?;
    let mut vote_item = 0;
    for (title, presenter, motion) in [
        ("Lista de asistencia y quórum", "Secretaría Ejecutiva", ""),
        ("Informe de la Secretaría Ejecutiva", "Ana Martínez", ""),
        (
            "Calendario de sesiones ordinarias",
            "Secretaría Ejecutiva",
            "Aprobar el calendario de sesiones ordinarias del año",
        ),
    ] {
        let item = meetings::add_item(state, &council, id, title, presenter, motion, actor).await?;
        if !motion.is_empty() {
            vote_item = item;
        }
    }
    let convened_at = Ts((held_on - chrono::Days::new(20))
        .and_hms_opt(16, 0, 0)
        .ok_or_else(|| AppError::internal("demo date"))?
        .and_utc());
    sqlx::query("UPDATE meetings SET status = 'convened', convened_at = ? WHERE id = ?")
        .bind(convened_at)
        .bind(id)
        .execute(&state.db)
        .await?;
    let m = meetings::get(&state.db, id).await?;
    let mut conn = state.db.acquire().await?;
    let seats = meetings::seats(&mut conn, &m).await?;
    drop(conn);
    // everyone in person but the last seat, absent
    let mut present = Vec::new();
    for (n, s) in seats.iter().enumerate() {
        let presence = if n + 1 == seats.len() {
            "absent"
        } else {
            "in_person"
        };
        meetings::record_presence(state, &council, id, s.person_id, presence, "", actor).await?;
        if presence != "absent" {
            present.push((s.person_id, "yes".to_string()));
        }
    }
    meetings::open_session(state, &council, id, actor).await?;
    // opened on the meeting's day, five minutes after its start
    sqlx::query("UPDATE meetings SET opened_at = ? WHERE id = ?")
        .bind(Ts(m.starts_at.0 + chrono::Duration::minutes(5)))
        .bind(id)
        .execute(&state.db)
        .await?;
    let vote = meetings::open_vote(state, &council, id, vote_item, actor).await?;
    meetings::record_votes(state, &council, id, vote, &present, actor).await?;
    // the session closed at the meeting's end: the meeting was held
    meetings::close_session(state, &council, id, actor).await?;
    sqlx::query("UPDATE meetings SET closed_at = ? WHERE id = ?")
        .bind(m.ends_at)
        .bind(id)
        .execute(&state.db)
        .await?;
    let body = "Consejo Ejecutivo";
    let mut text =
        crate::services::minutes::draft_for(state, &m, crate::i18n::Lang::Es, body).await?;
    text = text.replacen(
        "Deliberación: \n",
        "Deliberación: se pasó lista y se verificó el quórum.\n",
        1,
    );
    text = text.replacen(
        "Deliberación: \n",
        "Deliberación: la Secretaría informó del avance de la red y de los nodos en operación.\n",
        1,
    );
    text = text.replacen(
        "Deliberación: \n",
        "Deliberación: se revisaron las fechas propuestas y no hubo observaciones.\n",
        1,
    );
    crate::services::minutes::save(state, &council, id, &text, actor).await?;
    let owner = |email: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE email = ?")
            .bind(email)
            .fetch_one(&state.db)
            .await
    };
    for (what, email, due) in [
        (
            "Publicar el calendario de sesiones en el portal",
            "secretaria@minga.example",
            today + chrono::Days::new(14),
        ),
        (
            "Entregar el informe de disponibilidad de los nodos del trimestre",
            "comision.nodos@minga.example",
            today - chrono::Days::new(3),
        ),
    ] {
        crate::services::minutes::add_agreement(
            state,
            &council,
            id,
            &crate::services::minutes::AgreementForm {
                agreement: what.into(),
                owner: owner(email).await?.to_string(),
                due_on: due.to_string(),
            },
            actor,
        )
        .await?;
    }
    crate::services::minutes::circulate(state, &council, id, actor).await?;
    // circulated the day after the meeting; approved by the body's rule an hour after its comment
    // period ended without objection
    let circulated_at = (held_on + chrono::Days::new(1))
        .and_hms_opt(18, 0, 0)
        .ok_or_else(|| AppError::internal("demo date"))?
        .and_utc();
    sqlx::query("UPDATE minutes SET circulated_at = ? WHERE meeting_id = ?")
        .bind(Ts(circulated_at))
        .bind(id)
        .execute(&state.db)
        .await?;
    let approved_at =
        crate::services::minutes::comments_until(circulated_at, &state.settings.meetings)
            + chrono::Duration::hours(1);
    let font = tokio::fs::try_exists(&state.settings.report_font)
        .await
        .unwrap_or(false);
    if approved_at > Utc::now() {
        tracing::info!("the demo minutes' comment period has not ended: they stay circulated");
    } else if font {
        crate::services::minutes::approve_as_of(state, &council, id, approved_at, actor).await?;
    } else {
        tracing::warn!(font = %state.settings.report_font.display(),
            "the PDF font is missing (MINGA_REPORT_FONT): the demo minutes stay circulated, not approved");
    }
    Ok(())
}
