//! The findings of the first outside review, each guarded: parallel logins against the throttle,
//! open redirects through `next`, the current-password check, the CSRF cookie at login, control
//! characters in single-line fields, plain-text refusals, and who reads `/metrics`.

use crate::support::*;
use app::domain::roles::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn parallel_wrong_passwords_are_counted_before_they_are_checked() {
    let app = TestApp::spawn().await;
    let (email, _) = app.account_with_role(Role::Member).await;
    // 40 wrong passwords at once for one account: only the first 5 may be checked
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let b = app.browser();
        let email = email.clone();
        tasks.push(tokio::spawn(async move {
            b.login(&email, "a wrong password, in parallel")
                .await
                .status()
        }));
    }
    let mut checked = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.expect("join") {
            StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked, 5, "the account's limit, whatever the concurrency");
    assert_eq!(refused, 35);
    let failed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'session.login_failed'")
            .fetch_one(&app.state.db)
            .await
            .expect("count");
    assert_eq!(failed, 5);

    // from one address over many accounts: 60 at once, the address's limit is 20
    let mut emails = Vec::new();
    for _ in 0..6 {
        emails.push(app.account_with_role(Role::Applicant).await.0);
    }
    let mut tasks = Vec::new();
    for i in 0..60 {
        let b = app.browser();
        let email = emails[i % emails.len()].clone();
        tasks.push(tokio::spawn(async move {
            b.login(&email, "also wrong, many accounts").await.status()
        }));
    }
    let mut checked = 0;
    for t in tasks {
        if t.await.expect("join") == StatusCode::UNPROCESSABLE_ENTITY {
            checked += 1;
        }
    }
    // the address had 5 failures already (above): 15 more are checked, never more
    assert_eq!(checked, 15);
    app.stop().await;
}

#[tokio::test]
async fn next_never_leads_off_the_site() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let evil = [
        "/%09/evil.example",
        "/%09%5Cevil.example",
        "/%0A/evil.example",
        "/%5Cevil.example",
        "//evil.example",
        "https://evil.example/",
        "/%20/evil.example",
    ];
    for next in evil {
        let r = b.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(location(&r), "/", "/lang with next={next}");
        // the login page does not carry it into its form
        let (_, html) = b.text(&format!("/login?next={next}")).await;
        assert!(
            html.contains("name=\"next\" value=\"/\""),
            "/login with next={next}"
        );
    }
    let (email, _) = app.account_with_role(Role::Member).await;
    for next in ["/\t/evil.example", "/\t\\evil.example", "/\\evil.example"] {
        let b = app.browser();
        let r = b
            .submit(
                "/login",
                "/login",
                &[("email", &email), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&r), "/", "POST /login with next={next:?}");
        // and once signed in, GET /login sends the visitor on, home rather than away
        let r = b.get("/login?next=/%09/evil.example").await;
        assert_eq!(location(&r), "/");
    }
    // a path on the site is kept
    let r = b.get("/lang/en?next=/meetings%3Fbody%3Dx").await;
    assert_eq!(location(&r), "/meetings?body=x");
    app.stop().await;
}

#[tokio::test]
async fn the_current_password_check_is_throttled() {
    let app = TestApp::spawn().await;
    let (email, _) = app.account_with_role(Role::Member).await;
    let b = login_as(&app, &email).await;
    let attempt = |password: &'static str| {
        let b = &b;
        async move {
            b.submit(
                "/account",
                "/account/password",
                &[
                    ("current_password", password),
                    ("new_password", "a brand new long password"),
                    ("new_password_confirm", "a brand new long password"),
                ],
            )
            .await
            .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("not my password").await,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    // a stolen session cannot go on guessing; the right password waits too
    assert_eq!(attempt(PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    let changed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'account.password_changed'",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("count");
    assert_eq!(changed, 0);
    app.stop().await;
}

#[tokio::test]
async fn signing_in_renews_the_csrf_cookie() {
    let app = TestApp::spawn().await;
    let (email, _) = app.account_with_role(Role::Member).await;
    let b = app.browser();
    let before = b.csrf("/login").await;
    let r = b.login(&email, PASSWORD).await;
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|c| c.starts_with("minga_csrf=") && c.contains("HttpOnly")),
        "a new CSRF cookie with the session"
    );
    let after = b.csrf("/account").await;
    assert_ne!(
        before, after,
        "a token learnt before signing in is worth nothing after"
    );
    // and the old token no longer passes
    let r = b
        .post_raw(
            "/account/language",
            &[("_csrf", before.as_str()), ("locale", "en")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn single_line_fields_refuse_line_breaks_and_multi_line_ones_keep_them() {
    let app = TestApp::spawn().await;
    let (email, _) = app.account_with_role(Role::Member).await;
    let b = login_as(&app, &email).await;
    let r = b
        .submit(
            "/collectives/request",
            "/collectives/request",
            &[
                ("name_es", "Colectivo\r\nX-Injected: 1"),
                ("name_en", "Collective"),
                ("sector", "public"),
                ("justification", "Línea uno.\r\nLínea dos."),
                ("node_commitment", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("«name_es»"), "{text}");
    let requests: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM collective_requests")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(requests, 0);
    // the justification is a textarea: its line breaks are welcome
    let r = b
        .submit(
            "/collectives/request",
            "/collectives/request",
            &[
                ("name_es", "Colectivo de Salud"),
                ("name_en", "Health collective"),
                ("sector", "public"),
                (
                    "justification",
                    "Las instituciones de salud pública necesitan su propio espacio.\r\nSegundo párrafo.",
                ),
                ("node_commitment", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", location(&r));
    app.stop().await;
}

#[tokio::test]
async fn refusals_of_unreadable_addresses_are_pages_and_problems_not_plain_text() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for (path, status) in [
        ("/meetings/abc", StatusCode::NOT_FOUND),
        ("/votes/1x", StatusCode::NOT_FOUND),
        ("/decisions?before=abc", StatusCode::BAD_REQUEST),
        ("/decisions?body=a&body=b", StatusCode::BAD_REQUEST),
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status(), status, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap_or_default()
                .starts_with("text/html"),
            "{path}"
        );
        let text = visible_text(&r.text().await.expect("body"));
        assert!(!text.contains("Cannot parse"), "{path}: {text}");
        assert!(text.contains("Inicio"), "{path}: the bilingual error page");
    }
    // an id that is not even text names no evidence
    let r = b.get("/api/v1/evidence/%FF").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = b.get("/api/v1/log/consistency?from=1&from=2&to=3").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    app.stop().await;
}

#[tokio::test]
async fn metrics_are_for_loopback_or_the_bearer_of_the_token() {
    let app = TestApp::spawn_with(|s| s.metrics_token = Some("scrape-me-please".into())).await;
    // this test's client is on loopback
    let r = app.browser().get("/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    app.stop().await;

    // behind a proxy the client's address is the forwarded one
    let app = TestApp::spawn_with(|s| {
        s.trust_proxy = true;
        s.metrics_token = Some("scrape-me-please".into());
    })
    .await;
    let client = reqwest::Client::new();
    let get = |auth: Option<&str>| {
        let mut req = client
            .get(app.url("/metrics"))
            .header("x-forwarded-for", "203.0.113.9");
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    let r = get(None).await.expect("get");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = get(Some("Bearer wrong")).await.expect("get");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = get(Some("Bearer scrape-me-please")).await.expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("minga_http_requests_total")
    );
    app.stop().await;
}
