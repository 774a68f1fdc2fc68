//! Applications to the Advisory Council over HTTP: a written application with a CV (multipart),
//! read by the Executive Secretary and decided by the Executive Council through its Secretary
//! only; a refusal that stays out of the public log; a sitting member's second term (and no
//! third); and the seat limit holding an admission back.

use crate::support::*;
use app::domain::roles::Role;
use reqwest::{Response, StatusCode};
use sha2::Digest;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const LETTER: &str =
    "Investigo registros distribuidos desde hace diez años y quiero aportar al Consejo Consultivo.";

async fn rename(app: &TestApp, account: i64, name: &str) {
    sqlx::query(
        "UPDATE people SET full_name = ? WHERE id = (SELECT person_id FROM accounts WHERE id = ?)",
    )
    .bind(name)
    .bind(account)
    .execute(&app.state.db)
    .await
    .expect("rename");
}

/// Posts the application form as a browser does (multipart, the CSRF token first); `cv` is
/// (file name, content type, bytes), `None` for a file input left empty.
async fn apply(b: &Browser, letter: &str, cv: Option<(&str, &str, &[u8])>) -> Response {
    let token = b.csrf("/advisory/apply").await;
    let (name, mime, bytes) = cv.unwrap_or(("", "application/octet-stream", b""));
    let file = reqwest::multipart::Part::bytes(bytes.to_vec())
        .file_name(name.to_string())
        .mime_str(mime)
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("_csrf", token)
        .text("letter", letter.to_string())
        .part("cv", file);
    b.client
        .post(format!("{}/advisory/apply", b.base))
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

fn application_id(r: &Response) -> i64 {
    location(r)
        .trim_start_matches("/advisory/applications/")
        .parse()
        .expect("application id")
}

async fn body_text(r: Response) -> String {
    visible_text(&r.text().await.expect("body"))
}

async fn status_of(app: &TestApp, id: i64) -> (String, Option<i64>) {
    sqlx::query_as("SELECT status, office_id FROM advisory_applications WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("application")
}

async fn decide(b: &Browser, id: i64, fields: &[(&str, &str)]) -> Response {
    let page = format!("/advisory/applications/{id}");
    b.submit(&page, &format!("{page}/decision"), fields).await
}

#[tokio::test]
async fn an_application_with_a_cv_is_read_and_admitted_by_the_executive_council_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (secretary_email, _) = app.account_with_role(Role::ExecutiveSecretary).await;
    let secretary = login_as(&app, &secretary_email).await;
    let (applicant_email, applicant_account) = app.account_with_role(Role::Applicant).await;
    rename(&app, applicant_account, "Ana Consultora").await;
    let applicant = login_as(&app, &applicant_email).await;
    let (member, _) = app.browser_as(Role::Member).await;
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;

    // anonymous visitors are sent to log in
    let anonymous = app.browser();
    for path in [
        "/advisory/apply",
        "/advisory/applications",
        "/advisory/applications/1",
    ] {
        let r = anonymous.get(path).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&r).starts_with("/login?next="), "{path}");
    }

    // the page explains the seat from the settings
    let (status, html) = applicant.text("/advisory/apply").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("como máximo a 15 personas expertas"),
        "{text}"
    );
    assert!(text.contains("24 meses"), "{text}");
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("accept=\"application/pdf,.pdf\""));

    // a CV is required, and must be a PDF; the letter typed is kept
    let r = apply(&applicant, LETTER, None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(r).await;
    assert!(text.contains("Adjunte su currículum en PDF"), "{text}");
    assert!(text.contains(LETTER), "the letter is kept");
    let r = apply(
        &applicant,
        LETTER,
        Some(("cv.docx", "application/pdf", b"PK\x03\x04 not a pdf")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(r)
            .await
            .contains("El currículum debe ser un archivo PDF")
    );
    let r = apply(&applicant, "  ", Some(("cv.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("Escriba la carta de solicitud"));

    let r = apply(
        &applicant,
        LETTER,
        Some(("C:\\Documentos\\CV Ana.pdf", "application/pdf", PDF)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = application_id(&r);
    assert_eq!(status_of(&app, id).await, ("submitted".into(), None));

    // one application at a time
    let r = apply(&applicant, LETTER, Some(("cv.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(r)
            .await
            .contains("Ya tiene una solicitud en trámite")
    );
    let mine = visible_text(&applicant.text("/advisory/apply").await.1);
    assert!(mine.contains("En trámite"), "{mine}");

    // the Executive Secretary is told, and reads it with its CV
    let mail = app::services::mail::by_topic(&app.state.db, &format!("advisory-application/{id}"))
        .await
        .expect("outbox");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to_address, secretary_email);
    let (status, html) = secretary.text("/advisory/applications").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("Ana Consultora") && text.contains("Por resolver"),
        "{text}"
    );
    let page = format!("/advisory/applications/{id}");
    let (status, html) = secretary.text(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains(LETTER));
    let r = secretary.get(&format!("{page}/cv")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"CV_Ana.pdf\"; filename*=UTF-8''CV_Ana.pdf"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.expect("cv").as_ref(), PDF);
    // the administrator and the applicant read it too; other accounts do not
    assert_eq!(admin.get(&page).await.status(), StatusCode::OK);
    assert_eq!(
        applicant.get(&format!("{page}/cv")).await.status(),
        StatusCode::OK
    );
    assert_eq!(member.get(&page).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        member.get(&format!("{page}/cv")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        member.get("/advisory/applications").await.status(),
        StatusCode::FORBIDDEN
    );

    // the decision is the Executive Council's, recorded by its Secretary only
    let admit = [("decision", "admit"), ("note", "Sesión ordinaria 3/2026")];
    for (who, b) in [
        ("member", &member),
        ("leader", &leader),
        ("administrator", &admin),
        ("applicant", &applicant),
    ] {
        let r = b
            .submit("/advisory/apply", &format!("{page}/decision"), &admit)
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let r = anonymous
        .submit("/login", &format!("{page}/decision"), &admit)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next="));
    assert_eq!(status_of(&app, id).await.0, "submitted");
    let r = decide(&secretary, id, &[("note", "sin elegir")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(r).await;
    assert!(
        text.contains("Elija si la solicitud se admite o no"),
        "{text}"
    );
    assert!(text.contains("sin elegir"), "the note is kept");

    let r = decide(&secretary, id, &admit).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, office) = status_of(&app, id).await;
    assert_eq!(status, "admitted");
    // the office granted ended the applicant's sessions: what they may do is settled at the next
    // sign-in
    assert_ne!(applicant.get("/account").await.status(), StatusCode::OK);
    let applicant = login_as(&app, &applicant_email).await;
    let office = office.expect("office");
    let (role, starts, person): (String, chrono::NaiveDate, i64) =
        sqlx::query_as("SELECT role, starts_on, person_id FROM offices WHERE id = ?")
            .bind(office)
            .fetch_one(&app.state.db)
            .await
            .expect("office");
    assert_eq!(role, "advisory_member");
    assert_eq!(starts, chrono::Utc::now().date_naive());
    assert_eq!(person, person_of(&app, applicant_account).await);

    // the admission is a public decision naming the letter and the CV by their hashes only
    let reference = format!("appointment/{office}");
    let evidence = evidence_of(&app, &reference).await;
    let (event, body, data): (String, String, String) =
        sqlx::query_as("SELECT event, body, data_json FROM decisions WHERE ref = ?")
            .bind(&reference)
            .fetch_one(&app.state.db)
            .await
            .expect("decision");
    assert_eq!(event, "advisory-admitted");
    assert_eq!(body, "executive-council");
    assert!(!data.contains("diez años"), "the letter is not published");
    let data: serde_json::Value = serde_json::from_str(&data).expect("json");
    let grounds = &data["grounds"];
    assert_eq!(grounds["application"], id);
    assert_eq!(grounds["kind"], "admission");
    assert_eq!(grounds["cv_sha256"], hex::encode(sha2::Sha256::digest(PDF)));
    assert_eq!(
        grounds["letter_sha256"],
        hex::encode(sha2::Sha256::digest(LETTER.as_bytes()))
    );
    assert_eq!(grounds["cv_filename"], "CV Ana.pdf");
    assert_eq!(grounds["note"], "Sesión ordinaria 3/2026");
    let (status, verified) = app.browser().text(&format!("/v/{evidence}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!verified.contains("diez años"));
    let councils = app.browser().text("/councils").await.1;
    assert!(
        visible_text(&councils).contains("Ana Consultora"),
        "on /councils"
    );
    assert!(councils.contains(&format!("/v/{evidence}")));

    // the applicant is told; the application cannot be decided twice; a member does not re-apply
    let mail = app::services::mail::by_topic(&app.state.db, &format!("advisory-decision/{id}"))
        .await
        .expect("outbox");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to_address, applicant_email);
    assert_eq!(mail[0].status, "queued");
    let r = decide(&secretary, id, &[("decision", "reject"), ("note", "tarde")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("ya fue resuelta"));
    let html = applicant.text("/advisory/apply").await.1;
    assert!(
        html.contains("action=\"/advisory/renewal\""),
        "a member sees the second-term form"
    );
    let r = apply(&applicant, LETTER, Some(("cv.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(r)
            .await
            .contains("Ya ocupa un lugar en el Consejo Consultivo")
    );
    let audit = app.audit_actions().await;
    for action in ["advisory.applied", "advisory.admitted", "office.granted"] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_rejection_needs_a_note_is_not_published_and_is_mailed() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let (applicant_email, _) = app.account_with_role(Role::Member).await;
    let applicant = login_as(&app, &applicant_email).await;
    let r = apply(&applicant, LETTER, Some(("cv.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = application_id(&r);
    let decisions = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM decisions")
            .fetch_one(&app.state.db)
            .await
            .expect("count")
    };
    let before = decisions().await;

    let r = decide(&secretary, id, &[("decision", "reject"), ("note", "  ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("Escriba el motivo"));
    assert_eq!(status_of(&app, id).await.0, "submitted");

    let note = "El perfil no corresponde a las áreas que busca el Consejo en este periodo.";
    let r = decide(&secretary, id, &[("decision", "reject"), ("note", note)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, ("rejected".into(), None));
    let stored: String =
        sqlx::query_scalar("SELECT decision_note FROM advisory_applications WHERE id = ?")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .expect("note");
    assert_eq!(stored, note);
    assert_eq!(
        decisions().await,
        before,
        "a refusal is not a public decision"
    );
    let offices: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM offices WHERE role = 'advisory_member'")
            .fetch_one(&app.state.db)
            .await
            .expect("offices");
    assert_eq!(offices, 0);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a.0 == "advisory.rejected")
    );
    let mail = app::services::mail::by_topic(&app.state.db, &format!("advisory-decision/{id}"))
        .await
        .expect("outbox");
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to_address, applicant_email);
    // the applicant sees the outcome and the reason, and may apply again
    let text = visible_text(
        &applicant
            .text(&format!("/advisory/applications/{id}"))
            .await
            .1,
    );
    assert!(
        text.contains("No admitida") && text.contains(note),
        "{text}"
    );
    let r = apply(&applicant, LETTER, Some(("cv.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.stop().await;
}

#[tokio::test]
async fn a_sitting_member_is_granted_a_second_term_but_not_a_third() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let (adviser_email, adviser_account) = app.account_with_role(Role::AdvisoryMember).await;
    let adviser = login_as(&app, &adviser_email).await;
    let (outsider, _) = app.browser_as(Role::Member).await;
    let person = person_of(&app, adviser_account).await;
    let (first, first_ends): (i64, chrono::NaiveDate) = sqlx::query_as(
        "SELECT id, ends_on FROM offices WHERE person_id = ? AND role = 'advisory_member'",
    )
    .bind(person)
    .fetch_one(&app.state.db)
    .await
    .expect("first term");

    // only a sitting member asks for a second term
    let letter = [(
        "letter",
        "Solicito un segundo periodo para concluir el plan de trabajo.",
    )];
    let r = outsider
        .submit("/advisory/apply", "/advisory/renewal", &letter)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("Solo quien ocupa un lugar"));
    let html = adviser.text("/advisory/apply").await.1;
    assert!(html.contains("action=\"/advisory/renewal\""));
    assert!(
        !html.contains("action=\"/advisory/apply\""),
        "no admission form for a member"
    );
    let r = adviser
        .submit("/advisory/apply", "/advisory/renewal", &[("letter", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = adviser
        .submit("/advisory/apply", "/advisory/renewal", &letter)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = application_id(&r);
    let r = adviser
        .submit("/advisory/apply", "/advisory/renewal", &letter)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body_text(r)
            .await
            .contains("Ya tiene una solicitud en trámite")
    );

    let r = decide(&secretary, id, &[("decision", "admit")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, office) = status_of(&app, id).await;
    assert_eq!(status, "admitted");
    let adviser = login_as(&app, &adviser_email).await;
    let office = office.expect("second term");
    let (renews, starts): (Option<i64>, chrono::NaiveDate) =
        sqlx::query_as("SELECT renews, starts_on FROM offices WHERE id = ?")
            .bind(office)
            .fetch_one(&app.state.db)
            .await
            .expect("office");
    assert_eq!(renews, Some(first));
    assert_eq!(starts, first_ends.succ_opt().expect("next day"));
    let event: String = sqlx::query_scalar("SELECT event FROM decisions WHERE ref = ?")
        .bind(format!("appointment/{office}"))
        .fetch_one(&app.state.db)
        .await
        .expect("decision");
    assert_eq!(event, "advisory-renewed");
    evidence_of(&app, &format!("appointment/{office}")).await;

    // a third term in a row is refused by the seat rules, before it reaches the council
    let r = adviser
        .submit("/advisory/apply", "/advisory/renewal", &letter)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(r).await;
    assert!(
        text.contains("solo puede renovarse 1 veces seguidas"),
        "{text}"
    );
    let requests: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM advisory_applications WHERE person_id = ?")
            .bind(person)
            .fetch_one(&app.state.db)
            .await
            .expect("count");
    assert_eq!(requests, 1);
    app.stop().await;
}

#[tokio::test]
async fn admitting_is_refused_while_the_advisory_seats_are_full() {
    let app = TestApp::spawn_with(|s| s.governance.advisory_max = 1).await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    app.account_with_role(Role::AdvisoryMember).await;
    let (applicant, applicant_account) = app.browser_as(Role::Applicant).await;
    let text = visible_text(&applicant.text("/advisory/apply").await.1);
    assert!(text.contains("1 de 1 lugares ocupados"), "{text}");
    let r = apply(&applicant, LETTER, Some(("cv.pdf", "application/pdf", PDF))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = application_id(&r);

    let r = decide(&secretary, id, &[("decision", "admit")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(r).await;
    assert!(
        text.contains("Los 1 lugares de este cargo están ocupados"),
        "{text}"
    );
    assert_eq!(status_of(&app, id).await, ("submitted".into(), None));
    let offices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices WHERE person_id = ?")
        .bind(person_of(&app, applicant_account).await)
        .fetch_one(&app.state.db)
        .await
        .expect("offices");
    assert_eq!(offices, 0, "nothing changes");
    assert!(
        app::services::mail::by_topic(&app.state.db, &format!("advisory-decision/{id}"))
            .await
            .expect("outbox")
            .is_empty()
    );
    app.stop().await;
}

/// The office id of an account's Advisory Council seat.
async fn seat_of(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT o.id FROM offices o JOIN accounts a ON a.person_id = o.person_id
         WHERE a.id = ? AND o.role = 'advisory_member' ORDER BY o.id DESC",
    )
    .bind(account)
    .fetch_one(&app.state.db)
    .await
    .expect("seat")
}

async fn removal_status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM advisory_removals WHERE id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("removal")
}

/// Waits for the motions worker to settle a removal; its final status.
async fn settled(app: &TestApp, id: i64) -> String {
    for _ in 0..200 {
        let status = removal_status(app, id).await;
        if status != "proposed" {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("removal {id} was not settled");
}

/// The removal just proposed (the redirect names it).
fn removal_id(r: &Response) -> i64 {
    location(r)
        .rsplit("#removal-")
        .next()
        .and_then(|s| s.parse().ok())
        .expect("removal id")
}

#[tokio::test]
async fn an_advisory_member_is_removed_only_by_the_executive_councils_vote_at_a_meeting() {
    use chrono::{Days, Utc};
    let app = TestApp::spawn_with(crate::meetings::small_council).await;
    let admin = app.admin().await;
    let (secretary_email, secretary_account) =
        app.account_with_role(Role::ExecutiveSecretary).await;
    let secretary = login_as(&app, &secretary_email).await;
    let (_, seat_account) = app.browser_as(Role::ProjectsCommission).await;
    let (_, nodes_account) = app.browser_as(Role::NodesCommission).await;
    let (member_email, member_account) = app.account_with_role(Role::AdvisoryMember).await;
    let member = login_as(&app, &member_email).await;
    let (_, other_account) = app.account_with_role(Role::AdvisoryMember).await;
    rename(&app, member_account, "Elena Ruiz").await;
    rename(&app, other_account, "Tomás Vidal").await;
    let (office, other_office) = (
        seat_of(&app, member_account).await,
        seat_of(&app, other_account).await,
    );

    // an administrator cannot revoke the seat: the refusal says who decides, with a link
    let r = admin
        .submit(
            &format!("/admin/accounts/{member_account}"),
            &format!("/admin/offices/{office}/revoke"),
            &[("reason", "ya no asiste")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        visible_text(&html).contains("lo retira el Consejo Ejecutivo por votación en sesión"),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/advisory/removals">"#), "{html}");
    let revoked: Option<String> = sqlx::query_scalar("SELECT revoked_at FROM offices WHERE id = ?")
        .bind(office)
        .fetch_one(&app.state.db)
        .await
        .expect("office");
    assert!(revoked.is_none());

    // only the Executive Secretary proposes; without a Council meeting there is nowhere to put it
    let r = member
        .submit(
            "/advisory/removals",
            "/advisory/removals",
            &[
                ("office", &office.to_string()),
                ("meeting", "1"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let text = visible_text(&secretary.text("/advisory/removals").await.1);
    assert!(
        text.contains("No hay ninguna sesión del Consejo Ejecutivo"),
        "{text}"
    );
    let far = (Utc::now().date_naive() + Days::new(30)).to_string();
    let r = secretary
        .submit(
            "/meetings/new",
            "/meetings",
            &crate::meetings::fields(&crate::meetings::meeting_form(&far)),
        )
        .await;
    let meeting_page = location(&r);
    let meeting: i64 = meeting_page
        .trim_start_matches("/meetings/")
        .parse()
        .expect("meeting");

    // refused without a reason, the choices kept; then proposed, and the member told
    let page = format!("/advisory/removals?office={office}");
    let (m, o) = (meeting.to_string(), office.to_string());
    let r = secretary
        .submit(
            &page,
            "/advisory/removals",
            &[("office", &o), ("meeting", &m), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        visible_text(&html).contains("Escriba el motivo de la remoción"),
        "{html}"
    );
    assert!(
        html.contains(&format!(r#"<option value="{office}" selected"#)),
        "member kept"
    );
    let reason = "Faltó a cuatro sesiones seguidas <sin aviso>.";
    let r = secretary
        .submit(
            &page,
            "/advisory/removals",
            &[("office", &o), ("meeting", &m), ("reason", reason)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", location(&r));
    let removal = removal_id(&r);
    assert_eq!(removal_status(&app, removal).await, "proposed");
    let motion: String = sqlx::query_scalar(
        "SELECT a.motion FROM agenda_items a JOIN advisory_removals r ON r.agenda_item_id = a.id WHERE r.id = ?",
    )
    .bind(removal)
    .fetch_one(&app.state.db)
    .await
    .expect("item");
    assert!(
        motion.contains("Retirar a Elena Ruiz del Consejo Consultivo") && motion.contains(reason),
        "{motion}"
    );
    let told = app::services::mail::by_topic(&app.state.db, &format!("advisory-removal/{removal}"))
        .await
        .expect("mail");
    assert_eq!(told.len(), 1, "the member is told");
    // proposed twice: refused
    let r = secretary
        .submit(
            &page,
            "/advisory/removals",
            &[("office", &o), ("meeting", &m), ("reason", "otra vez")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("ya está en el orden del día"),);
    // the second member's removal is proposed to the same meeting
    let r = secretary
        .submit(
            "/advisory/removals",
            "/advisory/removals",
            &[
                ("office", &other_office.to_string()),
                ("meeting", &m),
                ("reason", "Conflicto de interés declarado."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let kept = removal_id(&r);
    // the item decides the removal: it cannot be dropped from the draft agenda
    let item: i64 = sqlx::query_scalar("SELECT agenda_item_id FROM advisory_removals WHERE id = ?")
        .bind(kept)
        .fetch_one(&app.state.db)
        .await
        .expect("item");
    let r = secretary
        .submit(
            &meeting_page,
            &format!("{meeting_page}/agenda/{item}/remove"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // the Council meets and votes: the first removal approved, the second rejected
    let r = secretary
        .submit(&meeting_page, &format!("{meeting_page}/convene"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (sec, seat, nodes) = (
        person_of(&app, secretary_account).await.to_string(),
        person_of(&app, seat_account).await.to_string(),
        person_of(&app, nodes_account).await.to_string(),
    );
    for person in [&sec, &seat, &nodes] {
        let r = secretary
            .submit(
                &meeting_page,
                &format!("{meeting_page}/attendance"),
                &[("person", person), ("presence", "in_person"), ("proxy", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = secretary
        .submit(&meeting_page, &format!("{meeting_page}/open"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", body_text(r).await);
    for (id, choice) in [(removal, "yes"), (kept, "no")] {
        let item: i64 =
            sqlx::query_scalar("SELECT agenda_item_id FROM advisory_removals WHERE id = ?")
                .bind(id)
                .fetch_one(&app.state.db)
                .await
                .expect("item");
        let choices = [(sec.as_str(), choice), (&seat, choice), (&nodes, choice)];
        crate::minutes::vote_as(&app, &secretary, &meeting_page, item, &choices).await;
    }
    assert_eq!(settled(&app, removal).await, "removed");
    assert_eq!(settled(&app, kept).await, "kept");

    // the seat ended with the reason; the decision names the vote and is verifiable
    let (revoked, why): (Option<String>, String) =
        sqlx::query_as("SELECT revoked_at, revoke_reason FROM offices WHERE id = ?")
            .bind(office)
            .fetch_one(&app.state.db)
            .await
            .expect("office");
    assert!(revoked.is_some());
    assert_eq!(why, reason);
    let still: Option<String> = sqlx::query_scalar("SELECT revoked_at FROM offices WHERE id = ?")
        .bind(other_office)
        .fetch_one(&app.state.db)
        .await
        .expect("office");
    assert!(still.is_none(), "the rejected removal keeps the seat");
    let evidence = evidence_of(&app, &format!("office-revoked/{office}")).await;
    let (body, data): (String, String) =
        sqlx::query_as("SELECT body, data_json FROM decisions WHERE ref = ?")
            .bind(format!("office-revoked/{office}"))
            .fetch_one(&app.state.db)
            .await
            .expect("decision");
    assert_eq!(body, "executive-council");
    let data: serde_json::Value = serde_json::from_str(&data).expect("json");
    assert_eq!(data["decided_by"]["meeting"], meeting, "{data}");
    assert_eq!(
        data["decided_by"]["result"]["outcome"], "approved",
        "{data}"
    );
    assert_eq!(data["reason"], reason);
    let (code, html) = app.browser().text("/advisory/removals").await;
    assert_eq!(code, StatusCode::OK);
    let text = visible_text(&html);
    for expected in [
        "Elena Ruiz",
        "Removido por el Consejo",
        "Tomás Vidal",
        "Rechazada: conserva su lugar",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(html.contains("&lt;sin aviso&gt;"), "the reason is escaped");
    assert!(html.contains(&format!("href=\"/v/{evidence}\"")));
    let councils = visible_text(&app.browser().text("/councils").await.1);
    assert!(
        !councils.contains("Elena Ruiz") && councils.contains("Tomás Vidal"),
        "{councils}"
    );
    let audit = app.audit_actions().await;
    for action in [
        "advisory.removal-proposed",
        "advisory.removal-removed",
        "advisory.removal-kept",
    ] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }

    // a removal whose meeting is called off lapses
    let r = secretary
        .submit(
            "/meetings/new",
            "/meetings",
            &crate::meetings::fields(&crate::meetings::meeting_form(&far)),
        )
        .await;
    let second_page = location(&r);
    let second = second_page.trim_start_matches("/meetings/").to_string();
    let r = secretary
        .submit(
            "/advisory/removals",
            "/advisory/removals",
            &[
                ("office", &other_office.to_string()),
                ("meeting", &second),
                ("reason", "Segunda propuesta."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let lapsing = removal_id(&r);
    let r = secretary
        .submit(
            &second_page,
            &format!("{second_page}/cancel"),
            &[("reason", "Sin quórum previsto.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // the worker's pass runs every minute; a closed vote elsewhere wakes it sooner
    app::services::advisory::removal::settle_by_votes(&app.state)
        .await
        .expect("settle");
    assert_eq!(removal_status(&app, lapsing).await, "lapsed");
    app.stop().await;
}
