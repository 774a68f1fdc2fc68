//! The demo's projects: a call for projects open now, with two applications (one waiting for the
//! public sector's leaders, one scored by the whole projects commission and on the agenda of the
//! next Council meeting); and the projects the network ran before the portal took it over, each
//! admitted then (dated as it happened): one in each phase — a proof of concept past its end and
//! so stalled, a prototype, an MVP, one in production — and one closed with its lessons learned,
//! every one with a history of metric values so that the charts are not empty.

#[allow(unused_imports)]
use super::*;
use crate::domain::projects::{Phase, ProjectStatus, ProjectStep};
use crate::services::authority::{Convener, ProjectCaller, ProjectEvaluator, Signed, Steward};
use crate::services::projects::review::{self, Taken};
use crate::services::projects::{self, ApplicationForm, calls};

/// A signed commitment as a small valid PDF (one empty page).
const COMMITMENT: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

struct Demo {
    title: &'static str,
    collective: &'static str,
    entity: &'static str,
    head: &'static str,
    problem: &'static str,
    value: &'static str,
    metric: (&'static str, &'static str, f64, &'static str),
}

const DEMOS: [Demo; 8] = [
    Demo {
        title: "Trazabilidad de compras públicas",
        collective: "sector-publico",
        entity: "Secretaría de Finanzas del Estado de Oaxaca",
        head: "Mtra. Elena Vásquez, Secretaria de Finanzas",
        problem: "Las órdenes de compra y sus cotizaciones se pueden alterar después de emitidas sin que nadie lo note.",
        value: "Cada orden de compra lleva un código QR con el que cualquier persona comprueba que no cambió.",
        metric: (
            "Órdenes de compra registradas en la red",
            "%",
            0.0,
            "Evidencias registradas por día frente a órdenes emitidas en el sistema de compras",
        ),
    },
    Demo {
        title: "Bitácora de obra pública",
        collective: "sector-publico",
        entity: "Alcaldía de Tlalpan",
        head: "Lic. Ramón Ortega, Alcalde",
        problem: "Las bitácoras de obra se llenan en papel y se reescriben al cierre.",
        value: "Cada asiento de bitácora queda fechado y verificable por la ciudadanía.",
        metric: (
            "Asientos de bitácora registrados",
            "asientos/mes",
            0.0,
            "Evidencias del tipo bitácora por mes",
        ),
    },
    Demo {
        title: "Constancias académicas verificables",
        collective: "academico",
        entity: "Universidad Nacional Autónoma de México",
        head: "",
        problem: "Verificar una constancia de estudios tarda semanas y se falsifican.",
        value: "Un empleador verifica una constancia en segundos, sin llamar a la universidad.",
        metric: (
            "Constancias emitidas con código QR",
            "constancias/mes",
            0.0,
            "Evidencias del tipo constancia por mes",
        ),
    },
    Demo {
        title: "Padrón de proveedores en cadena",
        collective: "empresarial",
        entity: "NA-AT Technologies",
        head: "",
        problem: "Cada dependencia lleva su propio padrón de proveedores y no coinciden.",
        value: "Un padrón único, verificable, que cualquier dependencia consulta.",
        metric: (
            "Dependencias que consultan el padrón",
            "dependencias",
            2.0,
            "Claves de API activas de dependencias",
        ),
    },
    Demo {
        title: "Registro de títulos profesionales",
        collective: "academico",
        entity: "Instituto Politécnico Nacional",
        head: "",
        problem: "El registro de un título profesional tarda meses y exige copias certificadas.",
        value: "El título se registra al expedirse y se verifica en línea.",
        metric: (
            "Días para registrar un título",
            "días",
            90.0,
            "Mediana entre expedición y registro",
        ),
    },
    Demo {
        title: "Datos abiertos de presupuesto ciudadano",
        collective: "sector-publico",
        entity: "Unidad de Gobierno Digital (SFP)",
        head: "Mtro. Luis Andrade, Titular de la Unidad",
        problem: "Los cortes del presupuesto publicados cambian sin aviso.",
        value: "Cada corte publicado queda sellado en la red y se compara con el siguiente.",
        metric: (
            "Cortes de presupuesto sellados",
            "%",
            0.0,
            "Cortes publicados con evidencia frente a cortes publicados",
        ),
    },
    Demo {
        title: "Registro de donativos a organizaciones civiles",
        collective: "osc",
        entity: "Codeando México",
        head: "",
        problem: "Los donantes no pueden comprobar a qué se destinó su donativo.",
        value: "Cada donativo y su destino quedan registrados y verificables.",
        metric: (
            "Donativos registrados",
            "%",
            0.0,
            "Donativos con evidencia frente a donativos recibidos",
        ),
    },
    Demo {
        title: "Repositorio abierto de tesis",
        collective: "academico",
        entity: "Dirección General de Bibliotecas (UNAM)",
        head: "",
        problem: "Las tesis digitalizadas se sustituyen sin registro de la versión aprobada.",
        value: "Cada tesis aprobada queda sellada y cualquiera comprueba su versión.",
        metric: (
            "Tesis selladas",
            "tesis/mes",
            0.0,
            "Evidencias del tipo tesis por mes",
        ),
    },
];

fn form_of(
    d: &Demo,
    collective_id: i64,
    call: Option<i64>,
    plan: &[(Phase, i64, i64, f64)],
    today: NaiveDate,
) -> ApplicationForm {
    let mut fields = std::collections::BTreeMap::new();
    for (phase, from, to, target) in plan {
        let key = phase.as_str();
        fields.insert(format!("phase_{key}_on"), "on".to_string());
        fields.insert(
            format!("phase_{key}_starts_on"),
            (today + chrono::Duration::days(*from)).to_string(),
        );
        fields.insert(
            format!("phase_{key}_ends_on"),
            (today + chrono::Duration::days(*to)).to_string(),
        );
        fields.insert(
            format!("phase_{key}_deliverables"),
            match phase {
                Phase::ProofOfConcept => "Un piloto en una sola unidad, con sus usuarios reales.",
                Phase::Prototype => "El prototipo integrado con el sistema de origen.",
                Phase::Mvp => "El servicio en todas las unidades, con su manual de operación.",
                Phase::Production => "Operación continua, con soporte y métricas públicas.",
            }
            .to_string(),
        );
        fields.insert(format!("metric0_target_{key}"), target.to_string());
    }
    fields.insert("metric0_name".into(), d.metric.0.into());
    fields.insert("metric0_unit".into(), d.metric.1.into());
    fields.insert("metric0_baseline".into(), d.metric.2.to_string());
    fields.insert("metric0_method".into(), d.metric.3.into());
    ApplicationForm {
        call: call.map(|c| c.to_string()).unwrap_or_default(),
        collective: collective_id.to_string(),
        on_behalf: "other".into(),
        entity_name: d.entity.into(),
        public_body: if d.head.is_empty() {
            String::new()
        } else {
            "on".into()
        },
        commitment_head: d.head.into(),
        title: d.title.into(),
        problem: d.problem.into(),
        public_value: d.value.into(),
        beneficiaries: "La entidad, sus usuarios y la ciudadanía que consulta sus registros."
            .into(),
        licence: "Apache-2.0".into(),
        repository: format!(
            "https://git.minga.example/proyectos/{}",
            d.title.to_lowercase().replace(' ', "-")
        ),
        open_data: "Publica cada día sus registros como datos abiertos (CSV y JSON).".into(),
        team: "Un equipo de tres personas de la entidad, con el acompañamiento de la red.".into(),
        partner: String::new(),
        requested_nodes: "1".into(),
        requested_capital: "5000000".into(),
        requested_support: "Acompañamiento técnico para integrar el sistema de origen.".into(),
        plan: fields,
    }
}

pub(super) async fn projects_demo(
    state: &AppState,
    council: &Convener,
    meeting: i64,
    actor: &Actor,
) -> AppResult<()> {
    let today = Utc::now().date_naive();
    let (applicant_account, applicant): (i64, i64) = sqlx::query_as(
        "SELECT a.id, a.person_id FROM accounts a JOIN people p ON p.id = a.person_id WHERE p.email = 'proyecto@minga.example'",
    )
    .fetch_one(&state.db)
    .await?;
    let who = Signed::operator(applicant_account, applicant);
    let collective = |slug: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM collectives WHERE slug = ?")
            .bind(slug)
            .fetch_one(&state.db)
            .await
    };
    // the call, opened twenty days ago
    let mut weights = std::collections::BTreeMap::new();
    for (k, w) in [
        ("social_benefit", "3"),
        ("open_data", "2"),
        ("open_source", "2"),
        ("testing", "1"),
        ("research", "1"),
        ("impact", "1"),
    ] {
        weights.insert(format!("weight_{k}"), w.to_string());
    }
    let call = calls::open(
        state,
        &ProjectCaller::operator(),
        &calls::CallForm {
            title_es: "Convocatoria 2026: transparencia y combate a la corrupción".into(),
            title_en: "2026 call: transparency and the fight against corruption".into(),
            description: "Proyectos de entidades públicas que hagan verificables sus compras, obras y trámites. Se prioriza el beneficio social y los datos abiertos.".into(),
            opens_on: (today - chrono::Days::new(20)).to_string(),
            closes_on: (today + chrono::Days::new(40)).to_string(),
            eligibility: "public_entities".into(),
            documents: "Carta de intención y compromiso firmado por el titular de la entidad (PDF).".into(),
            weights,
        },
        actor,
    )
    .await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    dating::redate(
        &mut tx,
        &format!("project-call/{call}"),
        None,
        Utc::now() - chrono::Duration::days(21),
        |_| {},
    )
    .await?;
    tx.commit().await?;
    let seats: Vec<i64> = {
        let mut conn = state.db.acquire().await?;
        review::commission(&mut conn)
            .await?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect()
    };

