//! Minutes and agreements over HTTP: the secretary drafts the minutes of a meeting held (the
//! draft prefilled with attendance, quorum and results), lists the agreements, circulates the
//! draft by mail through a real SMTP server; a member objects, which holds back the approval by
//! rule; the revised minutes are approved by a vote at the next meeting, frozen and rendered to a
//! PDF that is the document of a `governance.minutes-approved` evidence; the next meeting's
//! minutes are approved by the body's rule; an overdue agreement is mailed to its owner once and
//! closed as a decision.

use crate::anchors::free_port;
use crate::mail::{SmtpServer, mailer};
use crate::meetings::{fields, meeting_form};
use crate::support::*;
use app::domain::roles::Role;
use app::services::{mail, minutes};
use chrono::{Days, Utc};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// Schedules an Executive Council meeting on `date` with one agenda item (or the approval of
/// `approves`' minutes), convenes it, records the three seats present and opens the session;
/// returns the meeting's page and id and the agenda item's id.
pub(crate) async fn hold(
    app: &TestApp,
    secretary: &Browser,
    date: &str,
    seats: &[String],
    approves: Option<i64>,
) -> (String, i64, i64) {
    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(date)))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id: i64 = page.trim_start_matches("/meetings/").parse().expect("id");
    let r = match approves {
        Some(of) => {
            secretary
                .submit(
                    &page,
                    &format!("{page}/agenda/minutes"),
                    &[("of", &of.to_string())],
                )
                .await
        }
        None => {
            secretary
                .submit(
                    &page,
                    &format!("{page}/agenda"),
                    &[
                        ("title", "Proyecto de trazabilidad"),
                        ("presenter", "Comisión de proyectos"),
                        ("motion", "Admitir el proyecto"),
                    ],
                )
                .await
        }
    };
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary
        .submit(&page, &format!("{page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for s in seats {
        let r = secretary
            .submit(
                &page,
                &format!("{page}/attendance"),
                &[("person", s), ("presence", "in_person"), ("proxy", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = secretary.submit(&page, &format!("{page}/open"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let item: i64 = sqlx::query_scalar("SELECT id FROM agenda_items WHERE meeting_id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("item");
    (page, id, item)
}

/// Waits (the motions worker runs when a vote closes) until the minutes of `meeting` are
/// approved; returns them.
async fn approved_minutes(app: &TestApp, meeting: i64) -> minutes::MinutesRow {
    for _ in 0..200 {
        let row = minutes::get(&app.state.db, meeting)
            .await
            .expect("db")
            .expect("minutes");
        if row.status == app::domain::minutes::MinutesStatus::Approved {
            return row;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the minutes of meeting {meeting} were not approved within 10 s");
}

/// Puts the item to the vote and records every seat's "yes".
pub(crate) async fn vote(
    app: &TestApp,
    secretary: &Browser,
    page: &str,
    item: i64,
    seats: &[String],
) {
    let choices: Vec<(&str, &str)> = seats.iter().map(|s| (s.as_str(), "yes")).collect();
    vote_as(app, secretary, page, item, &choices).await;
}

/// Puts the item to the vote and records each (seat's person id, choice); the vote's id.
pub(crate) async fn vote_as(
    app: &TestApp,
    secretary: &Browser,
    page: &str,
    item: i64,
    choices: &[(&str, &str)],
) -> i64 {
    let r = secretary
        .submit(page, &format!("{page}/agenda/{item}/vote"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let vote: i64 = sqlx::query_scalar("SELECT vote_id FROM agenda_items WHERE id = ?")
        .bind(item)
        .fetch_one(&app.state.db)
        .await
        .expect("vote");
    let keys: Vec<String> = choices.iter().map(|(s, _)| format!("seat_{s}")).collect();
    let form: Vec<(&str, &str)> = keys
        .iter()
        .zip(choices)
        .map(|(k, (_, c))| (k.as_str(), *c))
        .collect();
    let r = secretary
        .submit(page, &format!("{page}/votes/{vote}"), &form)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    vote
}

/// A small Executive Council: the Secretary (logged in) and the holders of a nodes and a
/// projects seat; `seats` are their people's ids, the Secretary's first.
pub(crate) struct Council {
    pub secretary: Browser,
    pub nodes_email: String,
    pub projects_email: String,
    pub seats: Vec<String>,
}

/// The day the tests hold their meetings.
pub(crate) fn meeting_day() -> String {
    (Utc::now().date_naive() + Days::new(30)).to_string()
}

pub(crate) async fn council(app: &TestApp) -> Council {
    let (secretary_email, secretary_account) =
        app.account_with_role(Role::ExecutiveSecretary).await;
    let (nodes_email, nodes) = app.account_with_role(Role::NodesCommission).await;
    let (projects_email, projects) = app.account_with_role(Role::ProjectsCommission).await;
    let mut seats = Vec::new();
    for account in [secretary_account, nodes, projects] {
        seats.push(person_of(app, account).await.to_string());
    }
    Council {
        secretary: login_as(app, &secretary_email).await,
        nodes_email,
        projects_email,
        seats,
    }
}

#[tokio::test]
async fn minutes_are_drafted_circulated_approved_frozen_and_registered_with_their_pdf() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn_with(crate::meetings::small_council).await;
    let Council {
        secretary,
        nodes_email,
        seats,
        ..
    } = council(&app).await;
    let nodes_b = login_as(&app, &nodes_email).await;
    let (outsider, outsider_account) = app.browser_as(Role::Member).await;
    let today = Utc::now().date_naive();
    let first_day = (today + Days::new(30)).to_string();
    let (page, first, item) = hold(&app, &secretary, &first_day, &seats, None).await;
    let minutes_page = format!("{page}/minutes");

    // the next meeting is scheduled but not held: there are no minutes to draft yet
    let second_day = (today + Days::new(45)).to_string();
    let r = secretary
        .submit(
            "/meetings/new",
            "/meetings",
            &fields(&meeting_form(&second_day)),
        )
        .await;
    let unheld = location(&r);
    let r = secretary
        .submit(
            &format!("{unheld}/minutes"),
            &format!("{unheld}/minutes"),
            &[("text", "Acta")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("no se ha abierto con quórum"));

    vote(&app, &secretary, &page, item, &seats).await;

    // the draft is prefilled with the attendance, the quorum and each motion's result
    let (status, html) = secretary.text(&minutes_page).await;
    assert_eq!(status, StatusCode::OK);
    let draft = visible_text(&html);
    for expected in [
        "ACTA DE LA SESIÓN ORDINARIA — Sesión ordinaria de prueba",
        "Persona nodes_commission",
        "con quórum: 2 miembros",
        "3.1 Proyecto de trazabilidad (presenta Comisión de proyectos)",
        "Moción: Admitir el proyecto",
        "Votación: aprobada — a favor 3, en contra 0, abstenciones 0.",
    ] {
        assert!(draft.contains(expected), "{expected}: {draft}");
    }
    // a draft is the secretary's: not public, not for a member outside the body
    assert_ne!(
        app.browser().get(&minutes_page).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        outsider.get(&minutes_page).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        nodes_b.get(&minutes_page).await.status(),
        StatusCode::FORBIDDEN
    );

    // bad input is refused beside its field and what was typed is kept
    let r = secretary
        .submit(&minutes_page, &minutes_page, &[("text", "   ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = "ACTA DE LA SESIÓN ORDINARIA — Sesión ordinaria de prueba\nDeliberación: se admitió el proyecto de trazabilidad.";
    let r = secretary
        .submit(&minutes_page, &minutes_page, &[("text", text)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let outsider_person = person_of(&app, outsider_account).await.to_string();
    let r = secretary
        .submit(
            &minutes_page,
            &format!("{minutes_page}/agreements"),
            &[
                ("agreement", "Publicar la ficha del proyecto"),
                ("owner", &outsider_person),
                ("due_on", "pronto"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.expect("body");
    let refused = visible_text(&body);
    assert!(
        refused.contains("Elija como responsable a un integrante del órgano"),
        "{refused}"
    );
    assert!(
        body.contains("Publicar la ficha del proyecto"),
        "the typed text is kept"
    );
    // owned by the nodes member, due yesterday: it will be overdue once opened
    let r = secretary
        .submit(
            &minutes_page,
            &format!("{minutes_page}/agreements"),
            &[
                ("agreement", "Publicar la ficha del proyecto"),
                ("owner", &seats[1]),
                ("due_on", &(today - Days::new(1)).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // circulation: only the secretary circulates; every member gets the draft by mail
    assert_eq!(
        nodes_b
            .submit("/account", &format!("{minutes_page}/circulate"), &[])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = secretary
        .submit(&minutes_page, &format!("{minutes_page}/circulate"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("deliver");
    let circulated: Vec<_> = smtp
        .messages()
        .into_iter()
        .filter(|m| {
            m.part("text/plain")
                .is_some_and(|(_, b)| b.contains("Se circula el borrador del acta"))
        })
        .collect();
    assert_eq!(circulated.len(), 3, "to the three members");
    assert!(
        circulated.iter().all(|m| m
            .part("text/plain")
            .is_some_and(|(_, b)| b.contains("se admitió el proyecto"))),
        "the draft travels in the message"
    );

    // a member objects: the rule does not approve (and the comment period is still open)
    let (status, member_view) = nodes_b.text(&minutes_page).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "circulated minutes are open to the members"
    );
    assert!(visible_text(&member_view).contains("se admitió el proyecto"));
    assert_eq!(
        outsider
            .submit(
                "/account",
                &format!("{minutes_page}/comments"),
                &[("comment", "No estuve")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "someone outside the body cannot even read the draft"
    );
    let r = nodes_b
        .submit(
            &minutes_page,
            &format!("{minutes_page}/comments"),
            &[
                (
                    "comment",
                    "Falta decir que el proyecto entra en fase de prueba.",
                ),
                ("objection", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let approve = format!("{minutes_page}/approve");
    let r = secretary.submit(&minutes_page, &approve, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.expect("body")).contains("plazo de comentarios sigue abierto")
    );
    sqlx::query("UPDATE minutes SET circulated_at = ? WHERE meeting_id = ?")
        .bind(app::db::Ts(Utc::now() - chrono::Duration::days(6)))
        .bind(first)
        .execute(&app.state.db)
        .await
        .expect("time passes");
    let r = secretary.submit(&minutes_page, &approve, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("1 objeción"));

    // revised and circulated again (revision 2), then approved by a vote at the next meeting
    let revised = format!("{text}\nEl proyecto entra en fase de prueba de concepto.");
    let r = secretary
        .submit(&minutes_page, &minutes_page, &[("text", &revised)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary
        .submit(&minutes_page, &format!("{minutes_page}/circulate"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (next_page, next, approval_item) = hold(
        &app,
        &secretary,
        &(today + Days::new(60)).to_string(),
        &seats,
        Some(first),
    )
    .await;
    let motion: String = sqlx::query_scalar("SELECT motion FROM agenda_items WHERE id = ?")
        .bind(approval_item)
        .fetch_one(&app.state.db)
        .await
        .expect("motion");
    assert!(
        motion.starts_with("Aprobar el acta de la sesión «Sesión ordinaria de prueba»"),
        "{motion}"
    );
    vote(&app, &secretary, &next_page, approval_item, &seats).await;
    // the motions worker freezes them as soon as the vote closes
    let row = approved_minutes(&app, first).await;
    assert_eq!(row.approved_how.as_deref(), Some("vote"));
    assert_eq!(row.revision, 2);

    // frozen: the PDF is public, its hash is the evidence's document
    let r = secretary
        .submit(&minutes_page, &minutes_page, &[("text", "otro texto")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("ya está aprobada"));
    let r = app.browser().get(&format!("{page}/minutes.pdf")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.expect("pdf");
    assert!(pdf.starts_with(b"%PDF"));
    let pdf_hash = hex::encode(Sha256::digest(&pdf));
    assert_eq!(row.pdf_sha256.as_deref(), Some(pdf_hash.as_str()));
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("acta.pdf");
    std::fs::write(&file, &pdf).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let words = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "Acta aprobada",
        "fase de prueba de concepto",
        "Publicar la ficha del proyecto",
        "Aprobada por votación",
    ] {
        assert!(words.contains(expected), "{expected}: {words}");
    }
    let evidence = evidence_of(&app, &format!("meeting/{first}/minutes")).await;
    // the PDF cannot hold its own hash, but its QR code and its text lead to its decision's page
    let codes = qr_codes_in(&pdf);
    assert_eq!(codes.len(), 1, "one QR code: {codes:?}");
    let lookup = &codes[0];
    assert!(
        lookup.starts_with(&app.state.settings.public_url),
        "{lookup}"
    );
    assert!(words.contains("/v/lookup?source=portal"), "{words}");
    let path = &lookup[app.state.settings.public_url.trim_end_matches('/').len()..];
    let r = app.browser().get(path).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/v/{evidence}"));
    let (kind, document): (String, Option<Vec<u8>>) =
        sqlx::query_as("SELECT kind, document_hash FROM evidences WHERE id = ?")
            .bind(&evidence)
            .fetch_one(&app.state.db)
            .await
            .expect("evidence");
    assert_eq!(kind, "governance.minutes-approved");
    assert_eq!(document.map(hex::encode), Some(pdf_hash.clone()));
    let public = app.browser().text(&minutes_page).await;
    assert_eq!(public.0, StatusCode::OK, "approved minutes are public");
    assert!(
        public.1.contains(&format!("href=\"/v/{evidence}\"")),
        "verified badge"
    );
    let public_text = visible_text(&public.1);
    assert!(public_text.contains("fase de prueba de concepto"));
    assert!(
        !public_text.contains("Falta decir"),
        "the members' comments stay with the body"
    );
    assert!(visible_text(&nodes_b.text(&minutes_page).await.1).contains("Falta decir"));
    let list = app.browser().text("/meetings").await.1;
    assert!(
        list.contains(&format!("href=\"/meetings/{first}/minutes\"")),
        "{list}"
    );
    let verify = visible_text(&app.browser().text(&format!("/v/{evidence}")).await.1);
    assert!(verify.contains("governance.minutes-approved"), "{verify}");

    // the agreement is open, its owner told; once overdue it is mailed once
    let agreement: i64 = sqlx::query_scalar("SELECT id FROM agreements WHERE meeting_id = ?")
        .bind(first)
        .fetch_one(&app.state.db)
        .await
        .expect("agreement");
    evidence_of(&app, &format!("agreement/{agreement}/opened")).await;
    let home = visible_text(&nodes_b.text("/").await.1);
    assert!(
        home.contains("Acuerdos a su cargo") && home.contains("Publicar la ficha del proyecto"),
        "the owner sees it on the home page: {home}"
    );
    assert_eq!(minutes::mail_overdue(&app.state).await.expect("overdue"), 1);
    assert_eq!(minutes::mail_overdue(&app.state).await.expect("overdue"), 0);
    mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("deliver");
    let to_owner: Vec<String> = smtp
        .messages()
        .into_iter()
        .filter_map(|m| m.part("text/plain").map(|(_, b)| b.clone()))
        .filter(|b| b.contains("Publicar la ficha del proyecto"))
        .collect();
    assert_eq!(to_owner.len(), 2, "assigned, then overdue: {to_owner:?}");
    assert!(
        to_owner
            .iter()
            .any(|b| b.contains("le asigna este acuerdo"))
    );
    assert!(to_owner.iter().any(|b| b.contains("venció el")));
    let dashboard = visible_text(&secretary.text("/meetings/dashboard").await.1);
    assert!(
        dashboard.contains("Publicar la ficha del proyecto") && dashboard.contains("Vencido"),
        "{dashboard}"
    );
    assert!(dashboard.contains("Actas pendientes"), "{dashboard}");

    // closing it: the secretary only; dropping it needs a reason; the closing is a decision
    let agreement_page = format!("/agreements/{agreement}");
    let close = format!("{agreement_page}/close");
    assert_eq!(
        nodes_b
            .submit("/account", &close, &[("outcome", "done"), ("note", "")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let r = secretary
        .submit(
            &agreement_page,
            &close,
            &[("outcome", "dropped"), ("note", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = secretary
        .submit(
            &agreement_page,
            &close,
            &[("outcome", "done"), ("note", "Publicada en el portal.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    evidence_of(&app, &format!("agreement/{agreement}/closed")).await;
    assert!(!visible_text(&nodes_b.text("/").await.1).contains("Acuerdos a su cargo"));
    let closed = visible_text(&app.browser().text(&agreement_page).await.1);
    assert!(
        closed.contains("Cumplido") && closed.contains("Publicada en el portal."),
        "{closed}"
    );

    // the next meeting's minutes: approved by the body's rule once the period passes unopposed
    let next_minutes = format!("{next_page}/minutes");
    let r = secretary
        .submit(
            &next_minutes,
            &next_minutes,
            &[("text", "ACTA\nSe aprobó el acta de la sesión anterior.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    secretary
        .submit(&next_minutes, &format!("{next_minutes}/circulate"), &[])
        .await;
    sqlx::query("UPDATE minutes SET circulated_at = ? WHERE meeting_id = ?")
        .bind(app::db::Ts(Utc::now() - chrono::Duration::days(6)))
        .bind(next)
        .execute(&app.state.db)
        .await
        .expect("time passes");
    let r = secretary
        .submit(&next_minutes, &format!("{next_minutes}/approve"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let row = minutes::get(&app.state.db, next)
        .await
        .expect("db")
        .expect("minutes");
    assert_eq!(
        (row.status.as_str(), row.approved_how.as_deref()),
        ("approved", Some("rule"))
    );

    let audit = app.audit_actions().await;
    for action in [
        "minutes.saved",
        "minutes.circulated",
        "minutes.commented",
        "minutes.approved",
        "agreement.proposed",
        "agreement.closed",
    ] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    app.stop().await;
}

#[tokio::test]
async fn the_secretarys_minutes_routes_are_refused_to_every_other_role_and_to_visitors() {
    let app = TestApp::spawn_with(|s| {
        crate::meetings::small_council(s);
        s.meetings.minutes_comment_days = 0;
    })
    .await;
    let Council {
        secretary,
        nodes_email,
        projects_email,
        seats,
    } = council(&app).await;
    // one browser per role (the commissions' seats are taken: their holders log in)
    let as_role = |role: Role| {
        let (app, nodes_email, projects_email) =
            (&app, nodes_email.clone(), projects_email.clone());
        async move {
            match role {
                Role::NodesCommission => login_as(app, &nodes_email).await,
                Role::ProjectsCommission => login_as(app, &projects_email).await,
                _ => app.browser_as(role).await.0,
            }
        }
    };
    let day = (Utc::now().date_naive() + Days::new(30)).to_string();
    let (page, id, _) = hold(&app, &secretary, &day, &seats, None).await;
    let later = (Utc::now().date_naive() + Days::new(40)).to_string();
    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(&later)))
        .await;
    let later_page = location(&r);
    let m = format!("{page}/minutes");
    let owner = seats[1].clone();
    let due = (Utc::now().date_naive() + Days::new(9)).to_string();
    let routes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (m.clone(), vec![("text", "Acta de otra persona")]),
        (
            format!("{m}/agreements"),
            vec![("agreement", "Algo"), ("owner", &owner), ("due_on", &due)],
        ),
        (format!("{m}/circulate"), vec![]),
        (format!("{m}/approve"), vec![]),
        (format!("{later_page}/agenda/minutes"), vec![("of", "1")]),
    ];
    let visitors = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::ExecutiveSecretary)
        .map(Some)
        .chain([None]);
    for role in visitors {
        let b = match role {
            Some(role) => as_role(role).await,
            None => app.browser(),
        };
        for (action, fields) in &routes {
            let page = if role.is_some() { "/account" } else { "/login" };
            let r = b.submit(page, action, fields).await;
            match role {
                Some(_) => assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?} on {action}"),
                None => assert!(location(&r).starts_with("/login?next="), "{action}"),
            }
        }
    }
    let untouched: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM minutes) + (SELECT COUNT(*) FROM agreements)",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("count");
    assert_eq!(untouched, 0, "nothing was written");

    // the secretary may do each (with no comment period set, the rule approves at once)
    for (action, fields) in routes.iter().take(4) {
        let r = secretary.submit(&m, action, fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{action}");
    }
    let agreement: i64 = sqlx::query_scalar("SELECT id FROM agreements WHERE meeting_id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("agreement");
    let close = format!("/agreements/{agreement}/close");
    for role in Role::ALL
        .into_iter()
        .filter(|r| *r != Role::ExecutiveSecretary)
    {
        let b = as_role(role).await;
        let r = b
            .submit("/account", &close, &[("outcome", "done"), ("note", "")])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?} on {close}");
    }
    let r = secretary
        .submit("/account", &close, &[("outcome", "done"), ("note", "")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn an_approving_vote_closed_at_its_deadline_freezes_the_minutes_too() {
    let app = TestApp::spawn_with(crate::meetings::small_council).await;
    let Council {
        secretary,
        seats: seat_ids,
        ..
    } = council(&app).await;
    let today = Utc::now().date_naive();
    let (page, first, _) = hold(
        &app,
        &secretary,
        &(today + Days::new(30)).to_string(),
        &seat_ids,
        None,
    )
    .await;
    let m = format!("{page}/minutes");
    for (action, fields) in [
        (m.clone(), vec![("text", "ACTA\nSin acuerdos.")]),
        (format!("{m}/circulate"), vec![]),
    ] {
        let r = secretary.submit(&m, &action, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{action}");
    }
    let (next_page, _, item) = hold(
        &app,
        &secretary,
        &(today + Days::new(40)).to_string(),
        &seat_ids,
        Some(first),
    )
    .await;
    let r = secretary
        .submit(&next_page, &format!("{next_page}/agenda/{item}/vote"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let vote: i64 = sqlx::query_scalar("SELECT vote_id FROM agenda_items WHERE id = ?")
        .bind(item)
        .fetch_one(&app.state.db)
        .await
        .expect("vote");
    let actor = app::services::audit::Actor::system("test");
    for person in &seat_ids {
        let person: i64 = person.parse().expect("id");
        let account: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE person_id = ?")
            .bind(person)
            .fetch_one(&app.state.db)
            .await
            .expect("account");
        // each member votes on their own, outside the meeting
        let member = app::services::authority::Signed::operator(account, person);
        app::services::votes::cast(&app.state, &member, vote, "yes", &actor)
            .await
            .expect("ballot");
    }
    // nobody closed it at the table: the calendar closes it at its deadline
    sqlx::query("UPDATE votes SET closes_at = ? WHERE id = ?")
        .bind(app::db::Ts(Utc::now() - chrono::Duration::minutes(1)))
        .bind(vote)
        .execute(&app.state.db)
        .await
        .expect("deadline passes");
    assert_eq!(
        app::services::votes::close_due(&app.state)
            .await
            .expect("close"),
        1
    );
    let row = approved_minutes(&app, first).await;
    assert_eq!(row.approved_how.as_deref(), Some("vote"));
    evidence_of(&app, &format!("meeting/{first}/minutes")).await;
    app.stop().await;
}
