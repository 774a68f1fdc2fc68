//! The demo's public consultation: the governance model put to consultation for six weeks in
//! January and February (as the seed itself was), commented by members (one anonymously), every
//! comment answered by theme — integrated, declined, left to the first Executive Council — and the
//! final version approved, each step through the service and dated as it happened.

use super::dating::redate;
use crate::AppState;
use crate::error::AppResult;
use crate::services::audit::Actor;
use crate::services::authority::{CouncilSecretary, Signed};
use crate::services::consultations::{self, AnswerForm, CommentForm, FinalForm, OpenForm};
use chrono::{NaiveDate, Utc};

const DRAFT: &str = "La red se organiza en colectivos por sector: académico, empresarial, sector público y organizaciones de la sociedad civil.

Cada colectivo elige a sus líderes por dos años, renovables una vez.

El Consejo Ejecutivo decide la admisión de proyectos en pleno, con el voto de sus miembros presentes.

Los integrantes informan cada mes a los líderes de su colectivo sobre el desempeño de sus nodos.";

/// (e-mail, section, anonymous, comment, answer, answer's text, theme)
const COMMENTS: [(&str, usize, bool, &str, &str, &str, &str); 5] = [
    (
        "miembro@minga.example",
        1,
        false,
        "Falta un colectivo para personas que participan a título individual.",
        "agenda",
        "Se remite a la primera sesión del Consejo Ejecutivo.",
        "Colectivos",
    ),
    (
        "solicitante@minga.example",
        2,
        false,
        "Dos años es poco para un primer periodo: propongo tres.",
        "declined",
        "Dos años con una renovación permiten rotación; se mantiene.",
        "Mandatos",
    ),
    (
        "proyecto@minga.example",
        3,
        true,
        "Que un miembro ausente pueda delegar su voto sobre proyectos.",
        "integrated",
        "Se añade la delegación del voto en el ámbito de proyectos.",
        "Votaciones",
    ),
    (
        "lider@minga.example",
        3,
        false,
        "Publicar la puntuación de cada criterio antes del pleno.",
        "integrated",
        "La puntuación ponderada y sus justificaciones son públicas.",
        "Votaciones",
    ),
    (
        "paula.gomez@minga.example",
        4,
        false,
        "Un informe mensual es mucha carga para integrantes pequeños.",
        "declined",
        "El portal lo empieza con las cifras de sus nodos: la carga es menor.",
        "Informes",
    ),
];

const FINAL: &str = "La red se organiza en colectivos por sector: académico, empresarial, sector público y organizaciones de la sociedad civil.

Cada colectivo elige a sus líderes por dos años, renovables una vez.

El Consejo Ejecutivo decide la admisión de proyectos en pleno, con el voto de sus miembros presentes; un miembro ausente puede delegar su voto en el ámbito de proyectos, y la puntuación de cada criterio se publica antes del pleno.

Los integrantes informan cada mes a los líderes de su colectivo sobre el desempeño de sus nodos.";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| Utc::now().date_naive())
}

pub(super) async fn consultation_demo(state: &AppState, actor: &Actor) -> AppResult<()> {
    let secretary = CouncilSecretary::operator();
    let today = Utc::now().date_naive();
    let id = consultations::open(
        state,
        &secretary,
        &OpenForm {
            document: "governance-model".into(),
            title_es: "Modelo de gobernanza de la red".into(),
            title_en: "The network's governance model".into(),
            opens_on: today.to_string(),
            closes_on: today.to_string(),
            anonymous_allowed: Some("1".into()),
            draft: DRAFT.into(),
        },
        actor,
    )
    .await?;
    let mut ids = Vec::new();
    for (email, section, anonymous, text, ..) in COMMENTS {
        let (account, person): (i64, i64) =
            sqlx::query_as("SELECT id, person_id FROM accounts WHERE email = ?")
                .bind(email)
                .fetch_one(&state.db)
                .await?;
        let form = CommentForm {
            section: section.to_string(),
            comment: text.into(),
            anonymous: anonymous.then(|| "1".into()),
        };
        ids.push(
            consultations::comment(state, &Signed::operator(account, person), id, &form, actor)
                .await?,
        );
    }
    // six weeks in January and February, then the answers and the approval
    sqlx::query("UPDATE consultations SET opens_on = ?, closes_on = ? WHERE id = ?")
        .bind(day("2026-01-05"))
        .bind(day("2026-02-15"))
        .bind(id)
        .execute(&state.db)
        .await?;
    sqlx::query("UPDATE consultation_comments SET created_at = '2026-01-20T15:00:00.000Z' WHERE consultation_id = ?")
        .bind(id)
        .execute(&state.db)
        .await?;
    for (comment, (.., answer, text, theme)) in ids.into_iter().zip(COMMENTS) {
        let form = AnswerForm {
            answer: answer.into(),
            answer_text: text.into(),
            theme: theme.into(),
        };
        consultations::answer(state, &secretary, id, comment, &form, actor).await?;
    }
    let form = FinalForm {
        final_text: FINAL.into(),
        final_note: "Aprobada por el Consejo Ejecutivo en su primera sesión.".into(),
    };
    consultations::conclude(state, &secretary, id, &form, actor).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    let at = |d: &str| {
        day(d)
            .and_hms_opt(17, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(Utc::now)
    };
    redate(
        &mut tx,
        &format!("consultation/{id}/opened"),
        None,
        at("2026-01-05"),
        |_| {},
    )
    .await?;
    redate(
        &mut tx,
        &format!("consultation/{id}/final"),
        None,
        at("2026-03-02"),
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
