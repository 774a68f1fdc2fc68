//! The ethics code and the security protocol over HTTP: the Executive Secretary records versions
//! (refused empty or unchanged, what was typed kept; others refused), each a decision whose
//! evidence carries the text and its fingerprint, with the differences between versions public;
//! a member who has not accepted the version in force is refused a vote with the reason, accepts
//! it, and votes; the day's acceptances become one decision.

use crate::support::*;
use app::domain::documents::{DocKind, fingerprint};
use app::domain::roles::Role;
use reqwest::StatusCode;

fn version(kind: &str, es: &str, en: &str, note: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", kind.into()),
        ("title_es", "Código de ética".into()),
        ("title_en", "Ethics code".into()),
        ("text_es", es.into()),
        ("text_en", en.into()),
        ("change_note", note.into()),
    ]
}

async fn publish(b: &Browser, fields: &[(&'static str, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.submit(
        "/governance-documents?kind=ethics-code",
        "/governance-documents",
        &refs,
    )
    .await
}

#[tokio::test]
async fn the_council_publishes_versions_registered_with_their_text_and_differences() {
    let app = TestApp::spawn().await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let (member, _) = app.browser_as(Role::Member).await;
    let (_, html) = app.browser().text("/ethics").await;
    assert!(visible_text(&html).contains("Aún no se ha publicado ninguna versión."));

    let r = publish(
        &secretary,
        &version("ethics-code", "  ", "Integrity <first>.", ""),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("Este dato es obligatorio.") && html.contains("Integrity &lt;first&gt;.")
    );
    let v1 = version(
        "ethics-code",
        "1. Integridad\n2. Transparencia",
        "1. Integrity\n2. Transparency",
        "",
    );
    assert_eq!(
        publish(&secretary, &v1).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        publish(&secretary, &v1).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the same text is not a new version"
    );
    let v2 = version(
        "ethics-code",
        "1. Integridad\n2. Transparencia activa\n3. Conflicto de intereses",
        "1. Integrity\n2. Active transparency\n3. Conflict of interest",
        "Transparencia activa y conflicto de intereses.",
    );
    assert_eq!(
        publish(&secretary, &v2).await.status(),
        StatusCode::SEE_OTHER
    );
    let refs: Vec<(&str, &str)> = v2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member
        .submit("/ethics", "/governance-documents", &refs)
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only the Secretary records a version"
    );

    // the version in force, the history, the differences
    let (_, html) = member.text("/ethics").await;
    let text = visible_text(&html);
    assert!(
        text.contains("Versión 2, publicada el") && text.contains("3. Conflicto de intereses"),
        "{text}"
    );
    assert!(
        text.contains("Acepto el código de ética (versión 2)"),
        "{text}"
    );
    let (code, html) = app.browser().text("/ethics/diff?from=1&to=2").await;
    assert_eq!(code, StatusCode::OK);
    let removed = html.find("2. Transparencia</del>").expect("removed line");
    let added = html
        .find("2. Transparencia activa</ins>")
        .expect("added line");
    assert!(removed < added, "what goes before what replaces it");
    assert!(html.contains("3. Conflicto de intereses</ins>"), "{html}");
    let (code, _) = app.browser().text("/ethics/versions/1").await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = app.browser().text("/ethics/versions/9").await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    // the decision's evidence carries the text and the fingerprint anyone can recompute
    let sha = fingerprint(
        DocKind::EthicsCode,
        2,
        "1. Integridad\n2. Transparencia activa\n3. Conflicto de intereses",
        "1. Integrity\n2. Active transparency\n3. Conflict of interest",
    );
    let evidence = evidence_of(&app, "ethics-code/2").await;
    let (_, v) = app.browser().text(&format!("/v/{evidence}")).await;
    assert!(
        v.contains(&sha) && v.contains("Conflicto de intereses"),
        "{v}"
    );
    // the security protocol is a document of its own
    let r = publish(
        &secretary,
        &version(
            "security-protocol",
            "Identidad y ciberseguridad.",
            "Identity and cybersecurity.",
            "",
        ),
    )
    .await;
    assert_eq!(location(&r), "/security-protocol");
    let (_, html) = app.browser().text("/security-protocol").await;
    assert!(visible_text(&html).contains("Identidad y ciberseguridad."));
    app.stop().await;
}

