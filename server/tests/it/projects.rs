//! Projects over HTTP: a citizen applies (refused with every problem named and what was typed
//! kept), the collective's leader selects it, each projects-commission seat scores every
//! criterion with a justification (the weighted score computed), the Executive Secretary puts it
//! on a Council meeting's agenda, the plenary votes with an absent member's "projects"
//! delegation counted, and the motions worker admits it with the plan as the admission evidence's
//! data; then a metric value and a phase change (proposed, recommended, decided). A project past
//! its phase's end is flagged stalled and the commission gets one mail through a real SMTP server.

use crate::anchors::free_port;
use crate::mail::{SmtpServer, mailer};
use crate::meetings::{fields, meeting_form};
use crate::support::*;
use app::domain::roles::Role;
use chrono::{Days, Utc};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

pub(crate) fn application(
    title: &str,
    poc_end: &str,
    mvp_start: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("collective", "1".into()),
        ("on_behalf", "other".into()),
        ("entity_name", "Alcaldía de San Andrés".into()),
        ("public_body", "on".into()),
        ("commitment_head", "Alcaldesa María Pérez".into()),
        ("title", title.into()),
        (
            "problem",
            "Las órdenes de compra se alteran\nsin dejar rastro.".into(),
        ),
        (
            "public_value",
            "Cualquiera verifica una orden con un código QR.".into(),
        ),
        (
            "beneficiaries",
            "La alcaldía y sus 80 000 habitantes.".into(),
        ),
        ("licence", "Apache-2.0".into()),
        ("repository", "https://git.example/alcaldia/compras".into()),
        ("open_data", "Órdenes de compra publicadas cada día.".into()),
        ("team", "Dos desarrolladores y una analista.".into()),
        ("requested_nodes", "1".into()),
        ("requested_capital", "5000".into()),
        ("phase_proof_of_concept_on", "on".into()),
        ("phase_proof_of_concept_starts_on", "2026-01-05".into()),
        ("phase_proof_of_concept_ends_on", poc_end.into()),
        (
            "phase_proof_of_concept_deliverables",
            "Una dependencia registra sus órdenes.".into(),
        ),
        ("phase_mvp_on", "on".into()),
        ("phase_mvp_starts_on", mvp_start.into()),
        ("phase_mvp_ends_on", "2028-06-30".into()),
        ("phase_mvp_deliverables", "Todas las dependencias.".into()),
        ("metric0_name", "Órdenes registradas".into()),
        ("metric0_unit", "%".into()),
        ("metric0_baseline", "0".into()),
        ("metric0_target_proof_of_concept", "20".into()),
        ("metric0_target_mvp", "100".into()),
        (
            "metric0_method",
            "Evidencias por día frente a órdenes emitidas".into(),
        ),
    ]
}

