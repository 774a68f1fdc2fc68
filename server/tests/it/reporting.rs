//! The report calendar over HTTP: a member writes last month's report, prefilled from its node's
//! hourly figures; filing refuses an empty answer (what was typed kept), freezes it as a PDF with
//! a QR code to its verification, and registers it in the log; another member cannot write it;
//! `/reporting` shows one member on time (or late) and the other missing. Reminders go once each
//! before and after the due day, through a real SMTP server, in each author's language. A
//! project's missing report flags it stalled.

use crate::anchors::free_port;
use crate::mail::{SmtpServer, mailer};
use crate::support::*;
use app::domain::reporting::{Debtor, Period, Span, Standing};
use app::domain::roles::Role;
use app::services::reporting::{self, reminders};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use reqwest::StatusCode;

const KEY_A: &str = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
const KEY_B: &str = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee51ae168fea63dc339a3c58419466ceaeef7f632653266d0e1236431a950cfe52a";

/// The month before `today`'s and the one before it.
fn last_two_months(today: NaiveDate) -> (Span, Span) {
    let this = Period::Monthly.containing(today);
    let last = Period::Monthly.containing(this.start - Duration::days(1));
    let before = Period::Monthly.containing(last.start - Duration::days(1));
    (before, last)
}

/// Two members of collective 1, each the requester of an admitted node of its own institution
/// since early in the month before last; returns (e-mail, person, institution) of each and the
/// node ids.
async fn two_members(app: &TestApp, admitted: NaiveDate) -> [(String, i64, i64, i64); 2] {
    let slug: String = sqlx::query_scalar("SELECT slug FROM collectives WHERE id = 1")
        .fetch_one(&app.state.db)
        .await
        .expect("slug");
    let mut out = Vec::new();
    for (name, key, host) in [
        ("Cooperativa A", KEY_A, "10.0.0.1"),
        ("Cooperativa B", KEY_B, "10.0.0.2"),
    ] {
        let (email, account) = app.account_with_role(Role::Member).await;
        let person = person_of(app, account).await;
        let institution: i64 = sqlx::query_scalar(
            "INSERT INTO institutions (name, sector, kind, created_at) VALUES (?, 'civil_society', 'cooperative', '2026-01-01T00:00:00Z') RETURNING id",
        )
        .bind(name)
        .fetch_one(&app.state.db)
        .await
        .expect("institution");
        let ids = server::nodes::import_at_command_line(
            &app.state,
            &format!("name,enode,rpc_url,type,collective,institution\nNodo {name},enode://{key}@{host}:30303,http://{host}:8545,writer,{slug},{name}\n"),
        )
        .await
        .expect("import");
        sqlx::query("UPDATE nodes SET person_id = ?, admitted_at = ? WHERE id = ?")
            .bind(person)
            .bind(format!("{admitted}T12:00:00.000Z"))
            .bind(ids[0])
            .execute(&app.state.db)
            .await
            .expect("requester");
        out.push((email, person, institution, ids[0]));
    }
    out.try_into().expect("two")
}

