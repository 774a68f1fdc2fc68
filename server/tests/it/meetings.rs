//! Meetings over HTTP: the Executive Secretary schedules and convenes an Executive Council
//! meeting (refused without an agenda or too late for the notice period), the convocation
//! reaches every member through a real SMTP server with a valid invitation, members answer or
//! name a representative, and revisions and cancellations send revised invitations.

use crate::anchors::free_port;
use crate::mail::{SmtpServer, mailer};
use crate::support::*;
use app::domain::roles::Role;
use app::services::mail;
use chrono::{Days, Utc};
use reqwest::StatusCode;

/// A council of a few seats (quorum: the Secretary and 2), whose meetings the tests hold weeks
/// ahead: attendance may be recorded up to 60 days before the meeting's day.
pub(crate) fn small_council(s: &mut app::settings::Settings) {
    s.meetings.quorum_ordinary_members = 2;
    s.meetings.session_days_early = 90;
}

pub(crate) fn meeting_form(date: &str) -> Vec<(&'static str, String)> {
    vec![
        ("body", "executive-council".into()),
        ("kind", "ordinary".into()),
        ("title_es", "Sesión ordinaria de prueba".into()),
        ("title_en", "Test ordinary meeting".into()),
        ("date", date.into()),
        ("start_time", "10:00".into()),
        ("end_time", "12:00".into()),
        ("timezone", "America/Mexico_City".into()),
        ("place", "Sala de juntas, Ciudad de México".into()),
        ("virtual_url", "https://meet.example/ce".into()),
    ]
}

