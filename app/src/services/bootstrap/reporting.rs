//! The demo's report calendar: a year of reports by the bodies and the members' of the last
//! months, each filed through the service (a PDF registered as an evidence) on the day it would
//! have been — most on time, some late, some never (missing). The last period over is left to be
//! filed (Diego Hernández, `miembro@`, writes IPN's: he asked for its node).

use super::dating::redate;
use crate::AppState;
use crate::domain::reporting::{Debtor, Question};
use crate::error::AppResult;
use crate::services::audit::Actor;
use crate::services::authority::Signed;
use crate::services::reporting::filing::{self, Author, ReportForm};
use crate::services::reporting::{obligations, subjects};
use chrono::{Duration, NaiveTime, Utc};

/// What a report of `debtor` says (the demo's words).
fn answers(debtor: Debtor, period: &str) -> ReportForm {
    let mut f = ReportForm::default();
    for q in debtor.questions() {
        let text = match q {
            Question::Performance => format!(
                "Periodo {period}: los nodos respondieron con normalidad; una caída breve se atendió el mismo día."
            ),
            Question::Lessons => {
                "Registrar las órdenes el mismo día evita correcciones posteriores.".into()
            }
            Question::Proposals => "Sumar a una segunda dependencia en el próximo periodo.".into(),
            Question::Strategies => {
                "Convocatoria abierta a universidades estatales; taller de instalación de nodos."
                    .into()
            }
            Question::Justifications => {
                "Cada evaluación del periodo se justificó contra los requisitos mínimos publicados."
                    .into()
            }
            Question::Advice => {
                "Se recomendó publicar los datos de disponibilidad por nodo.".into()
            }
            Question::Outcomes => {
                "La recomendación se adoptó: la página de la red los muestra.".into()
            }
        };
        match q {
            Question::Performance => f.performance = text,
            Question::Lessons => f.lessons = text,
            Question::Proposals => f.proposals = text,
            Question::Strategies => f.strategies = text,
            Question::Justifications => f.justifications = text,
            Question::Advice => f.advice = text,
            Question::Outcomes => f.outcomes = text,
        }
    }
    f
}

pub(super) async fn reporting_demo(state: &AppState, actor: &Actor) -> AppResult<()> {
    let today = Utc::now().date_naive();
    sqlx::query(
        "UPDATE nodes SET person_id = (SELECT person_id FROM accounts WHERE email = 'miembro@minga.example')
         WHERE name = 'IPN escritor'",
    )
    .execute(&state.db)
    .await?;
    let holidays = &state.settings.meetings.holidays;
    let mut conn = state.db.acquire().await?;
    let mut due = Vec::new();
    for o in obligations(&mut *conn).await? {
        for (n, s) in subjects(&mut conn, o.debtor, o.starts_on, today)
            .await?
            .into_iter()
            .enumerate()
        {
            // the first member never files: its reports show as missing
            let Some(&author) = s
                .authors
                .first()
                .filter(|_| !(o.debtor == Debtor::Member && n == 0))
            else {
                continue;
            };
            let account: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM accounts WHERE person_id = ? ORDER BY id LIMIT 1",
            )
            .bind(author)
            .fetch_optional(&mut *conn)
            .await?;
            let Some(account) = account else { continue };
            let spans: Vec<_> = o
                .periods(s.since, today)
                .into_iter()
                .filter(|sp| sp.end < today)
                .collect();
            // the last period over stays to be filed
            let past = spans.len().saturating_sub(1);
            for (k, span) in spans.into_iter().take(past).enumerate() {
                // most on time, every fourth late, every fifth never
                let turn = (k + 2 * n) % 20;
                let late = turn % 4 == 3;
                if turn % 5 == 4 {
                    continue;
                }
                let due_on = o.due_on(span, holidays);
                let on = if late {
                    due_on + Duration::days(6)
                } else {
                    due_on - Duration::days(2)
                };
                due.push((
                    Signed::operator(account, author),
                    o.debtor,
                    s.key.clone(),
                    span,
                    on,
                ));
            }
        }
    }
    drop(conn);
    for (who, debtor, key, span, on) in due {
        let label = span.label();
        let a = Author::check(state, &who, debtor.as_str(), &key, &label, today).await?;
        let at = on
            .and_time(NaiveTime::from_hms_opt(16, 30, 0).unwrap_or_default())
            .and_utc();
        filing::file_at(state, &a, &answers(debtor, &label), actor, at).await?;
        let mut tx = crate::db::begin_write(&state.db).await?;
        redate(&mut tx, &a.reference(), None, at, |_| {}).await?;
        tx.commit().await?;
    }
    Ok(())
}
