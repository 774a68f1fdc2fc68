//! The demo network: institutions, people with one account per role, memberships, collectives' leaders and councils' seats, a call, a renewal vote and meetings.

#[allow(unused_imports)]
use super::*;

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
        let account_id = accounts::create_account(state, &registration, &actor).await?;
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
        let account_id = accounts::create_account(
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
    logins.extend(super::nodes::commission_logins(state, password, &actor).await?);
    // last: every demo account (the commission seats' logins too) accepts the code in force
    ethics_demo(state, &actor).await?;
    consultation_demo(state, &actor).await?;
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
    // the demo's history is written as the Executive Secretary would have, on the portal's own
    // authority
    let council = crate::services::authority::Convener::operator(
        crate::domain::meetings::Body::ExecutiveCouncil,
    );
    use crate::services::seats::{self, Appoint};
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
    crate::services::calls::open(
        state,
        &crate::services::authority::CallOpener::operator(),
        &crate::services::calls::CallForm {
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
    let (mariana, mariana_collective): (i64, i64) = sqlx::query_as(
        "SELECT o.id, o.collective_id FROM offices o JOIN people p ON p.id = o.person_id WHERE p.email = 'lider@minga.example' AND o.role = 'collective_leader'",
    )
    .fetch_one(&state.db)
    .await?;
    crate::services::votes::open_renewal(
        state,
        &crate::services::authority::Steward::operator(mariana_collective),
        mariana,
        &(today + chrono::Days::new(10)).to_string(),
        actor,
    )
    .await?;

    past_meeting_demo(state, actor).await?;

    // the next ordinary meeting of the Executive Council, convened with its agenda
    let meeting = crate::services::meetings::create(
        state,
        &council,
        &crate::services::meetings::MeetingForm {
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
    ] {
        crate::services::meetings::add_item(
            state, &council, meeting, title, presenter, motion, actor,
        )
        .await?;
    }
    // the projects: one of them scored by the commission goes on this meeting's agenda
    projects_demo(state, &council, meeting, actor).await?;
    crate::services::meetings::convene(state, &council, meeting, actor).await?;
    nodes_demo(state, actor).await?;
    date_as_it_happened(state).await?;
    reporting_demo(state, actor).await
}