pub(crate) fn fields<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn the_secretary_convenes_every_member_by_mail_with_an_invitation() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn().await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let (nodes_email, nodes) = app.account_with_role(Role::NodesCommission).await;
    let (_, projects) = app.account_with_role(Role::ProjectsCommission).await;
    let (member, _) = app.browser_as(Role::Member).await;
    let far = (Utc::now().date_naive() + Days::new(30)).to_string();
    let near = (Utc::now().date_naive() + Days::new(5)).to_string();

    // only the body's secretary schedules its meetings; bad input is refused beside its field
    let r = member
        .submit("/account", "/meetings", &fields(&meeting_form(&far)))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let mut bad = meeting_form(&far);
    bad[1].1 = "extraordinary".into();
    bad[7].1 = "Mars/Olympus".into();
    bad[8].1 = String::new();
    bad[9].1 = String::new();
    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&bad))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    for expected in [
        "Zona horaria desconocida",
        "Indique el lugar",
        "expone sus objetivos",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }

    // too late for 15 calendar days of notice: refused with the last day it could be sent
    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(&near)))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let late = location(&r);
    let r = secretary
        .submit(&late, &format!("{late}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("Agregue al menos un punto"));
    let r = secretary
        .submit(
            &late,
            &format!("{late}/agenda"),
            &[
                ("title", "Informe"),
                ("presenter", "Secretaría"),
                ("motion", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary
        .submit(&late, &format!("{late}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("a más tardar"));

    // a draft is not public; its secretary finds it in the calendar
    assert_eq!(
        app.browser().get(&late).await.status(),
        StatusCode::NOT_FOUND
    );
    let public = visible_text(&app.browser().text("/meetings").await.1);
    assert!(!public.contains("Sesión ordinaria de prueba"), "{public}");
    let own = visible_text(&secretary.text("/meetings").await.1);
    assert!(
        own.contains("Sesión ordinaria de prueba") && own.contains("borrador"),
        "{own}"
    );

    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(&far)))
        .await;
    let page = location(&r);
    let id: i64 = page.trim_start_matches("/meetings/").parse().expect("id");
    for (title, motion) in [
        (
            "Aprobación del acta anterior",
            "Aprobar el acta de la sesión anterior",
        ),
        ("Solicitudes de nodos", ""),
    ] {
        let r = secretary
            .submit(
                &page,
                &format!("{page}/agenda"),
                &[
                    ("title", title),
                    ("presenter", "Secretaría Ejecutiva"),
                    ("motion", motion),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = member.submit(&page, &format!("{page}/convene"), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = secretary
        .submit(&page, &format!("{page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // every member of the Executive Council gets one message with the invitation
    let queued = mail::by_topic(&app.state.db, &format!("meeting/{id}/0"))
        .await
        .expect("outbox");
    assert_eq!(
        queued.len(),
        3,
        "the Secretary and the two commission members: {queued:?}"
    );
    let done = mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("deliver");
    assert_eq!(done.sent, 3);
    let messages = smtp.messages();
    assert_eq!(messages.len(), 3);
    for m in &messages {
        let (ct, ics) = m.part("text/calendar").expect("an invitation part");
        assert!(ct.to_ascii_lowercase().contains("method=request"), "{ct}");
        assert!(
            ics.starts_with("BEGIN:VCALENDAR\r\n") || ics.starts_with("BEGIN:VCALENDAR\n"),
            "{ics}"
        );
        for line in [
            "METHOD:REQUEST",
            "BEGIN:VEVENT",
            "SEQUENCE:0",
            "END:VCALENDAR",
        ] {
            assert!(ics.contains(line), "{line}: {ics}");
        }
        assert!(ics.contains(&format!("UID:meeting-{id}@")), "{ics}");
        // 10:00 in Mexico City (UTC−6) is 16:00 UTC
        assert!(ics.contains("T160000Z"), "{ics}");
        let (_, text) = m.part("text/plain").expect("text part");
        assert!(
            text.contains("Aprobación del acta anterior") && text.contains("Agenda:"),
            "{text}"
        );
    }
    let secretary_page = visible_text(&secretary.text(&page).await.1);
    assert!(
        secretary_page.contains("entregado"),
        "each recipient's delivery state: {secretary_page}"
    );

    // a member names a representative from the page; someone outside the body may not answer
    let nodes_b = app.browser();
    assert_eq!(
        nodes_b.login(&nodes_email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let proxy = person_of(&app, projects).await.to_string();
    let r = nodes_b
        .submit(
            &page,
            &format!("{page}/answer"),
            &[("answer", "proxy"), ("proxy", &proxy)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let public = visible_text(&app.browser().text(&page).await.1);
    assert!(public.contains("Representada por"), "{public}");
    // an answer of absence reads in the third person to everyone else
    let r = nodes_b
        .submit(&page, &format!("{page}/answer"), &[("answer", "absent")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let public = visible_text(&app.browser().text(&page).await.1);
    assert!(
        public.contains("No asistirá") && !public.contains("No asistiré"),
        "{public}"
    );
    let r = member
        .submit(&page, &format!("{page}/answer"), &[("answer", "in_person")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let _ = nodes;

    // the public calendar, the invitation and the feed
    let list = visible_text(&app.browser().text("/meetings").await.1);
    assert!(list.contains("Sesión ordinaria de prueba"), "{list}");
    let r = app.browser().get(&format!("{page}/invite.ics")).await;
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    let feed = app
        .browser()
        .text("/meetings/calendar/executive-council.ics")
        .await
        .1;
    assert!(
        feed.contains("METHOD:PUBLISH") && feed.contains(&format!("UID:meeting-{id}@")),
        "{feed}"
    );

    // a revision goes out with the next sequence; a cancellation with METHOD:CANCEL
    let r = secretary
        .submit(&page, &format!("{page}/revision"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary
        .submit(&page, &format!("{page}/cancel"), &[("reason", "")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a cancellation gives its reason"
    );
    let r = secretary
        .submit(
            &page,
            &format!("{page}/cancel"),
            &[("reason", "Falta de quórum previsto")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("deliver");
    let messages = smtp.messages();
    assert_eq!(
        messages.len(),
        9,
        "convocation, revision and cancellation to 3 members"
    );
    let icses: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.part("text/calendar"))
        .map(|(_, b)| b.as_str())
        .collect();
    assert_eq!(
        icses
            .iter()
            .filter(|i| i.contains("SEQUENCE:1") && i.contains("METHOD:REQUEST"))
            .count(),
        3
    );
    assert_eq!(
        icses
            .iter()
            .filter(|i| i.contains("SEQUENCE:2")
                && i.contains("METHOD:CANCEL")
                && i.contains("STATUS:CANCELLED"))
            .count(),
        3
    );
    let audit = app.audit_actions().await;
    for action in [
        "meeting.created",
        "meeting.convened",
        "meeting.answered",
        "meeting.revised",
        "meeting.cancelled",
    ] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    app.stop().await;
}

#[tokio::test]
async fn votes_wait_for_quorum_and_a_proxy_counts_for_the_seat_it_carries() {
    let app = TestApp::spawn_with(crate::meetings::small_council).await;
    let (secretary, secretary_account) = app.account_with_role(Role::ExecutiveSecretary).await;
    let secretary_b = app.browser();
    assert_eq!(
        secretary_b.login(&secretary, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (nodes_email, nodes) = app.account_with_role(Role::NodesCommission).await;
    let (_, projects) = app.account_with_role(Role::ProjectsCommission).await;
    let far = (Utc::now().date_naive() + Days::new(30)).to_string();
    let r = secretary_b
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(&far)))
        .await;
    let page = location(&r);
    let id: i64 = page.trim_start_matches("/meetings/").parse().expect("id");
    secretary_b
        .submit(
            &page,
            &format!("{page}/agenda"),
            &[
                ("title", "Proyecto de trazabilidad"),
                ("presenter", ""),
                ("motion", "Admitir el proyecto"),
            ],
        )
        .await;
    let r = secretary_b
        .submit(&page, &format!("{page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let item: i64 = sqlx::query_scalar("SELECT id FROM agenda_items WHERE meeting_id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("item");
    let (sec, nod, pro) = (
        person_of(&app, secretary_account).await.to_string(),
        person_of(&app, nodes).await.to_string(),
        person_of(&app, projects).await.to_string(),
    );
    let attend = format!("{page}/attendance");
    // only the secretary records attendance
    let nodes_b = app.browser();
    nodes_b.login(&nodes_email, PASSWORD).await;
    let r = nodes_b
        .submit(
            &page,
            &attend,
            &[("person", &nod), ("presence", "in_person"), ("proxy", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // the Secretary alone: no quorum, and the refusal names who is missing
    let r = secretary_b
        .submit(
            &page,
            &attend,
            &[("person", &sec), ("presence", "in_person"), ("proxy", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for action in [format!("{page}/open"), format!("{page}/agenda/{item}/vote")] {
        let r = secretary_b.submit(&page, &action, &[]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        let text = visible_text(&r.text().await.expect("body"));
        assert!(
            text.contains("Faltan 2 miembros") || text.contains("Faltan 2"),
            "{text}"
        );
        assert!(
            text.contains("Persona nodes_commission")
                && text.contains("Persona projects_commission"),
            "{text}"
        );
    }
    // a proxy may not represent themselves
    let r = secretary_b
        .submit(
            &page,
            &attend,
            &[
                ("person", &pro),
                ("presence", "represented"),
                ("proxy", &pro),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // the nodes member attends and carries the projects member's seat: quorum
    secretary_b
        .submit(
            &page,
            &attend,
            &[("person", &nod), ("presence", "virtual"), ("proxy", "")],
        )
        .await;
    let r = secretary_b
        .submit(
            &page,
            &attend,
            &[
                ("person", &pro),
                ("presence", "represented"),
                ("proxy", &nod),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let text = visible_text(&secretary_b.text(&page).await.1);
    assert!(text.contains("Hay quórum: 2 de 2"), "{text}");
    let r = secretary_b
        .submit(&page, &format!("{page}/open"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let quorum_ref: String =
        sqlx::query_scalar("SELECT ref FROM decisions WHERE event = 'quorum-established'")
            .fetch_one(&app.state.db)
            .await
            .expect("quorum decision");
    evidence_of(&app, &quorum_ref).await;

    // the motion is voted seat by seat, the proxy voting for the seat it carries
    let r = secretary_b
        .submit(&page, &format!("{page}/agenda/{item}/vote"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let vote: i64 = sqlx::query_scalar("SELECT vote_id FROM agenda_items WHERE id = ?")
        .bind(item)
        .fetch_one(&app.state.db)
        .await
        .expect("vote");
    let (k1, k2, k3) = (
        format!("seat_{sec}"),
        format!("seat_{nod}"),
        format!("seat_{pro}"),
    );
    let r = secretary_b
        .submit(
            &page,
            &format!("{page}/votes/{vote}"),
            &[(&k1, "yes"), (&k2, "yes"), (&k3, "no")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let result: String = sqlx::query_scalar("SELECT result_json FROM votes WHERE id = ?")
        .bind(vote)
        .fetch_one(&app.state.db)
        .await
        .expect("result");
    let result: serde_json::Value = serde_json::from_str(&result).expect("json");
    assert_eq!(result["outcome"], "approved");
    assert_eq!(result["yes"]["direct"], 2);
    assert_eq!(result["no"]["direct"], 1);
    assert_eq!(
        result["eligible"], 3,
        "one vote per seat, the represented one included"
    );
    // the secretary's dashboard charts the year's attendance (the table has the figures)
    let (status, html) = secretary_b.text("/meetings/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<svg") && html.contains("Persona nodes_commission"),
        "{html}"
    );
    let text = visible_text(&html);
    assert!(
        text.contains("Sesión ordinaria de prueba"),
        "next meetings: {text}"
    );
    assert_eq!(
        nodes_b.get("/meetings/dashboard").await.status(),
        StatusCode::FORBIDDEN
    );
    let evidence = evidence_of(&app, &format!("vote/{vote}")).await;
    let text = visible_text(&app.browser().text(&format!("/v/{evidence}")).await.1);
    assert!(text.contains("governance.vote-result"), "{text}");
    app.stop().await;
}

/// Posts a document to an agenda item as a browser does (multipart, the CSRF token first).
async fn attach(b: &Browser, page: &str, item: i64, name: &str, bytes: &[u8]) -> reqwest::Response {
    let token = b.csrf(page).await;
    let file = reqwest::multipart::Part::bytes(bytes.to_vec())
        .file_name(name.to_string())
        .mime_str("application/pdf")
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("_csrf", token)
        .part("attachment", file);
    b.client
        .post(format!("{}{page}/agenda/{item}/attachments", b.base))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

#[tokio::test]
async fn agenda_documents_reach_the_members_and_stay_with_them() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn().await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let (nodes_email, _) = app.account_with_role(Role::NodesCommission).await;
    let nodes = login_as(&app, &nodes_email).await;
    let (outsider, _) = app.browser_as(Role::Member).await;
    let far = (Utc::now().date_naive() + Days::new(30)).to_string();
    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(&far)))
        .await;
    let page = location(&r);
    secretary
        .submit(
            &page,
            &format!("{page}/agenda"),
            &[("title", "Presupuesto"), ("presenter", ""), ("motion", "")],
        )
        .await;
    let item: i64 = sqlx::query_scalar("SELECT id FROM agenda_items ORDER BY id DESC")
        .fetch_one(&app.state.db)
        .await
        .expect("item");
    let pdf = b"%PDF-1.4\n% presupuesto 2027\n%%EOF\n";

    // an empty file input is refused; only the secretary attaches
    let r = attach(&secretary, &page, item, "", b"").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("Elija el documento"));
    let r = attach(&nodes, &page, item, "x.pdf", pdf).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = attach(&secretary, &page, item, "../Presupuesto 2027.pdf", pdf).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (id, filename): (i64, String) =
        sqlx::query_as("SELECT id, filename FROM agenda_attachments WHERE item_id = ?")
            .bind(item)
            .fetch_one(&app.state.db)
            .await
            .expect("attachment");
    assert_eq!(filename, "Presupuesto 2027.pdf", "no path is kept");
    let link = format!("{page}/attachments/{id}");
    // while the meeting is a draft its documents are the secretary's only, like its page
    assert_eq!(nodes.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(nodes.get(&link).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(secretary.get(&link).await.status(), StatusCode::OK);

    // convened: the convocation lists it with its link
    let r = secretary
        .submit(&page, &format!("{page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("deliver");
    assert!(
        smtp.messages().iter().all(|m| m
            .part("text/plain")
            .is_some_and(|(_, b)| b.contains("[Presupuesto 2027.pdf]") && b.contains(&link))),
        "every convocation lists the document"
    );

    // a member downloads it; the public sees that it exists, not what it says
    let r = nodes.get(&link).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    // a PDF is shown inline, inert: its own type, nosniff, a sandbox
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("inline; filename=\"Presupuesto 2027.pdf\"")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap_or_default()
            .starts_with("sandbox")
    );
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), pdf);
    assert_eq!(outsider.get(&link).await.status(), StatusCode::FORBIDDEN);
    assert_ne!(app.browser().get(&link).await.status(), StatusCode::OK);
    let public = visible_text(&app.browser().text(&page).await.1);
    assert!(
        public.contains("Documentos de apoyo para los integrantes del órgano: 1"),
        "{public}"
    );
    assert!(!public.contains("Presupuesto 2027.pdf"));
    let member_view = visible_text(&nodes.text(&page).await.1);
    assert!(
        member_view.contains("Presupuesto 2027.pdf"),
        "{member_view}"
    );
    app.stop().await;
}

/// A council of a few seats (quorum: the Secretary and 1) whose sessions wait for their day, as
/// by default.
fn on_the_day(s: &mut app::settings::Settings) {
    s.meetings.quorum_ordinary_members = 1;
    s.meetings.session_days_early = 0;
}

#[tokio::test]
async fn a_draft_is_edited_then_convened_held_on_its_day_and_shows_who_came() {
    let app = TestApp::spawn_with(on_the_day).await;
    let crate::minutes::Council {
        secretary, seats, ..
    } = crate::minutes::council(&app).await;
    let (member, _) = app.browser_as(Role::Member).await;
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;
    let far = (Utc::now().date_naive() + Days::new(20)).to_string();

    // /meetings/new offers the bodies one convenes, and nothing to one who convenes none
    let form = secretary.text("/meetings/new").await.1;
    assert!(
        form.contains("value=\"executive-council\"") && form.contains("value=\"advisory-council\"")
    );
    assert!(!form.contains("value=\"collective:"), "the councils only");
    let form = leader.text("/meetings/new").await.1;
    assert!(
        form.contains("value=\"collective:1\"") && !form.contains("value=\"executive-council\"")
    );
    assert!(visible_text(&member.text("/meetings").await.1).contains("Sesiones"));
    assert!(
        !member
            .text("/meetings")
            .await
            .1
            .contains("href=\"/meetings/new\""),
        "no link for one who convenes nothing"
    );
    assert!(
        visible_text(&member.text("/meetings/new").await.1)
            .contains("Usted no convoca las sesiones de ningún órgano")
    );
    // a body one does not convene: refused beside its field, what was typed kept
    let mut theirs = meeting_form(&far);
    theirs[2].1 = "Sesión que no me toca".into();
    let r = leader
        .submit("/meetings/new", "/meetings", &fields(&theirs))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(visible_text(&html).contains("Usted no convoca las sesiones de este órgano"));
    assert!(html.contains("value=\"Sesión que no me toca\""));

    // the secretary drafts a meeting with two items and edits it: place, order, an item removed
    let r = secretary
        .submit("/meetings/new", "/meetings", &fields(&meeting_form(&far)))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id: i64 = page.trim_start_matches("/meetings/").parse().expect("id");
    for title in ["Informe de la Secretaría", "Asuntos generales"] {
        let r = secretary
            .submit(
                &page,
                &format!("{page}/agenda"),
                &[
                    ("title", title),
                    ("presenter", "Secretaría"),
                    ("motion", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let edit = format!("{page}/edit");
    let mut changed = meeting_form(&far);
    changed[8].1 = "Auditorio del Consejo".into();
    changed[7].1 = "Mars/Olympus".into();
    let r = secretary.submit(&edit, &edit, &fields(&changed)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(visible_text(&html).contains("Zona horaria desconocida"));
    assert!(
        html.contains("value=\"Auditorio del Consejo\""),
        "what was typed is kept"
    );
    changed[7].1 = "America/Mexico_City".into();
    let r = secretary.submit(&edit, &edit, &fields(&changed)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(visible_text(&secretary.text(&page).await.1).contains("Auditorio del Consejo"));
    let items = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_as::<_, (i64, String)>(
                "SELECT id, title FROM agenda_items WHERE meeting_id = ? ORDER BY position",
            )
            .bind(id)
            .fetch_all(&db)
            .await
            .expect("items")
        }
    };
    let before = items(&app).await;
    let r = secretary
        .submit(
            &page,
            &format!("{page}/agenda/{}/move", before[1].0),
            &[("to", "up")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let moved = items(&app).await;
    assert_eq!(moved[0].1, "Asuntos generales");
    let r = secretary
        .submit(&page, &format!("{page}/agenda/{}/remove", moved[0].0), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let left = items(&app).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].1, "Informe de la Secretaría");

    // convened: a second submit is refused, not an error; the draft's edits are over
    let r = secretary
        .submit(&page, &format!("{page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary
        .submit(&page, &format!("{page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = secretary.submit(&page, &edit, &fields(&changed)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = secretary
        .submit(&page, &format!("{page}/agenda/{}/remove", left[0].0), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(items(&app).await.len(), 1);

    // twenty days ahead, attendance and the session wait for the meeting's day
    let present = [
        ("person", seats[0].as_str()),
        ("presence", "in_person"),
        ("proxy", ""),
    ];
    let r = secretary
        .submit(&page, &format!("{page}/attendance"), &present)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains(&format!("a partir del {far}")), "{text}");
    let r = secretary.submit(&page, &format!("{page}/open"), &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attendance WHERE meeting_id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("attendance");
    assert_eq!(recorded, 0, "nothing recorded before the day");

    // the day comes: two seats present, one absent; the session opens and closes — held
    let now = Utc::now();
    sqlx::query("UPDATE meetings SET starts_at = ?, ends_at = ? WHERE id = ?")
        .bind(app::db::Ts(now))
        .bind(app::db::Ts(now + chrono::Duration::hours(2)))
        .bind(id)
        .execute(&app.state.db)
        .await
        .expect("the day comes");
    for (person, presence) in [
        (&seats[0], "in_person"),
        (&seats[1], "virtual"),
        (&seats[2], "absent"),
    ] {
        let r = secretary
            .submit(
                &page,
                &format!("{page}/attendance"),
                &[("person", person), ("presence", presence), ("proxy", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = secretary.submit(&page, &format!("{page}/open"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary.submit(&page, &format!("{page}/close"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = secretary.submit(&page, &format!("{page}/close"), &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "held once");

    // held, everywhere; its page shows who came, not who answered the convocation
    let shown = app.browser().text(&page).await.1;
    assert!(shown.contains("id=\"status\">realizada<"), "{shown}");
    let text = visible_text(&shown);
    assert!(text.contains("Asistencia registrada"), "{text}");
    assert!(text.contains("Ausente"), "{text}");
    assert!(!text.contains("Sin respuesta"), "{text}");
    assert!(
        !text.contains("No asistiré"),
        "a first-person answer is not a record: {text}"
    );
    let listed = visible_text(&app.browser().text("/meetings").await.1);
    assert!(listed.contains("realizada"), "{listed}");
    app.stop().await;
}
