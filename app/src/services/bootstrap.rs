//! First start: the founding collectives and the bootstrap administrator; and the demo network
//! (`minga demo`, loaded on first start of the embedded default) so that no page starts empty.

use super::accounts::{self, Registration};
use super::audit::{self, Actor};
use super::evidence::decisions::{self, Decision};
use super::memberships::{self, Member};
use super::offices;
use crate::db::Ts;
use crate::domain::roles::{Grant, Role};
use crate::error::AppResult;
use crate::{AppError, AppState};
use chrono::{NaiveDate, Utc};
use serde_json::json;

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
        None => accounts::register(
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
    offices::grant(state, person_id, &grant, "", actor).await?;
    Ok(())
}

struct DemoInstitution {
    name: &'static str,
    short: &'static str,
    sector: &'static str,
    kind: &'static str,
    website: &'static str,
    collective: &'static str,
    since: &'static str,
}

const DEMO_INSTITUTIONS: [DemoInstitution; 9] = [
    DemoInstitution {
        name: "Universidad Nacional Autónoma de México",
        short: "UNAM",
        sector: "academic",
        kind: "universidad",
        website: "https://www.unam.mx",
        collective: "academico",
        since: "2019-03-01",
    },
    DemoInstitution {
        name: "Instituto Politécnico Nacional",
        short: "IPN",
        sector: "academic",
        kind: "universidad",
        website: "https://www.ipn.mx",
        collective: "academico",
        since: "2019-06-15",
    },
    DemoInstitution {
        name: "NA-AT Technologies",
        short: "NA-AT",
        sector: "business",
        kind: "empresa",
        website: "https://www.na-at.com.mx",
        collective: "empresarial",
        since: "2019-03-01",
    },
    DemoInstitution {
        name: "Bitso",
        short: "Bitso",
        sector: "business",
        kind: "empresa",
        website: "https://bitso.com",
        collective: "empresarial",
        since: "2020-01-20",
    },
    DemoInstitution {
        name: "Unidad de Gobierno Digital (SFP)",
        short: "UGD",
        sector: "public",
        kind: "dependencia",
        website: "https://www.gob.mx/sfp",
        collective: "sector-publico",
        since: "2019-03-01",
    },
    DemoInstitution {
        name: "Coordinación de Estrategia Digital Nacional",
        short: "CEDN",
        sector: "public",
        kind: "dependencia",
        website: "https://www.gob.mx",
        collective: "sector-publico",
        since: "2019-05-10",
    },
    DemoInstitution {
        name: "Codeando México",
        short: "Codeando",
        sector: "civil_society",
        kind: "asociación civil",
        website: "https://codeandomexico.org",
        collective: "osc",
        since: "2019-03-01",
    },
    DemoInstitution {
        name: "Cívica Digital",
        short: "Cívica",
        sector: "civil_society",
        kind: "asociación civil",
        website: "https://civica.digital",
        collective: "osc",
        since: "2020-09-01",
    },
    DemoInstitution {
        name: "Banco Interamericano de Desarrollo",
        short: "BID",
        sector: "other",
        kind: "organismo internacional",
        website: "https://www.iadb.org",
        collective: "sector-publico",
        since: "2021-02-01",
    },
];

/// One demo person per role (the administrator is the bootstrap account).
const DEMO_PEOPLE: [(&str, &str, Role, Option<&str>, &str); 8] = [
    (
        "Sofía Ramírez",
        "solicitante@minga.example",
        Role::Applicant,
        None,
        "",
    ),
    (
        "Diego Hernández",
        "miembro@minga.example",
        Role::Member,
        Some("academico"),
        "Instituto Politécnico Nacional",
    ),
    (
        "Lucía Torres",
        "proyecto@minga.example",
        Role::ProjectUser,
        None,
        "Cívica Digital",
    ),
    (
        "Mariana López",
        "lider@minga.example",
        Role::CollectiveLeader,
        Some("academico"),
        "Universidad Nacional Autónoma de México",
    ),
    (
        "Ana Martínez",
        "secretaria@minga.example",
        Role::ExecutiveSecretary,
        None,
        "Unidad de Gobierno Digital (SFP)",
    ),
    (
        "Carlos Pérez",
        "comision.proyectos@minga.example",
        Role::ProjectsCommission,
        Some("empresarial"),
        "NA-AT Technologies",
    ),
    (
        "Jorge Castillo",
        "comision.nodos@minga.example",
        Role::NodesCommission,
        Some("sector-publico"),
        "Coordinación de Estrategia Digital Nacional",
    ),
    (
        "Elena Vargas",
        "consultivo@minga.example",
        Role::AdvisoryMember,
        None,
        "Banco Interamericano de Desarrollo",
    ),
];