    // in the call: one scored and on the next meeting's agenda, one with the leaders
    let publico = collective(DEMOS[0].collective).await?;
    let plan = [
        (Phase::ProofOfConcept, 60, 180, 30.0),
        (Phase::Mvp, 181, 420, 100.0),
    ];
    let on_agenda = projects::apply(
        state,
        &who,
        &form_of(&DEMOS[0], publico, Some(call), &plan, today),
        Some(("compromiso.pdf", COMMITMENT)),
        actor,
    )
    .await?;
    review::select(state, &Steward::operator(publico), on_agenda, actor).await?;
    for (n, seat) in seats.iter().enumerate() {
        let mut scores = std::collections::BTreeMap::new();
        for (k, s) in [
            ("social_benefit", 5),
            ("open_source", 4),
            ("open_data", 4),
            ("testing", 3),
            ("research", 2),
            ("impact", 3),
        ] {
            scores.insert(format!("score_{k}"), (s - (n as i64 % 2)).to_string());
            scores.insert(
                format!("why_{k}"),
                "Justificado en la solicitud y su plan.".to_string(),
            );
        }
        review::score(
            state,
            &ProjectEvaluator::operator_for(*seat),
            on_agenda,
            &scores,
            actor,
        )
        .await?;
    }
    review::put_on_agenda(state, council, on_agenda, meeting, actor).await?;
    projects::apply(
        state,
        &who,
        &form_of(&DEMOS[1], publico, Some(call), &plan, today),
        Some(("compromiso.pdf", COMMITMENT)),
        actor,
    )
    .await?;
    // outside any call: one with the academic collective's leaders
    let academico = collective(DEMOS[7].collective).await?;
    projects::apply(
        state,
        &who,
        &form_of(&DEMOS[7], academico, None, &plan, today),
        None,
        actor,
    )
    .await?;