pub(crate) async fn post_application(
    b: &Browser,
    fields: &[(&'static str, String)],
    commitment: Option<&[u8]>,
) -> reqwest::Response {
    let token = b.csrf("/projects/new").await;
    let mut form = Form::new().text("_csrf", token);
    for (k, v) in fields {
        form = form.text(*k, v.clone());
    }
    let file = Part::bytes(commitment.unwrap_or_default().to_vec())
        .file_name(if commitment.is_some() {
            "compromiso.pdf"
        } else {
            ""
        })
        .mime_str("application/pdf")
        .expect("mime");
    form = form.part("commitment", file);
    b.client
        .post(format!("{}/projects/new", b.base))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

async fn status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM projects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("status")
}

fn scores(n: &str, why: &str) -> Vec<(String, String)> {
    [
        "social_benefit",
        "open_source",
        "open_data",
        "testing",
        "research",
        "impact",
    ]
    .iter()
    .flat_map(|k| {
        [
            (format!("score_{k}"), n.to_string()),
            (format!("why_{k}"), why.to_string()),
        ]
    })
    .collect()
}

#[tokio::test]
async fn an_application_is_selected_scored_voted_in_plenary_with_a_delegation_and_admitted() {
    let app = TestApp::spawn_with(|s| {
        crate::meetings::small_council(s);
        s.governance.commission_seats_per_collective = 2;
    })
    .await;
    let (citizen, _) = app.browser_as(Role::Member).await;
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;
    let (secretary_email, secretary_account) =
        app.account_with_role(Role::ExecutiveSecretary).await;
    let secretary = login_as(&app, &secretary_email).await;
    let (p1_email, p1_account) = app.account_with_role(Role::ProjectsCommission).await;
    let seat_a = login_as(&app, &p1_email).await;
    let (seat_b, p2_account) = app.browser_as(Role::ProjectsCommission).await;
    let (nodes_seat, nodes_account) = app.browser_as(Role::NodesCommission).await;

    // refused: no commitment for a public body, a plan whose phases overlap, a metric without a
    // unit; every problem named, what was typed kept and escaped
    let mut bad = application("Compras <b>trazables</b>", "2026-06-30", "2026-06-01");
    bad.retain(|(k, _)| *k != "metric0_unit" && *k != "repository");
    bad.push(("repository", "javascript:alert(1)".into()));
    let r = post_application(&citizen, &bad, None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    let text = visible_text(&html);
    for message in [
        "compromiso firmado por su titular",
        "debe empezar después de que termine la anterior",
        "necesita nombre y unidad",
        "http:// o https://",
    ] {
        assert!(text.contains(message), "{message}: {text}");
    }
    assert!(
        html.contains("value=\"Compras &lt;b&gt;trazables&lt;/b&gt;\""),
        "typed kept, escaped"
    );
    assert!(
        html.contains("Las órdenes de compra se alteran\nsin dejar rastro."),
        "textarea kept"
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(n, 0);

    // the application is taken; the leaders are told
    let good = application("Compras trazables", "2026-06-30", "2026-07-01");
    let r = post_application(&citizen, &good, Some(b"%PDF-1.7 compromiso")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id: i64 = page
        .trim_start_matches("/projects/applications/")
        .split('?')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("id");
    let page = format!("/projects/applications/{id}");
    assert_eq!(status(&app, id).await, "submitted");
    let told = app::services::mail::by_topic(&app.state.db, &format!("project-application/{id}"))
        .await
        .expect("mail");
    assert_eq!(told.len(), 1, "the collective's leader is told");
    // not public yet; the commitment is a download
    assert_eq!(
        app.browser().get(&format!("/projects/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = citizen.get(&format!("{page}/commitment")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .expect("h")
            .starts_with("attachment")
    );

    // scores are refused before the leaders select it; the leader selects it
    let pairs = scores("4", "Cumple.");
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = seat_a.submit(&page, &format!("{page}/scores"), &refs).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = citizen
        .submit(&page, &format!("{page}/leaders"), &[("decision", "select")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only a leader selects");
    let r = leader
        .submit(
            &page,
            &format!("{page}/leaders"),
            &[("decision", "select"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "in_evaluation");

    // a score without its justification is refused; both seats score
    let mut missing_why = scores("4", "Cumple.");
    missing_why.retain(|(k, _)| k != "why_research");
    let refs: Vec<(&str, &str)> = missing_why
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = seat_a.submit(&page, &format!("{page}/scores"), &refs).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = visible_text(&r.text().await.expect("body"));
    assert!(body.contains("Justifique cada calificación"), "{body}");
    for (seat, n) in [(&seat_a, "4"), (&seat_b, "2")] {
        let pairs = scores(n, "Justificación escrita.");
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = seat.submit(&page, &format!("{page}/scores"), &refs).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let text = visible_text(&secretary.text(&page).await.1);
    assert!(
        text.contains("3.00 / 5") && text.matches("Persona projects_commission").count() >= 2,
        "computed: {text}"
    );

    // a Council meeting; the Secretary puts the project on its agenda and convenes it
    let far = (Utc::now().date_naive() + Days::new(30)).to_string();
    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(&far)))
        .await;
    let meeting_page = location(&r);
    let meeting: i64 = meeting_page
        .trim_start_matches("/meetings/")
        .parse()
        .expect("id");
    let r = leader
        .submit(
            &page,
            &format!("{page}/agenda"),
            &[("meeting", &meeting.to_string())],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a leader does not convene the Council"
    );
    let r = secretary
        .submit(
            &page,
            &format!("{page}/agenda"),
            &[("meeting", &meeting.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, id).await, "voting");
    let item: i64 = sqlx::query_scalar("SELECT agenda_item_id FROM projects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("item");
    let r = secretary
        .submit(&meeting_page, &format!("{meeting_page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // the nodes member will be absent and delegates their "projects" vote to seat A
    let (sec, p1, p2, nod) = (
        person_of(&app, secretary_account).await.to_string(),
        person_of(&app, p1_account).await.to_string(),
        person_of(&app, p2_account).await.to_string(),
        person_of(&app, nodes_account).await.to_string(),
    );
    let r = nodes_seat
        .submit(
            "/account/delegations",
            "/account/delegations",
            &[("scope", "projects"), ("to", &p1)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "delegation accepted");
    let attend = format!("{meeting_page}/attendance");
    for person in [&sec, &p1, &p2] {
        let r = secretary
            .submit(
                &meeting_page,
                &attend,
                &[("person", person), ("presence", "in_person"), ("proxy", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = secretary
        .submit(&meeting_page, &format!("{meeting_page}/open"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let choices = [(sec.as_str(), "yes"), (&p1, "yes"), (&p2, "no")];
    let vote = crate::minutes::vote_as(&app, &secretary, &meeting_page, item, &choices).await;
    let result: String = sqlx::query_scalar("SELECT result_json FROM votes WHERE id = ?")
        .bind(vote)
        .fetch_one(&app.state.db)
        .await
        .expect("result");
    let result: serde_json::Value = serde_json::from_str(&result).expect("json");
    assert_eq!(result["outcome"], "approved");
    assert_eq!(result["yes"]["direct"], 2);
    assert_eq!(
        result["yes"]["delegated"], 1,
        "the absent member's delegation counted: {result}"
    );
    assert_eq!(result["no"]["direct"], 1);
    assert_eq!(result["eligible"], 4, "the whole Council: {result}");
    let _ = nod;

    // the motions worker admits it, in the plan's first phase
    let mut admitted = false;
    for _ in 0..200 {
        if status(&app, id).await == "admitted" {
            admitted = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(admitted, "the closed vote admits the project");
    let step: i64 =
        sqlx::query_scalar("SELECT id FROM project_steps WHERE project_id = ? AND step = 'admit'")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .expect("step");

    let evidence = evidence_of(&app, &format!("project-step/{step}")).await;
    let data: String = sqlx::query_scalar("SELECT data_json FROM decisions WHERE ref = ?")
        .bind(format!("project-step/{step}"))
        .fetch_one(&app.state.db)
        .await
        .expect("decision");
    let data: serde_json::Value = serde_json::from_str(&data).expect("json");
    assert_eq!(
        data["detail"]["plan"]["metrics"][0]["name"], "Órdenes registradas",
        "{data}"
    );
    assert_eq!(data["detail"]["plan"]["phases"][1]["phase"], "mvp");
    for event in ["project-selected", "project-admitted"] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE event = ?")
            .bind(event)
            .fetch_one(&app.state.db)
            .await
            .expect("decisions");
        assert_eq!(n, 1, "{event}");
    }
    let public = format!("/projects/{id}");
    let (code, html) = app.browser().text(&public).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        html.contains(&format!("href=\"/v/{evidence}\"")),
        "the plan's evidence badge"
    );
    let text = visible_text(&html);
    assert!(text.contains("Plan tal como fue admitido"), "{text}");
    assert!(text.contains("Prueba de concepto"), "{text}");
    let (_, list) = app.browser().text("/projects?phase=proof_of_concept").await;
    assert!(visible_text(&list).contains("Compras trazables"));
    let (_, list) = app.browser().text("/projects?phase=mvp").await;
    assert!(
        !visible_text(&list).contains("Compras trazables"),
        "filtered out"
    );

    // the applicant records a metric value: it is charted and tabled
    let yesterday = (Utc::now().date_naive() - Days::new(1)).to_string();
    let r = citizen
        .submit(
            &public,
            &format!("{public}/values"),
            &[
                ("metric", "0"),
                ("measured_on", &yesterday),
                ("value", "12,5"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.browser().text(&public).await;
    assert!(html.contains("<svg"), "the chart");
    let text = visible_text(&html);
    assert!(
        text.contains("12.50") && text.contains(&yesterday),
        "the table: {text}"
    );
    assert!(text.contains("valores registrados: 1;"), "{text}");
    // a stranger cannot record one
    let r = nodes_seat
        .submit(
            &public,
            &format!("{public}/values"),
            &[
                ("metric", "0"),
                ("measured_on", &yesterday),
                ("value", "99"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // the project's source system records values through the evidence API, once the applicant
    // named its API source; a value for another project, or one resent, records nothing
    let key = app.api_key("alcaldia-compras", "project.metric").await;
    let other_key = app.api_key("otro-sistema", "project.metric").await;
    let api = |key: &str, body: serde_json::Value| {
        let client = reqwest::Client::new();
        let url = app.url("/api/v1/evidence");
        let key = key.to_string();
        async move {
            client
                .post(url)
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .expect("POST")
        }
    };
    let metric = |reference: &str, value: f64| {
        serde_json::json!({"kind": "project.metric", "ref": reference,
            "data": {"project": id, "metric": 0, "value": value, "measured_on": yesterday}})
    };
    let r = api(&key, metric("med-1", 15.0)).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no source named yet"
    );
    let r = citizen
        .submit(
            &public,
            &format!("{public}/source"),
            &[("metrics_source", "alcaldia-compras")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = api(&other_key, metric("med-1", 15.0)).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "another source"
    );
    let mut wrong = metric("med-2", 15.0);
    wrong["data"]["metric"] = serde_json::json!(7);
    assert_eq!(
        api(&key, wrong).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a metric the plan does not have"
    );
    let r = api(&key, metric("med-1", 15.0)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let evidence: serde_json::Value = r.json().await.expect("json");
    let r = api(&key, metric("med-1", 15.0)).await;
    assert_eq!(r.status(), StatusCode::OK, "resent: the same evidence");
    let values: Vec<(f64, String, String)> = sqlx::query_as(
        "SELECT value, note, source FROM project_metric_values WHERE project_id = ? ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.state.db)
    .await
    .expect("values");
    assert_eq!(
        values.len(),
        2,
        "the applicant's and the system's, once: {values:?}"
    );
    assert_eq!(values[1].0, 15.0);
    assert_eq!(values[1].1, evidence["id"].as_str().expect("id"));
    assert_eq!(values[1].2, "api:alcaldia-compras");

    // a phase change: proposed by the project, recommended by the commission, decided by the Council
    let r = citizen
        .submit(
            &public,
            &format!("{public}/proposal"),
            &[("delivered", "Una dependencia registra todas sus órdenes.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary
        .submit(
            &public,
            &format!("{public}/phase"),
            &[("decision", "approve"), ("reason", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not recommended yet"
    );
    let r = seat_b
        .submit(
            &public,
            &format!("{public}/recommendation"),
            &[("recommendation", "Entregó lo prometido.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary
        .submit(
            &public,
            &format!("{public}/phase"),
            &[("decision", "approve"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let phase: String = sqlx::query_scalar("SELECT phase FROM projects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("phase");
    assert_eq!(phase, "mvp");
    let step: i64 = sqlx::query_scalar(
        "SELECT id FROM project_steps WHERE project_id = ? AND step = 'change_phase'",
    )
    .bind(id)
    .fetch_one(&app.state.db)
    .await
    .expect("step");

    evidence_of(&app, &format!("project-step/{step}")).await;

    // a re-plan decided by the Council: the MVP ends later; without a reason it is refused
    let mut plan: Vec<(&'static str, String)> =
        application("Compras trazables", "2026-06-30", "2026-07-01")
            .into_iter()
            .filter(|(k, _)| k.starts_with("phase_") || k.starts_with("metric0_"))
            .map(|(k, v)| {
                if k == "phase_mvp_ends_on" {
                    (k, "2028-12-31".to_string())
                } else {
                    (k, v)
                }
            })
            .collect();
    let r = secretary
        .submit(&public, &format!("{public}/replan"), &fields(&plan))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    plan.push((
        "reason",
        "La alcaldía cambió de proveedor de sistemas.".into(),
    ));
    let r = citizen
        .submit(&public, &format!("{public}/replan"), &fields(&plan))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "the Council's decision, not the project's"
    );
    let r = secretary
        .submit(&public, &format!("{public}/replan"), &fields(&plan))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let step: i64 =
        sqlx::query_scalar("SELECT id FROM project_steps WHERE project_id = ? AND step = 'replan'")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .expect("step");
    evidence_of(&app, &format!("project-step/{step}")).await;
    let text = visible_text(&app.browser().text(&public).await.1);
    assert!(
        text.contains("Plan vigente (replanificado)")
            && text.contains("Plan tal como fue admitido")
            && text.contains("2028-12-31")
            && text.contains("2028-06-30"),
        "the re-plan beside the plan as admitted: {text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_project_past_its_phase_end_is_flagged_stalled_and_the_commission_is_mailed_once() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn_with(|s| s.governance.commission_seats_per_collective = 2).await;
    let (seat_a, _) = app.account_with_role(Role::ProjectsCommission).await;
    let (seat_b, _) = app.account_with_role(Role::ProjectsCommission).await;
    let (citizen, _) = app.browser_as(Role::Member).await;
    // an application whose proof of concept ended on 31 March 2026 (a Tuesday)
    let good = application("Actas verificables", "2026-03-31", "2026-04-01");
    let r = post_application(&citizen, &good, Some(b"%PDF-1.7 compromiso")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM projects")
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    // admitted on 1 February (the path itself is the other test's); a value recorded in March
    sqlx::query("UPDATE projects SET status = 'admitted', phase = 'proof_of_concept', admitted_at = '2026-02-01T10:00:00.000Z' WHERE id = ?")
        .bind(id)
        .execute(&app.state.db)
        .await
        .expect("admit");
    sqlx::query("INSERT INTO project_metric_values (project_id, metric, measured_on, value, recorded_at) VALUES (?, 0, '2026-03-20', 10, '2026-03-20T10:00:00.000Z')")
        .bind(id)
        .execute(&app.state.db)
        .await
        .expect("value");
    // its report of January–February was filed on time (a missing one is the other rule's)
    crate::reporting::filed_report(
        &app,
        "project",
        &format!("project:{id}"),
        "2026-01-01",
        "2026-02-28",
        "2026-03-10",
    )
    .await;
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    use app::services::projects::running::check_stalled;
    // on the phase's last day nothing; the next day it turns, and the commission is told once
    assert_eq!(
        check_stalled(&app.state, day("2026-03-31"))
            .await
            .expect("check"),
        0
    );
    assert_eq!(
        check_stalled(&app.state, day("2026-04-01"))
            .await
            .expect("check"),
        1
    );
    assert_eq!(
        check_stalled(&app.state, day("2026-04-01"))
            .await
            .expect("check"),
        0
    );
    assert_eq!(
        check_stalled(&app.state, day("2026-04-02"))
            .await
            .expect("check"),
        0,
        "still stalled: no new mail"
    );
    let (json, since): (String, Option<String>) =
        sqlx::query_as("SELECT stalled_json, stalled_since FROM projects WHERE id = ?")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .expect("flag");
    assert!(json.contains("phase_overdue"), "{json}");
    assert_eq!(since.as_deref(), Some("2026-04-01"));
    let (_, html) = app.browser().text(&format!("/projects/{id}")).await;
    let text = visible_text(&html);
    assert!(
        text.contains("Detenido") && text.contains("venció el 2026-04-01"),
        "{text}"
    );
    let (_, list) = app.browser().text("/projects?state=stalled").await;
    assert!(visible_text(&list).contains("Actas verificables"));

    app::services::mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("deliver");
    let all = smtp.messages();
    let subjects: Vec<String> = all
        .iter()
        .filter_map(|m| m.header("subject").map(str::to_string))
        .collect();
    let stalled: Vec<_> = all
        .into_iter()
        .filter(|m| {
            m.header("subject")
                .is_some_and(|s| s.contains("Actas verificables") && s.contains("detenido"))
        })
        .collect();
    assert_eq!(
        stalled.len(),
        2,
        "one mail to each commission seat: {subjects:?}"
    );
    let to: Vec<String> = stalled
        .iter()
        .filter_map(|m| m.header("to").map(str::to_string))
        .collect();
    assert!(
        to.iter().any(|t| t.contains(&seat_a)) && to.iter().any(|t| t.contains(&seat_b)),
        "{to:?}"
    );
    app.stop().await;
}
