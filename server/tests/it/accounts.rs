//! Registration, login, sessions, CSRF, throttling, password and language changes, audit.

use crate::support::*;
use reqwest::StatusCode;

/// The outbox's messages to `address` (subject, topic), oldest first.
async fn outbox_to(app: &TestApp, address: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT subject, topic FROM mail_outbox WHERE lower(to_address) = lower(?) ORDER BY id",
    )
    .bind(address)
    .fetch_all(&app.state.db)
    .await
    .expect("outbox")
}

#[tokio::test]
async fn a_person_registers_signs_in_and_a_taken_address_gets_the_same_answer() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    async fn register(b: &Browser, name: &str, email: &str) -> reqwest::Response {
        let fields = [
            ("full_name", name),
            ("email", email),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ];
        b.submit("/register", "/register", &fields).await
    }
    let r = register(&b, "Ana Pérez", "Ana.Perez@UNAM.mx").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/register/sent");
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .all(|c| !c.starts_with("minga_session=")),
        "registering opens no session: the answer must not depend on the address"
    );
    let (status, html) = b.text("/register/sent").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Revisa tu correo"));
    assert_eq!(
        outbox_to(&app, "Ana.Perez@UNAM.mx").await,
        vec![(
            "Tu cuenta en Minga / Your Minga account".to_string(),
            format!(
                "register-welcome/{}",
                sqlx::query_scalar::<_, i64>(
                    "SELECT id FROM accounts WHERE email_normalized = 'ana.perez@unam.mx'"
                )
                .fetch_one(&app.state.db)
                .await
                .expect("account")
            )
        )]
    );

    // the same address in another case: the very same answer, no second account, and the owner
    // is told by mail
    let other = app.browser();
    let r = register(&other, "Otra", "ana.perez@unam.MX").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/register/sent");
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(accounts, 2, "the administrator and Ana");
    let mails = outbox_to(&app, "ana.perez@unam.mx").await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(mails[1].0, "Intento de registro con tu correo en Minga");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a.0 == "account.registration_for_existing")
    );

    // the account works with the password chosen
    let r = b.login("ana.perez@unam.mx", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("minga_session="));
    let cookie = cookie.expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "no Secure flag on plain http");
    let (status, html) = b.text("/account").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("Ana Pérez") && text.contains("Ana.Perez@UNAM.mx"));
    assert!(
        text.contains("Solicitante"),
        "the applicant role is implied"
    );
    app.stop().await;
}