    // run before the portal: (demo, admitted days ago, plan as (phase, from, to, target) in days
    // from today, phases decided (phase, days ago), values every `every` days)
    type Run = (
        usize,
        i64,
        &'static [(Phase, i64, i64, f64)],
        &'static [(Phase, i64)],
    );
    const RUNS: [Run; 4] = [
        (
            2,
            150,
            &[
                (Phase::ProofOfConcept, -150, -10, 200.0),
                (Phase::Mvp, -9, 200, 2000.0),
            ],
            &[],
        ),
        (
            3,
            300,
            &[
                (Phase::ProofOfConcept, -300, -200, 3.0),
                (Phase::Prototype, -199, 60, 8.0),
                (Phase::Production, 61, 400, 20.0),
            ],
            &[(Phase::Prototype, 195)],
        ),
        (
            4,
            420,
            &[
                (Phase::ProofOfConcept, -420, -300, 60.0),
                (Phase::Prototype, -299, -160, 30.0),
                (Phase::Mvp, -159, 120, 10.0),
            ],
            &[(Phase::Prototype, 295), (Phase::Mvp, 155)],
        ),
        (
            5,
            500,
            &[
                (Phase::ProofOfConcept, -500, -380, 20.0),
                (Phase::Mvp, -379, -200, 80.0),
                (Phase::Production, -199, 300, 100.0),
            ],
            &[(Phase::Mvp, 375), (Phase::Production, 195)],
        ),
    ];
    for (demo, admitted_ago, plan, phases) in RUNS {
        let d = &DEMOS[demo];
        let c = collective(d.collective).await?;
        let commitment = (!d.head.is_empty()).then_some(("compromiso.pdf", COMMITMENT));
        let id = projects::apply(
            state,
            &who,
            &form_of(d, c, None, plan, today),
            commitment,
            actor,
        )
        .await?;
        ran_before(state, id, admitted_ago, phases, actor).await?;
        values(state, id, d.metric.2, plan, admitted_ago, demo == 2, actor).await?;
    }
    // one closed, as finished, with its lessons learned and a guide for the next entity
    let d = &DEMOS[6];
    let osc = collective(d.collective).await?;
    let plan: &[(Phase, i64, i64, f64)] = &[
        (Phase::ProofOfConcept, -540, -420, 30.0),
        (Phase::Mvp, -419, -60, 100.0),
    ];
    let closed = projects::apply(
        state,
        &who,
        &form_of(d, osc, None, plan, today),
        None,
        actor,
    )
    .await?;
    ran_before(state, closed, 540, &[(Phase::Mvp, 415)], actor).await?;
    values(state, closed, 0.0, plan, 540, false, actor).await?;
    crate::services::projects::running::close(
        state,
        &crate::services::authority::CouncilSecretary::operator(),
        closed,
        &crate::services::projects::running::CloseForm {
            closing: "finished".into(),
            reason: String::new(),
            lessons: "Conviene empezar con una sola organización y un solo tipo de donativo.\nEl compromiso firmado de la dirección sostuvo el proyecto cuando cambió el equipo.\nLas métricas fijadas al inicio permitieron medir el cierre sin discusión.".into(),
            guide: "1. Firme el compromiso con el titular de la entidad.\n2. Elija un solo proceso y mida su línea base.\n3. Integre el sistema de origen con la API de evidencias.\n4. Publique los datos abiertos desde el primer mes.\n5. Informe cada dos meses a los líderes del colectivo.".into(),
        },
        actor,
    )
    .await?;
    redate_last(
        state,
        closed,
        "close",
        Utc::now() - chrono::Duration::days(30),
    )
    .await?;
    // the stalled flags as of today (the calendar worker keeps them up to date)
    crate::services::projects::running::check_stalled(state, today).await?;
    Ok(())
}