/// Loads the demo network once (institutions, memberships, one person per role, all with
/// `password`). Returns the demo logins, or nothing when it was already loaded.
pub async fn load_demo(state: &AppState, password: &str) -> AppResult<Vec<Credentials>> {
    let actor = Actor::system("demo");
    let loaded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE email_normalized = ?")
            .bind(DEMO_PEOPLE[0].1)
            .fetch_one(&state.db)
            .await?;
    if loaded > 0 {
        return Ok(Vec::new());
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    for inst in &DEMO_INSTITUTIONS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO institutions (name, short_name, sector, kind, website, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(inst.name)
        .bind(inst.short)
        .bind(inst.sector)
        .bind(inst.kind)
        .bind(inst.website)
        .bind(Ts::now())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &actor,
            "institution.created",
            "institution",
            id,
            None,
            Some(json!({"name": inst.name, "sector": inst.sector})),
        )
        .await?;
        let since =
            NaiveDate::parse_from_str(inst.since, "%Y-%m-%d").map_err(AppError::internal)?;
        let collective_id: i64 = sqlx::query_scalar("SELECT id FROM collectives WHERE slug = ?")
            .bind(inst.collective)
            .fetch_one(&mut *tx)
            .await?;
        memberships::add(
            &mut tx,
            &actor,
            collective_id,
            Member::Institution(id),
            since,
        )
        .await?;
    }
    tx.commit().await?;

    let mut logins = Vec::new();
    for (name, email, role, collective, institution) in DEMO_PEOPLE {
        let registration = Registration {
            full_name: name.into(),
            email: email.into(),
            password: password.into(),
            password_confirm: password.into(),
        };
        let account_id = accounts::register(state, &registration, &actor).await?;
        if !institution.is_empty() {
            sqlx::query("UPDATE people SET institution_id = (SELECT id FROM institutions WHERE name = ?) WHERE id = (SELECT person_id FROM accounts WHERE id = ?)")
                .bind(institution)
                .bind(account_id)
                .execute(&state.db)
                .await?;
        }
        if role.is_granted() && !crate::domain::governance::is_seat(role) {
            let collective_id: Option<i64> = match collective {
                Some(slug) => {
                    sqlx::query_scalar("SELECT id FROM collectives WHERE slug = ?")
                        .bind(slug)
                        .fetch_optional(&state.db)
                        .await?
                }
                None => None,
            };
            grant_role(state, account_id, role, collective_id, &actor).await?;
            if role == Role::Member
                && let Some(cid) = collective_id
            {
                // an individual member, besides the member institutions
                let since = NaiveDate::from_ymd_opt(2021, 1, 15)
                    .ok_or_else(|| AppError::internal("demo date"))?;
                let person_id: i64 =
                    sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
                        .bind(account_id)
                        .fetch_one(&state.db)
                        .await?;
                let mut tx = crate::db::begin_write(&state.db).await?;
                memberships::add(&mut tx, &actor, cid, Member::Person(person_id), since).await?;
                tx.commit().await?;
            }
        }
        logins.push(Credentials {
            email: email.into(),
            password: password.into(),
            role,
        });
    }
    for (name, email, institution, collective) in DEMO_CANDIDATES {
        let account_id = accounts::register(
            state,
            &Registration {
                full_name: name.into(),
                email: email.into(),
                password: password.into(),
                password_confirm: password.into(),
            },
            &actor,
        )
        .await?;
        sqlx::query("UPDATE people SET institution_id = (SELECT id FROM institutions WHERE name = ?) WHERE id = (SELECT person_id FROM accounts WHERE id = ?)")
            .bind(institution)
            .bind(account_id)
            .execute(&state.db)
            .await?;
        let collective_id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM collectives WHERE slug = ?")
                .bind(collective)
                .fetch_optional(&state.db)
                .await?;
        grant_role(state, account_id, Role::Member, collective_id, &actor).await?;
        logins.push(Credentials {
            email: email.into(),
            password: password.into(),
            role: Role::Member,
        });
    }
    load_governance_demo(state, &actor).await?;
    Ok(logins)
}