#[tokio::test]
async fn a_member_who_has_not_accepted_the_code_in_force_cannot_vote_until_they_do() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    let (email, account) = app.account_with_role(Role::Member).await;
    let person = person_of(&app, account).await;
    let member = login_as(&app, &email).await;
    // the demo's open renewal vote of the academic collective
    let r = member
        .submit("/votes/1", "/votes/1/ballot", &[("choice", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    let text = visible_text(&html);
    assert!(
        text.contains("Acepta primero el código de ética vigente (versión 2)"),
        "{text}"
    );
    // the refusal links to where the code is read and accepted
    assert!(
        html.contains(r#"<a href="/ethics#accept">Leer y aceptar el código de ética</a>"#),
        "{html}"
    );
    // nor apply, nor file: the same reason
    assert!(
        app::services::ethics::require_accepted(&app.state.db, person)
            .await
            .is_err()
    );
    let token = member.csrf("/ethics").await;
    let r = member
        .client
        .post(format!("{}/ethics/accept", member.base))
        .form(&[("_csrf", token.as_str()), ("version", "2")])
        .send()
        .await
        .expect("accept");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = member.text("/ethics").await;
    assert!(visible_text(&html).contains("Aceptaste la versión 2 del código de ética."));
    let r = member
        .submit("/votes/1", "/votes/1/ballot", &[("choice", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the vote is taken now");
    // accepting an older version than the one in force is refused
    let token = member.csrf("/ethics").await;
    let r = member
        .client
        .post(format!("{}/ethics/accept", member.base))
        .form(&[("_csrf", token.as_str()), ("version", "1")])
        .send()
        .await
        .expect("accept");
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // the acceptances become one decision per day once the day is over (the terms calendar
    // registers them too): the demo's two days, then today's with this member in it
    let today = chrono::Utc::now().date_naive();
    app::services::ethics::register_acceptances(&app.state, today)
        .await
        .expect("register");
    for day in ["2026-02-20", "2026-09-18"] {
        evidence_of(&app, &format!("ethics-code-accepted/{day}")).await;
    }
    let days =
        app::services::ethics::register_acceptances(&app.state, today + chrono::Days::new(1))
            .await
            .expect("register");
    assert_eq!(days, 1);
    let evidence = evidence_of(&app, &format!("ethics-code-accepted/{today}")).await;
    let (_, v) = app.browser().text(&format!("/v/{evidence}")).await;
    assert!(v.contains("Persona member"), "{v}");
    assert_eq!(
        app::services::ethics::register_acceptances(&app.state, today + chrono::Days::new(1))
            .await
            .expect("register"),
        0,
        "each acceptance once"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_complaint_goes_to_its_handler_is_resolved_and_published_without_names() {
    let app = TestApp::spawn().await;
    let (complainant, _) = app.browser_as(Role::Member).await;
    let (leader, _) = app.browser_as(Role::CollectiveLeader).await;
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    let (other, _) = app.browser_as(Role::Member).await;
    let r = complainant
        .submit(
            "/ethics/complaints/new",
            "/ethics/complaints",
            &[
                ("collective", "1"),
                ("rule", ""),
                ("description", "Un <b>nodo</b> usó capital ajeno."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Un &lt;b&gt;nodo&lt;/b&gt; usó capital ajeno.")
    );
    let r = complainant
        .submit(
            "/ethics/complaints/new",
            "/ethics/complaints",
            &[
                ("collective", "1"),
                ("rule", "4. Uso responsable"),
                ("description", "Un nodo usó capital ajeno."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id: i64 = page
        .trim_start_matches("/ethics/complaints/")
        .parse()
        .expect("id");
    // only its complainant and its handlers read it; the Secretary does not handle this one
    assert_eq!(other.text(&page).await.0, StatusCode::NOT_FOUND);
    let step = format!("{page}/step");
    let r = secretary
        .submit("/ethics/complaints", &step, &[("step", "review")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (code, html) = leader.text(&page).await;
    assert_eq!(code, StatusCode::OK);
    assert!(visible_text(&html).contains("Un nodo usó capital ajeno."));
    assert_eq!(
        leader
            .submit(&page, &step, &[("step", "review")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let r = leader
        .submit(
            &page,
            &step,
            &[
                ("step", "resolve"),
                ("outcome", "upheld"),
                ("resolution", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resolution = "Procede: Persona member devolverá el capital.";
    let r = leader
        .submit(
            &page,
            &step,
            &[
                ("step", "resolve"),
                ("outcome", "upheld"),
                ("resolution", resolution),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        leader
            .submit(&page, &step, &[("step", "review")])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "resolved: no step after"
    );
    // public: the rule, the outcome, the dates, the verification — no names, no resolution text
    let evidence = evidence_of(&app, &format!("complaint/{id}")).await;
    let (_, html) = app.browser().text("/ethics/complaints").await;
    let text = visible_text(&html);
    assert!(
        text.contains("4. Uso responsable") && text.contains("Procedente"),
        "{text}"
    );
    assert!(html.contains(&format!("/v/{evidence}")));
    assert!(
        !text.contains("Persona member") && !text.contains("devolverá"),
        "{text}"
    );
    let (_, v) = app.browser().text(&format!("/v/{evidence}")).await;
    assert!(
        v.contains("upheld") && !v.contains("Persona member") && !v.contains("devolverá"),
        "{v}"
    );
    app.stop().await;
}