#[tokio::test]
async fn registrations_are_throttled_per_address() {
    let app = TestApp::spawn_with(|s| s.login_throttle.max_failures_per_ip = 3).await;
    let b = app.browser();
    let mut statuses = Vec::new();
    for i in 0..5 {
        let email = format!("persona{i}@test.example");
        let r = b
            .submit(
                "/register",
                "/register",
                &[
                    ("full_name", "Persona"),
                    ("email", email.as_str()),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
            )
            .await;
        statuses.push(r.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(accounts, 4, "the administrator and three");
    app.stop().await;
}

#[tokio::test]
async fn a_refused_registration_shows_each_error_beside_its_field_and_keeps_the_values() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let r = b
        .submit(
            "/register",
            "/register",
            &[
                ("full_name", "Luis Gómez"),
                ("email", "luis@"),
                ("password", "corta"),
                ("password_confirm", "otra"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"id="email-error""#) && html.contains(r#"aria-invalid="true""#));
    assert!(
        html.contains(r#"aria-describedby="email-error""#),
        "the error is tied to its input"
    );
    let text = visible_text(&html);
    assert!(text.contains("Hay un problema"), "an error summary");
    assert!(text.contains("Escribe un correo electrónico válido"));
    assert!(text.contains("al menos 12 caracteres"));
    assert!(text.contains("Las contraseñas no coinciden"));
    assert!(
        html.contains(r#"value="Luis Gómez""#) && html.contains(r#"value="luis@""#),
        "typed values are kept"
    );
    assert!(!html.contains("corta"), "passwords are never echoed back");
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(accounts, 1, "only the bootstrap administrator");

    // and in English
    b.get("/lang/en?next=/register").await;
    let r = b
        .submit(
            "/register",
            "/register",
            &[
                ("full_name", ""),
                ("email", "x"),
                ("password", ""),
                ("password_confirm", ""),
            ],
        )
        .await;
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("There is a problem")
            && text.contains("This is required.")
            && text.contains("Enter a valid email address"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn login_logout_and_wrong_credentials() {
    let app = TestApp::spawn().await;
    let (email, _) = app
        .account_with_role(app::domain::roles::Role::Member)
        .await;
    let b = app.browser();

    let r = b.login(&email, "not the password at all").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(visible_text(&html).contains("El correo o la contraseña no son correctos"));
    assert!(
        html.contains(&format!("value=\"{email}\"")),
        "the e-mail is kept"
    );
    // an unknown address gets the very same answer
    let r = b.login("nadie@test.example", "whatever password").await;
    assert!(
        visible_text(&r.text().await.expect("body"))
            .contains("El correo o la contraseña no son correctos")
    );

    let r = b
        .submit(
            "/login?next=/account",
            "/login",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account");
    let (status, html) = b.text("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visible_text(&html).contains("Integrante"));
    // an open redirect is refused
    let b2 = app.browser();
    let r = b2
        .submit(
            "/login",
            "/login",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/");

    let r = b.submit("/account", "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b.get("/account").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the session is gone");
    assert_eq!(location(&r), "/login?next=/account");
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(sessions, 1, "only the second browser's session remains");
    app.stop().await;
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_or_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let (email, _) = app
        .account_with_role(app::domain::roles::Role::Member)
        .await;
    let b = app.browser();
    b.get("/login").await; // the browser has its CSRF cookie

    let r = b
        .post_raw("/login", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("El formulario caducó") && text.contains("No se guardó nada"),
        "{text}"
    );

    let r = b
        .post_raw(
            "/login",
            &[
                ("_csrf", "forged-token"),
                ("email", &email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // a token from another browser does not fit this browser's cookie
    let other = app.browser();
    let foreign = other.csrf("/login").await;
    let r = b
        .post_raw(
            "/login",
            &[
                ("_csrf", &foreign),
                ("email", &email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // a valid token, but the post comes from another origin
    let token = b.csrf("/login").await;
    let r = b
        .client
        .post(app.url("/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("_csrf", token.as_str()),
            ("email", &email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(sessions, 0, "no refused form logged anyone in");
    let r = b
        .post_raw(
            "/register",
            &[
                ("full_name", "X"),
                ("email", "x@test.example"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(accounts, 2);
    app.stop().await;
}

#[tokio::test]
async fn login_is_throttled_after_repeated_failures_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let (email, _) = app
        .account_with_role(app::domain::roles::Role::Member)
        .await;
    let b = app.browser();
    for _ in 0..5 {
        let r = b.login(&email, "wrong password here").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // now even the right password is refused until the window passes
    let r = b.login(&email, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry > 800 && retry <= 900, "retry after {retry}s");
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("Demasiados intentos fallidos") && text.contains("espera 15 min"),
        "{text}"
    );
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(sessions, 0);
    // other accounts are not locked by it
    let (other, _) = app
        .account_with_role(app::domain::roles::Role::Member)
        .await;
    assert_eq!(
        app.browser().login(&other, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

#[tokio::test]
async fn password_change_checks_the_current_password_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let (email, account_id) = app
        .account_with_role(app::domain::roles::Role::Member)
        .await;
    let b = app.browser();
    b.login(&email, PASSWORD).await;
    let elsewhere = app.browser();
    elsewhere.login(&email, PASSWORD).await;

    let r = b
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", "not it"),
                ("new_password", "short"),
                ("new_password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.expect("body"));
    assert!(
        text.contains("La contraseña actual no es correcta")
            && text.contains("al menos 12 caracteres")
    );

    let new = "another long enough password";
    let r = b
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("new_password_confirm", new),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        b.get("/account").await.status(),
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        elsewhere.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(
        app.browser().login(&email, PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.browser().login(&email, new).await.status(),
        StatusCode::SEE_OTHER
    );
    let audit = app.audit_actions().await;
    assert!(
        audit
            .iter()
            .any(|(a, actor, _, id, _, _)| a == "account.password_changed"
                && *actor == Some(account_id)
                && *id == account_id.to_string())
    );
    app.stop().await;
}

#[tokio::test]
async fn the_language_switch_and_the_saved_preference() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let (_, html) = b.text("/").await;
    assert!(
        html.contains(r#"<html lang="es""#)
            && visible_text(&html).contains("Una red pública que cualquiera puede verificar")
    );
    let r = b.get("/lang/en?next=/register").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/register");
    let (_, html) = b.text("/").await;
    assert!(
        html.contains(r#"<html lang="en""#)
            && visible_text(&html).contains("A public network anyone can verify")
    );
    assert_eq!(b.get("/lang/fr").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(location(&b.get("/lang/es?next=//evil.example").await), "/");

    // a saved preference follows the account to a new browser
    let (email, _) = app
        .account_with_role(app::domain::roles::Role::Member)
        .await;
    let b = app.browser();
    b.login(&email, PASSWORD).await;
    let r = b
        .submit("/account", "/account/language", &[("locale", "en")])
        .await;
    assert_eq!(location(&r), "/account?ok=language");
    let fresh = app.browser();
    fresh.login(&email, PASSWORD).await;
    let (_, html) = fresh.text("/account").await;
    assert!(visible_text(&html).contains("My account"));
    let r = b
        .submit("/account", "/account/language", &[("locale", "klingon")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await;
}

#[tokio::test]
async fn every_change_is_in_the_append_only_audit_trail() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    b.submit(
        "/register",
        "/register",
        &[
            ("full_name", "Rosa Díaz"),
            ("email", "rosa@test.example"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ],
    )
    .await;
    app.browser()
        .login("rosa@test.example", "a wrong password!")
        .await;
    let admin = app.admin().await;
    let rosa: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE email = 'rosa@test.example'")
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    let r = admin
        .submit(
            &format!("/admin/accounts/{rosa}"),
            &format!("/admin/accounts/{rosa}/offices"),
            &[
                ("role", "member"),
                ("collective_id", "2"),
                ("note", "acuerdo CE-2026-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let audit = app.audit_actions().await;
    let actions: Vec<&str> = audit.iter().map(|a| a.0.as_str()).collect();
    for expected in [
        "collective.created",
        "account.registered",
        "office.granted",
        "session.login",
        "session.login_failed",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let grant = audit
        .iter()
        .rev()
        .find(|a| a.0 == "office.granted")
        .expect("grant entry");
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE email_normalized = ?")
        .bind(ADMIN_EMAIL)
        .fetch_one(&app.state.db)
        .await
        .expect("admin");
    assert_eq!(grant.1, Some(admin_id), "who");
    let after: serde_json::Value =
        serde_json::from_str(grant.5.as_deref().expect("after")).expect("json");
    assert_eq!(after["role"], "member");
    assert_eq!(after["collective_id"], 2);
    assert_eq!(after["note"], "acuerdo CE-2026-01");
    let failed = audit
        .iter()
        .find(|a| a.0 == "session.login_failed")
        .expect("failed login");
    assert!(
        failed
            .5
            .as_deref()
            .unwrap_or_default()
            .contains("rosa@test.example")
    );

    // the trail refuses to be rewritten
    assert!(
        sqlx::query("UPDATE audit_log SET action = 'x'")
            .execute(&app.state.db)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_log")
            .execute(&app.state.db)
            .await
            .is_err()
    );

    // and the administrator can browse and filter it
    let (status, html) = admin.text("/admin/audit?action=office.").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(text.contains("office.granted") && !text.contains("session.login_failed"));
    let (_, html) = admin
        .text(&format!("/admin/audit?entity=account:{rosa}"))
        .await;
    assert!(visible_text(&html).contains("account.registered"));
    app.stop().await;
}