async fn post(b: &Browser, page: &str, fields: Vec<(&'static str, String)>) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.submit(page, "/reporting/write", &refs).await
}

fn subject_of(institution: i64) -> String {
    format!("institution:{institution}@1")
}

fn write_path(subject: &str, period: &str) -> String {
    format!(
        "/reporting/write?debtor=member&subject={}&period={period}",
        subject.replace('@', "%40")
    )
}

#[tokio::test]
async fn a_member_files_a_prefilled_report_frozen_and_verifiable_and_the_table_shows_who_is_missing()
 {
    let app = TestApp::spawn().await;
    let today = Utc::now().date_naive();
    let (before, last) = last_two_months(today);
    let [(email_a, _, inst_a, node_a), (email_b, _, inst_b, _)] =
        two_members(&app, before.start + Duration::days(2)).await;
    // last month, node A answered 99 of 100 samples, 3 blocks behind at worst
    sqlx::query("INSERT INTO node_hourly (node_id, hour, samples, up_samples, lag_max, peers_min) VALUES (?, ?, 100, 99, 3, 4)")
        .bind(node_a)
        .bind(format!("{}T05:00:00.000Z", last.start + Duration::days(4)))
        .execute(&app.state.db)
        .await
        .expect("hourly");
    let a = login_as(&app, &email_a).await;
    let subject = subject_of(inst_a);
    let label = last.label();
    let page = write_path(&subject, &label);
    let (code, html) = a.text(&page).await;
    assert_eq!(code, StatusCode::OK, "{html}");
    let text = visible_text(&html);
    assert!(
        text.contains("Nodo «Nodo Cooperativa A»: disponibilidad 99.0 %"),
        "{text}"
    );
    assert!(text.contains("mayor retraso (bloques) 3"), "{text}");

    // filing with nothing written is refused, the field named
    let fields = |performance: &str, file: bool| {
        let mut f = vec![
            ("debtor", "member".to_string()),
            ("subject", subject.clone()),
            ("period", label.clone()),
            ("performance", performance.to_string()),
        ];
        if file {
            f.push(("file", "1".into()));
        }
        f
    };
    let r = post(&a, &page, fields("   ", true)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Este dato es obligatorio.")
    );
    // a draft keeps what was typed (escaped in the textarea)
    let r = post(
        &a,
        &page,
        fields("Todo <b>bien</b>\ncon una caída de 1 %.", false),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).ends_with("&saved=1"), "{}", location(&r));
    let (_, html) = a.text(&page).await;
    assert!(html.contains("Todo &lt;b&gt;bien&lt;/b&gt;"), "{html}");
    // filed: frozen, on its public page, a PDF with a QR code to its verification, in the log
    let r = post(&a, &page, fields("Todo bien, con una caída de 1 %.", true)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let report_page = location(&r);
    assert!(
        report_page.starts_with("/reporting/reports/"),
        "{report_page}"
    );
    let (code, html) = app.browser().text(&report_page).await;
    assert_eq!(code, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("Todo bien, con una caída de 1 %.") && text.contains("99.0 %"),
        "{text}"
    );
    let pdf = app
        .browser()
        .get(&format!("{report_page}/report.pdf"))
        .await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.expect("pdf").to_vec();
    assert!(pdf.starts_with(b"%PDF"));
    let reference = format!("report/member/{subject}/{label}");
    let codes = qr_codes_in(&pdf);
    assert!(
        codes
            .iter()
            .any(|c| c.contains("/v/lookup?source=portal&kind=governance.report-filed")),
        "{codes:?}"
    );
    let evidence = evidence_of(&app, &reference).await;
    let (_, v) = app.browser().text(&format!("/v/{evidence}")).await;
    assert!(
        v.contains(&app::domain::evidence::Hash::of(&pdf).hex()),
        "the PDF is the evidence's document"
    );
    let (_, html) = app.browser().text(&report_page).await;
    assert!(
        html.contains(&format!("/v/{evidence}")),
        "the report links to its verification"
    );
    // filing again is refused; the other member cannot write it
    let r = post(&a, "/reporting/mine", fields("Otra versión", true)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b = login_as(&app, &email_b).await;
    let (code, html) = b.text(&page).await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    assert!(visible_text(&html).contains("Este informe no es tuyo"));
    let r = b
        .submit(
            &write_path(&subject_of(inst_b), &label),
            "/reporting/write",
            &[
                ("debtor", "member"),
                ("subject", &subject),
                ("period", &label),
                ("performance", "Suplantado"),
                ("file", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // a period not over yet cannot be written
    let this = Period::Monthly.containing(today).label();
    let (code, _) = a.text(&write_path(&subject, &this)).await;
    assert_eq!(code, StatusCode::FORBIDDEN);

    // the public table: A's last month on time (or late, past the due day); B's month before
    // last missing, its last month pending or missing
    let o = reporting::obligation(&app.state.db, Debtor::Member)
        .await
        .expect("obligation");
    let holidays = &app.state.settings.meetings.holidays;
    let due_last = o.due_on(last, holidays);
    let (_, html) = app
        .browser()
        .text(&format!("/reporting?year={}", last.start.year()))
        .await;
    let row = |name: &str| -> String {
        let at = html
            .find(&format!(">{name}</th>"))
            .unwrap_or_else(|| panic!("{name} in {html}"));
        html[at..at + html[at..].find("</tr>").expect("row end")].to_string()
    };
    let a_row = row("Cooperativa A");
    let a_standing = Standing::of(due_last, Some(today), today);
    assert!(
        a_row.contains(&format!("standing-{}", a_standing.as_str())),
        "{a_row}"
    );
    assert!(a_row.contains(&format!("/v/{evidence}")), "{a_row}");
    let b_row = row("Cooperativa B");
    assert!(!b_row.contains("/reporting/reports/"), "{b_row}");
    let b_last = Standing::of(due_last, None, today);
    assert!(
        b_row.contains(&format!("standing-{}", b_last.as_str())),
        "{b_row}"
    );
    if before.start.year() == last.start.year() {
        assert!(b_row.contains("standing-missing"), "{b_row}");
    }
    // B's own list and home page say what it owes
    let (_, mine) = b.text("/reporting/mine").await;
    assert!(visible_text(&mine).contains(&before.label()), "{mine}");
    app.stop().await;
}

#[tokio::test]
async fn reminders_go_once_before_and_once_after_the_due_day_in_each_authors_language() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn().await;
    let today = Utc::now().date_naive();
    let (before, last) = last_two_months(today);
    let [(email_a, _, _, _), (email_b, person_b, _, _)] =
        two_members(&app, before.start + Duration::days(2)).await;
    sqlx::query("UPDATE accounts SET locale = 'en' WHERE person_id = ?")
        .bind(person_b)
        .execute(&app.state.db)
        .await
        .expect("locale");
    let o = reporting::obligation(&app.state.db, Debtor::Member)
        .await
        .expect("obligation");
    let due = o.due_on(last, &app.state.settings.meetings.holidays);
    let remind = |day: NaiveDate| {
        let state = app.state.clone();
        async move { reminders::remind(&state, day).await.expect("remind") }
    };
    assert_eq!(remind(due - Duration::days(8)).await, 0, "too early");
    assert_eq!(
        remind(due - Duration::days(3)).await,
        2,
        "one to each member"
    );
    assert_eq!(remind(due - Duration::days(2)).await, 0, "once");
    assert_eq!(remind(due).await, 0);
    assert_eq!(remind(due + Duration::days(1)).await, 2, "the day after");
    assert_eq!(remind(due + Duration::days(2)).await, 0, "once");
    app::services::mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("deliver");
    let all = smtp.messages();
    let to_of = |m: &crate::mail::Mail| m.header("to").unwrap_or_default().to_string();
    let subjects = |email: &str| -> Vec<String> {
        all.iter()
            .filter(|m| to_of(m).contains(email))
            .filter_map(|m| m.header("subject").map(str::to_string))
            .collect()
    };
    let label = last.label();
    let a = subjects(&email_a);
    assert_eq!(a.len(), 2, "{a:?}");
    assert!(
        a.iter()
            .any(|s| s.contains(&format!("Informe {label} de Cooperativa A: vence el {due}"))),
        "{a:?}"
    );
    // the other one's subject carries an accent (RFC 2047-encoded): its text is checked in the
    // body, whose words are the same
    assert!(
        a.iter()
            .any(|s| !s.contains("vence el") && s.contains(&due.to_string())),
        "{a:?}"
    );
    let b = subjects(&email_b);
    assert_eq!(b.len(), 2, "{b:?}");
    assert!(
        b.iter()
            .any(|s| s.contains(&format!("Report {label} of Cooperativa B: due on {due}"))),
        "{b:?}"
    );
    assert!(b.iter().any(|s| s.contains("was due on")), "{b:?}");
    let body = all
        .iter()
        .find(|m| to_of(m).contains(&email_b))
        .and_then(|m| m.part("text/plain"))
        .map(|p| p.1.clone())
        .unwrap_or_default();
    assert!(body.contains("/reporting/write?debtor=member"), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_changes_an_obligation_audited_and_others_cannot() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (code, html) = admin.text("/admin/reporting").await;
    assert_eq!(code, StatusCode::OK);
    assert!(visible_text(&html).contains("Integrantes (sus nodos)"));
    let bad = admin
        .submit(
            "/admin/reporting/member",
            "/admin/reporting",
            &[
                ("debtor", "member"),
                ("period", "weekly"),
                ("due_day", "40"),
                ("starts_on", "2026-01-01"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.expect("body");
    assert!(html.contains("Escribe un día del mes, de 1 a 31.") && html.contains("value=\"40\""));
    let ok = admin
        .submit(
            "/admin/reporting/member",
            "/admin/reporting",
            &[
                ("debtor", "member"),
                ("period", "bimonthly"),
                ("due_day", "15"),
                ("starts_on", "2026-03-01"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let o = reporting::obligation(&app.state.db, Debtor::Member)
        .await
        .expect("obligation");
    assert_eq!((o.period, o.due_day), (Period::Bimonthly, 15));
    let audit = app.audit_actions().await;
    let change = audit
        .iter()
        .find(|a| a.0 == "report-obligation.updated")
        .expect("audited");
    assert!(change.4.as_deref().unwrap_or_default().contains("monthly"));
    assert!(
        change
            .5
            .as_deref()
            .unwrap_or_default()
            .contains("bimonthly")
    );
    let (member, _) = app.browser_as(Role::Member).await;
    let r = member
        .submit(
            "/reporting",
            "/admin/reporting",
            &[
                ("debtor", "member"),
                ("period", "monthly"),
                ("due_day", "1"),
                ("starts_on", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

/// A report filed on its due day, written straight to the table (the filing itself is the first
/// test's): for tests of what reads the calendar.
pub(crate) async fn filed_report(
    app: &TestApp,
    debtor: &str,
    subject: &str,
    start: &str,
    end: &str,
    due: &str,
) {
    sqlx::query(
        "INSERT INTO reports (debtor, subject, subject_name, subject_name_en, period_start, period_end, period, due_on,
             status, facts_json, answers_json, author_id, created_at, updated_at, filed_at)
         VALUES (?1, ?2, 'x', 'x', ?3, ?4, ?5, ?6, 'filed', '[]', '{}', 1, ?7, ?7, ?7)",
    )
    .bind(debtor)
    .bind(subject)
    .bind(start)
    .bind(end)
    .bind(&start[..7])
    .bind(due)
    .bind(format!("{due}T09:00:00.000Z"))
    .execute(&app.state.db)
    .await
    .expect("filed report");
}

#[tokio::test]
async fn a_project_whose_report_is_missing_is_flagged_stalled_from_the_day_after_its_due_day() {
    let app = TestApp::spawn().await;
    let (citizen, _) = app.browser_as(Role::Member).await;
    let fields = crate::projects::application("Compras abiertas", "2026-06-30", "2026-07-01");
    let r =
        crate::projects::post_application(&citizen, &fields, Some(b"%PDF-1.7 compromiso")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM projects")
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    // admitted on 1 February 2026: it owes its January–February report by 10 March (a Tuesday)
    sqlx::query("UPDATE projects SET status = 'admitted', phase = 'proof_of_concept', admitted_at = '2026-02-01T10:00:00.000Z' WHERE id = ?")
        .bind(id)
        .execute(&app.state.db)
        .await
        .expect("admit");
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    use app::services::projects::running::check_stalled;
    assert_eq!(
        check_stalled(&app.state, day("2026-03-10"))
            .await
            .expect("check"),
        0
    );
    assert_eq!(
        check_stalled(&app.state, day("2026-03-11"))
            .await
            .expect("check"),
        1
    );
    let (json, since): (String, Option<String>) =
        sqlx::query_as("SELECT stalled_json, stalled_since FROM projects WHERE id = ?")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .expect("flag");
    assert!(json.contains("report_overdue"), "{json}");
    assert_eq!(since.as_deref(), Some("2026-03-11"));
    // filed (late): the flag clears on the next pass
    filed_report(
        &app,
        "project",
        &format!("project:{id}"),
        "2026-01-01",
        "2026-02-28",
        "2026-03-12",
    )
    .await;
    check_stalled(&app.state, day("2026-03-12"))
        .await
        .expect("check");
    let json: String = sqlx::query_scalar("SELECT stalled_json FROM projects WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("flag");
    assert!(!json.contains("report_overdue"), "{json}");
    app.stop().await;
}