/// Members with logins who may stand in the calls of the demo (their collectives have a vacant
/// leader seat): (name, e-mail, institution, collective).
const DEMO_CANDIDATES: [(&str, &str, &str, &str); 4] = [
    (
        "Paula Gómez",
        "paula.gomez@minga.example",
        "NA-AT Technologies",
        "empresarial",
    ),
    (
        "Miguel Ángel Ruiz",
        "miguel.ruiz@minga.example",
        "Bitso",
        "empresarial",
    ),
    (
        "Tomás Aguilar",
        "tomas.aguilar@minga.example",
        "Cívica Digital",
        "osc",
    ),
    (
        "Isabel Navarro",
        "isabel.navarro@minga.example",
        "Codeando México",
        "osc",
    ),
];

/// A seat of the demo: (person, e-mail, institution, profile, role, collective, days since the
/// term started). The five people of `DEMO_PEOPLE` who hold seats are named again here.
type DemoSeat = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Role,
    Option<&'static str>,
    u64,
);

const DEMO_SEATS: [DemoSeat; 18] = [
    (
        "Mariana López",
        "lider@minga.example",
        "Universidad Nacional Autónoma de México",
        "",
        Role::CollectiveLeader,
        Some("academico"),
        330,
    ),
    (
        "Rosa Jiménez",
        "rosa.jimenez@minga.example",
        "Instituto Politécnico Nacional",
        "",
        Role::CollectiveLeader,
        Some("academico"),
        120,
    ),
    (
        "Andrés Soto",
        "andres.soto@minga.example",
        "Bitso",
        "",
        Role::CollectiveLeader,
        Some("empresarial"),
        200,
    ),
    (
        "Laura Mendoza",
        "laura.mendoza@minga.example",
        "Unidad de Gobierno Digital (SFP)",
        "",
        Role::CollectiveLeader,
        Some("sector-publico"),
        90,
    ),
    (
        "Ricardo Flores",
        "ricardo.flores@minga.example",
        "Coordinación de Estrategia Digital Nacional",
        "",
        Role::CollectiveLeader,
        Some("sector-publico"),
        340,
    ),
    (
        "Fernanda Ortiz",
        "fernanda.ortiz@minga.example",
        "Codeando México",
        "",
        Role::CollectiveLeader,
        Some("osc"),
        150,
    ),
    (
        "Ana Martínez",
        "secretaria@minga.example",
        "Unidad de Gobierno Digital (SFP)",
        "",
        Role::ExecutiveSecretary,
        None,
        200,
    ),
    (
        "Gabriela Ríos",
        "gabriela.rios@minga.example",
        "Universidad Nacional Autónoma de México",
        "business",
        Role::ProjectsCommission,
        Some("academico"),
        200,
    ),
    (
        "Carlos Pérez",
        "comision.proyectos@minga.example",
        "NA-AT Technologies",
        "business",
        Role::ProjectsCommission,
        Some("empresarial"),
        200,
    ),
    (
        "Patricia Luna",
        "patricia.luna@minga.example",
        "Unidad de Gobierno Digital (SFP)",
        "business",
        Role::ProjectsCommission,
        Some("sector-publico"),
        200,
    ),
    (
        "Valeria Campos",
        "valeria.campos@minga.example",
        "Cívica Digital",
        "business",
        Role::ProjectsCommission,
        Some("osc"),
        200,
    ),
    (
        "Héctor Morales",
        "hector.morales@minga.example",
        "Instituto Politécnico Nacional",
        "technical",
        Role::NodesCommission,
        Some("academico"),
        200,
    ),
    (
        "Sergio Vega",
        "sergio.vega@minga.example",
        "Bitso",
        "technical",
        Role::NodesCommission,
        Some("empresarial"),
        200,
    ),
    (
        "Jorge Castillo",
        "comision.nodos@minga.example",
        "Coordinación de Estrategia Digital Nacional",
        "technical",
        Role::NodesCommission,
        Some("sector-publico"),
        200,
    ),
    (
        "Daniela Cruz",
        "daniela.cruz@minga.example",
        "Codeando México",
        "technical",
        Role::NodesCommission,
        Some("osc"),
        200,
    ),
    (
        "Elena Vargas",
        "consultivo@minga.example",
        "Banco Interamericano de Desarrollo",
        "",
        Role::AdvisoryMember,
        None,
        400,
    ),
    (
        "Roberto Sánchez",
        "roberto.sanchez@minga.example",
        "Universidad Nacional Autónoma de México",
        "",
        Role::AdvisoryMember,
        None,
        400,
    ),
    (
        "Carmen Díaz",
        "carmen.diaz@minga.example",
        "Cívica Digital",
        "",
        Role::AdvisoryMember,
        None,
        100,
    ),
];