/// A project the network ran before the portal: selected, put to the Council and admitted
/// `admitted_ago` days ago, its phase changes decided since — each step and decision dated then.
async fn ran_before(
    state: &AppState,
    id: i64,
    admitted_ago: i64,
    phases: &[(Phase, i64)],
    actor: &Actor,
) -> AppResult<()> {
    let now = Utc::now();
    let p = projects::get(&state.db, id).await?;
    let admitted_at = now - chrono::Duration::days(admitted_ago);
    let submitted = Ts(admitted_at - chrono::Duration::days(60));
    sqlx::query("UPDATE projects SET submitted_at = ?1 WHERE id = ?2")
        .bind(submitted)
        .bind(id)
        .execute(&state.db)
        .await?;
    sqlx::query("UPDATE project_steps SET at = ?1 WHERE project_id = ?2 AND step = 'submit'")
        .bind(submitted)
        .bind(id)
        .execute(&state.db)
        .await?;
    review::select(state, &Steward::operator(p.collective_id), id, actor).await?;
    redate_last(
        state,
        id,
        "select",
        admitted_at - chrono::Duration::days(40),
    )
    .await?;
    let plan = p.plan();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let (from, to) = review::step_status(&mut tx, id, ProjectStep::PutToVote).await?;
    review::record_step(
        &mut tx,
        id,
        "put_to_vote",
        from,
        to,
        None,
        "",
        &serde_json::json!({"before_the_portal": true}),
        actor,
    )
    .await?;
    let (from, to) = review::step_status(&mut tx, id, ProjectStep::Admit).await?;
    let first = plan.first_phase().map(|f| f.as_str());
    sqlx::query("UPDATE projects SET phase = ?, admitted_at = ? WHERE id = ?")
        .bind(first)
        .bind(Ts(admitted_at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    review::after_step(
        &mut tx,
        state,
        Taken {
            project: &p,
            step: ProjectStep::Admit,
            from,
            to,
            phase: first,
            reason: "",
            detail: serde_json::json!({"before_the_portal": "admitted by the Executive Council before the portal kept the network's records", "plan": plan}),
        },
        actor,
    )
    .await?;
    tx.commit().await?;
    redate_last(
        state,
        id,
        "put_to_vote",
        admitted_at - chrono::Duration::days(14),
    )
    .await?;
    redate_last(state, id, "admit", admitted_at).await?;
    for (phase, ago) in phases {
        let mut tx = crate::db::begin_write(&state.db).await?;
        let p = projects::get(&mut *tx, id).await?;
        let (from, to) = review::step_status(&mut tx, id, ProjectStep::ChangePhase).await?;
        sqlx::query("UPDATE projects SET phase = ? WHERE id = ?")
            .bind(phase.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        review::after_step(
            &mut tx,
            state,
            Taken {
                project: &p,
                step: ProjectStep::ChangePhase,
                from,
                to,
                phase: Some(phase.as_str()),
                reason: "",
                detail: serde_json::json!({"approved": true, "from_phase": p.phase, "to_phase": phase.as_str(),
                    "delivered": "Lo comprometido en el plan para la fase.", "recommendation": "La comisión de proyectos recomienda el cambio."}),
            },
            actor,
        )
        .await?;
        tx.commit().await?;
        redate_last(
            state,
            id,
            "change_phase",
            now - chrono::Duration::days(*ago),
        )
        .await?;
    }
    debug_assert_eq!(
        projects::get(&state.db, id).await?.status(),
        ProjectStatus::Admitted
    );
    Ok(())
}

/// Dates the project's latest step of kind `step` (and its decision) at `at`.
async fn redate_last(
    state: &AppState,
    id: i64,
    step: &str,
    at: chrono::DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let step_id: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM project_steps WHERE project_id = ? AND step = ?")
            .bind(id)
            .bind(step)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE project_steps SET at = ? WHERE id = ?")
        .bind(Ts(at))
        .bind(step_id)
        .execute(&mut *tx)
        .await?;
    if step == "close" {
        sqlx::query("UPDATE projects SET closed_at = ? WHERE id = ?")
            .bind(Ts(at))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    dating::redate(
        &mut tx,
        &format!("project-step/{step_id}"),
        None,
        at,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A metric value every 30 days since admission, moving from the baseline toward each phase's
/// target; `quiet` stops them 75 days ago (a project that stopped reporting).
async fn values(
    state: &AppState,
    id: i64,
    baseline: f64,
    plan: &[(Phase, i64, i64, f64)],
    admitted_ago: i64,
    quiet: bool,
    actor: &Actor,
) -> AppResult<()> {
    let today = Utc::now().date_naive();
    let last = plan.last().map_or(0, |p| p.2).min(0);
    let mut ago = admitted_ago - 15;
    let mut tx = crate::db::begin_write(&state.db).await?;
    while ago > -last && ago > 0 && !(quiet && ago < 75) {
        let day = -ago;
        // from the previous phase's target (the baseline for the first) toward this one's
        let at = plan
            .iter()
            .position(|(_, from, to, _)| *from <= day && day <= *to);
        let (start, end, target) = at.map_or((day, day + 1, baseline), |i| {
            (plan[i].1, plan[i].2, plan[i].3)
        });
        let from = at
            .and_then(|i| i.checked_sub(1))
            .map_or(baseline, |i| plan[i].3);
        let share = (day - start) as f64 / (end - start).max(1) as f64;
        let value = (from + (target - from) * share * 0.9).round();
        sqlx::query(
            "INSERT INTO project_metric_values (project_id, metric, measured_on, value, note, account_id, source, recorded_at)
             VALUES (?, 0, ?, ?, '', ?, 'portal', ?)",
        )
        .bind(id)
        .bind(today - chrono::Duration::days(ago))
        .bind(value)
        .bind(actor.account_id)
        .bind(Ts(Utc::now() - chrono::Duration::days(ago)))
        .execute(&mut *tx)
        .await?;
        ago -= 30;
    }
    tx.commit().await?;
    Ok(())
}
