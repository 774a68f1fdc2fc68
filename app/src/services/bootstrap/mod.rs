//! First start: the founding collectives and the bootstrap administrator; and the demo network
//! (`minga demo`, loaded on first start of the embedded default) so that no page starts empty.

use super::accounts::{self, Registration};
use super::audit::{self, Actor};
use super::authority::Admin;
use super::evidence::decisions::{self, Decision};
use super::memberships::{self, Member};
use super::offices;
use crate::db::Ts;
use crate::domain::roles::{Grant, Role};
use crate::error::AppResult;
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;

mod demo;
pub use demo::*;

mod dating;
use dating::date_as_it_happened;

mod past_meeting;
use past_meeting::past_meeting_demo;

mod nodes;
use nodes::nodes_demo;

mod projects;
use projects::projects_demo;

mod reporting;
use reporting::reporting_demo;

mod ethics;
use ethics::ethics_demo;

mod consultation;
use consultation::consultation_demo;

/// The four sector collectives of the governance model.
const FOUNDING_COLLECTIVES: [(&str, &str, &str, &str, &str, &str); 4] = [
    (
        "academico",
        "academic",
        "Colectivo Académico",
        "Academic Collective",
        "Universidades y centros de investigación que operan nodos, forman talento y estudian la red.",
        "Universities and research centres that run nodes, train people and study the network.",
    ),
    (
        "empresarial",
        "business",
        "Colectivo Empresarial",
        "Business Collective",
        "Empresas que aportan nodos, desarrollo y casos de uso de valor público.",
        "Companies that contribute nodes, development and use cases of public value.",
    ),
    (
        "sector-publico",
        "public",
        "Colectivo del Sector Público",
        "Public Sector Collective",
        "Dependencias y entidades de gobierno que usan la red para servicios públicos.",
        "Government bodies that use the network for public services.",
    ),
    (
        "osc",
        "civil_society",
        "Colectivo de Organizaciones de la Sociedad Civil",
        "Civil-Society Organisations Collective",
        "Organizaciones civiles que vigilan, usan y promueven la red abierta e inclusiva.",
        "Civil organisations that watch over, use and promote an open and inclusive network.",
    ),
];

pub const ADMIN_EMAIL: &str = "admin@minga.example";

/// The login of an account created at start-up, to be shown once.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    pub role: Role,
}

/// Creates what every installation needs: the founding collectives and, when no administrator
/// exists, the bootstrap administrator (with `MINGA_ADMIN_PASSWORD` or a generated password).
pub async fn ensure_foundation(state: &AppState) -> AppResult<Option<Credentials>> {
    let actor = Actor::system("bootstrap");
    let collectives: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM collectives")
        .fetch_one(&state.db)
        .await?;
    if collectives == 0 {
        let mut tx = crate::db::begin_write(&state.db).await?;
        let today = Utc::now().date_naive();
        for (slug, sector, name_es, name_en, desc_es, desc_en) in FOUNDING_COLLECTIVES {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO collectives (slug, sector, name_es, name_en, description_es, description_en, created_on, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(slug)
            .bind(sector)
            .bind(name_es)
            .bind(name_en)
            .bind(desc_es)
            .bind(desc_en)
            .bind(today)
            .bind(Ts::now())
            .fetch_one(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                &actor,
                "collective.created",
                "collective",
                id,
                None,
                Some(json!({"slug": slug, "sector": sector, "name_es": name_es})),
            )
            .await?;
            decisions::record(
                &mut tx,
                &Decision {
                    event: "collective-created",
                    body: "founding-council",
                    reference: format!("collective-created/{slug}"),
                    title_es: format!("Creación del {name_es}"),
                    title_en: format!("Creation of the {name_en}"),
                    data: json!({
                        "collective": {"id": id, "slug": slug, "sector": sector, "name_es": name_es, "name_en": name_en},
                        "grounds": "Modelo de gobernanza de la Red Blockchain México: un colectivo por sector.",
                    }),
                },
            )
            .await?;
        }
        tx.commit().await?;
        state.decisions_pending.notify_one();
    }

    let admins: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM offices WHERE role = 'administrator' AND revoked_at IS NULL AND (ends_on IS NULL OR ends_on >= ?)",
    )
    .bind(Utc::now().date_naive())
    .fetch_one(&state.db)
    .await?;
    if admins > 0 {
        return Ok(None);
    }
    let password = match &state.settings.admin_password {
        Some(p) => p.clone(),
        None => super::secrets::random_password()?,
    };
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE email_normalized = ?")
            .bind(ADMIN_EMAIL)
            .fetch_optional(&state.db)
            .await?;
    let account_id = match existing {
        Some(id) => id,
        None => accounts::create_account(
            state,
            &Registration {
                full_name: "Administración Minga".into(),
                email: ADMIN_EMAIL.into(),
                password: password.clone(),
                password_confirm: password.clone(),
            },
            &actor,
        )
        .await
        .map_err(|e| match e {
            AppError::Invalid(_) => AppError::internal("MINGA_ADMIN_PASSWORD does not meet the password policy (at least the minimum length, not the e-mail)"),
            other => other,
        })?,
    };
    grant_role(state, account_id, Role::Administrator, None, &actor).await?;
    Ok(Some(Credentials {
        email: ADMIN_EMAIL.into(),
        password,
        role: Role::Administrator,
    }))
}

async fn grant_role(
    state: &AppState,
    account_id: i64,
    role: Role,
    collective_id: Option<i64>,
    actor: &Actor,
) -> AppResult<()> {
    let person_id: i64 = sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
        .bind(account_id)
        .fetch_one(&state.db)
        .await?;
    let grant = Grant {
        role,
        collective_id,
        starts_on: Utc::now().date_naive(),
        ends_on: None,
    };
    offices::grant(state, &Admin::operator(), person_id, &grant, "", actor).await?;
    Ok(())
}