/// The governance bodies of the demo, each seat appointed through the seat rules with the
/// decision that made it (so that `/collectives`, `/councils` and `/decisions` are never empty),
/// an open call, and an open renewal vote for a leader whose term ends soon.
async fn load_governance_demo(state: &AppState, actor: &Actor) -> AppResult<()> {
    use super::seats::{self, Appoint};
    let today = Utc::now().date_naive();
    let mut tx = crate::db::begin_write(&state.db).await?;
    for (name, email, institution, profile, role, collective, days) in DEMO_SEATS {
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE email = ?")
            .bind(email)
            .fetch_optional(&mut *tx)
            .await?;
        let person_id = match existing {
            Some(id) => id,
            None => sqlx::query_scalar(
                "INSERT INTO people (full_name, email, created_at) VALUES (?, ?, ?) RETURNING id",
            )
            .bind(name)
            .bind(email)
            .bind(Ts::now())
            .fetch_one(&mut *tx)
            .await?,
        };
        sqlx::query("UPDATE people SET institution_id = (SELECT id FROM institutions WHERE name = ?), profile = ? WHERE id = ?")
            .bind(institution)
            .bind(profile)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        let collective_id: Option<i64> = match collective {
            Some(slug) => {
                sqlx::query_scalar("SELECT id FROM collectives WHERE slug = ?")
                    .bind(slug)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => None,
        };
        let starts_on = today - chrono::Days::new(days);
        let (event, body, grounds) = match role {
            Role::CollectiveLeader => (
                "leader-elected",
                "executive-council",
                json!({"call": "convocatoria de liderazgos (datos de demostración)"}),
            ),
            Role::AdvisoryMember => (
                "advisory-admitted",
                "executive-council",
                json!({"application": "solicitud con carta y CV (datos de demostración)"}),
            ),
            _ => (
                "council-designated",
                "advisory-council",
                json!({"nomination": "propuesta de los liderazgos de colectivo (datos de demostración)"}),
            ),
        };
        seats::appoint(
            &mut tx,
            &state.settings.governance,
            &Appoint {
                person_id,
                role,
                collective_id,
                starts_on,
                ends_on: None,
                renews: None,
                event,
                body,
                grounds,
                note: "demo".into(),
            },
            actor,
        )
        .await?;
    }
    tx.commit().await?;
    state.decisions_pending.notify_one();

    // a call for the public sector's leader whose term ends soon, and the renewal vote of the
    // academic leader whose term ends soon
    let collective: i64 =
        sqlx::query_scalar("SELECT id FROM collectives WHERE slug = 'sector-publico'")
            .fetch_one(&state.db)
            .await?;
    let ricardo_ends: Option<chrono::NaiveDate> = sqlx::query_scalar(
        "SELECT o.ends_on FROM offices o JOIN people p ON p.id = o.person_id WHERE p.email = 'ricardo.flores@minga.example' AND o.role = 'collective_leader'",
    )
    .fetch_one(&state.db)
    .await?;
    let term_start = ricardo_ends
        .and_then(|d| d.succ_opt())
        .unwrap_or(today + chrono::Days::new(30));
    super::calls::open(
        state,
        &super::calls::CallForm {
            collective_id: collective.to_string(),
            seats: "1".into(),
            closes_on: (today + chrono::Days::new(15)).min(term_start).to_string(),
            term_starts_on: term_start.to_string(),
            description_es: "Se busca un liderazgo para el Colectivo del Sector Público al concluir el periodo vigente.".into(),
            description_en: "A leader is sought for the Public Sector Collective when the current term ends.".into(),
        },
        actor,
    )
    .await?;
    let mariana: i64 = sqlx::query_scalar(
        "SELECT o.id FROM offices o JOIN people p ON p.id = o.person_id WHERE p.email = 'lider@minga.example' AND o.role = 'collective_leader'",
    )
    .fetch_one(&state.db)
    .await?;
    super::votes::open_renewal(
        state,
        mariana,
        &(today + chrono::Days::new(10)).to_string(),
        actor,
    )
    .await?;

    past_meeting_demo(state, actor).await?;

    // the next ordinary meeting of the Executive Council, convened with its agenda
    let meeting = super::meetings::create(
        state,
        &super::meetings::MeetingForm {
            body: "executive-council".into(),
            kind: "ordinary".into(),
            title_es: "Sesión ordinaria del Consejo Ejecutivo".into(),
            title_en: "Ordinary meeting of the Executive Council".into(),
            date: (today + chrono::Days::new(30)).to_string(),
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
    for (title, presenter, motion) in [
        ("Lista de asistencia y quórum", "Secretaría Ejecutiva", ""),
        (
            "Aprobación del acta de la sesión anterior",
            "Secretaría Ejecutiva",
            "Aprobar el acta de la sesión anterior",
        ),
        ("Informe de la comisión de nodos", "Jorge Castillo", ""),
        (
            "Propuesta de proyecto: trazabilidad de compras públicas",
            "Carlos Pérez",
            "Admitir el proyecto en fase de prueba de concepto",
        ),
    ] {
        super::meetings::add_item(state, meeting, title, presenter, motion, actor).await?;
    }
    super::meetings::convene(state, meeting, actor).await?;
    Ok(())
}

/// The last ordinary meeting of the Executive Council, three weeks ago: convened in time (its
/// history is written directly: the notice period cannot be met for a past day), held with
/// quorum, a motion voted, and its minutes drafted, circulated, approved by the body's rule and
/// registered (evidence `governance.minutes-approved`), with two agreements, one overdue.
async fn past_meeting_demo(state: &AppState, actor: &Actor) -> AppResult<()> {
    use super::meetings;
    let today = Utc::now().date_naive();
    let held_on = today - chrono::Days::new(21);
    let id = meetings::create(
        state,
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
        let item = meetings::add_item(state, id, title, presenter, motion, actor).await?;
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
        meetings::record_presence(state, id, s.person_id, presence, "", actor).await?;
        if presence != "absent" {
            present.push((s.person_id, "yes".to_string()));
        }
    }
    meetings::open_session(state, id, actor).await?;
    // opened on the meeting's day, five minutes after its start
    sqlx::query("UPDATE meetings SET opened_at = ? WHERE id = ?")
        .bind(Ts(m.starts_at.0 + chrono::Duration::minutes(5)))
        .bind(id)
        .execute(&state.db)
        .await?;
    let vote = meetings::open_vote(state, id, vote_item, actor).await?;
    meetings::record_votes(state, id, vote, &present, actor).await?;
    let body = "Consejo Ejecutivo";
    let mut text = super::minutes::draft_for(state, &m, crate::i18n::Lang::Es, body).await?;
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
    super::minutes::save(state, id, &text, actor).await?;
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
        super::minutes::add_agreement(
            state,
            id,
            &super::minutes::AgreementForm {
                agreement: what.into(),
                owner: owner(email).await?.to_string(),
                due_on: due.to_string(),
            },
            actor,
        )
        .await?;
    }
    super::minutes::circulate(state, id, actor).await?;
    // circulated the day after the meeting: the comment period has passed without objection
    sqlx::query("UPDATE minutes SET circulated_at = ? WHERE meeting_id = ?")
        .bind(Ts((held_on + chrono::Days::new(1))
            .and_hms_opt(18, 0, 0)
            .ok_or_else(|| AppError::internal("demo date"))?
            .and_utc()))
        .bind(id)
        .execute(&state.db)
        .await?;
    if tokio::fs::try_exists(&state.settings.report_font)
        .await
        .unwrap_or(false)
    {
        super::minutes::approve(state, id, actor).await?;
    } else {
        tracing::warn!(font = %state.settings.report_font.display(),
            "the PDF font is missing (MINGA_REPORT_FONT): the demo minutes stay circulated, not approved");
    }
    Ok(())
}
