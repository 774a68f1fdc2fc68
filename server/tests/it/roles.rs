//! Every mutating route checks the role: each is tried by every role (allowed and refused) and
//! by an anonymous visitor.

use crate::support::*;
use app::domain::roles::Role;
use reqwest::StatusCode;

/// A form: the page that holds it, its action, its fields.
type Route = (String, String, Vec<(&'static str, &'static str)>);

/// The administrator's mutating routes, as (page holding the form, action, fields).
fn admin_routes(target: i64, office: i64) -> Vec<Route> {
    vec![
        (
            format!("/admin/accounts/{target}"),
            format!("/admin/accounts/{target}/offices"),
            vec![("role", "advisory_member")],
        ),
        (
            "/account".into(),
            format!("/admin/offices/{office}/revoke"),
            vec![("reason", "test")],
        ),
        (
            "/account".into(),
            format!("/admin/accounts/{target}/person"),
            vec![("institution_id", ""), ("profile", "technical")],
        ),
        (
            "/account".into(),
            format!("/admin/accounts/{target}/memberships"),
            vec![
                ("member_collective_id", "2"),
                ("member_since", "2024-01-01"),
            ],
        ),
        (
            "/account".into(),
            format!("/admin/accounts/{target}/disable"),
            vec![],
        ),
        (
            "/account".into(),
            format!("/admin/accounts/{target}/enable"),
            vec![],
        ),
    ]
}

async fn office_of(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar("SELECT o.id FROM offices o JOIN accounts a ON a.person_id = o.person_id WHERE a.id = ? AND o.revoked_at IS NULL ORDER BY o.id DESC")
        .bind(account)
        .fetch_one(&app.state.db)
        .await
        .expect("office")
}

#[tokio::test]
async fn administrator_routes_are_refused_to_every_other_role() {
    let app = TestApp::spawn().await;
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Administrator) {
        let (b, _) = app.browser_as(role).await;
        let (_, target) = app.account_with_role(Role::Member).await;
        let office = office_of(&app, target).await;
        for (_, action, fields) in admin_routes(target, office) {
            let r = b.submit("/account", &action, &fields).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?} on {action}");
            assert!(visible_text(&r.text().await.expect("body")).contains("Sin permiso"));
        }
        for page in [
            "/admin/accounts",
            &format!("/admin/accounts/{target}"),
            "/admin/audit",
            "/admin/anchors",
        ] {
            assert_eq!(
                b.get(page).await.status(),
                StatusCode::FORBIDDEN,
                "{role:?} on {page}"
            );
        }
        // nothing changed
        let offices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices o JOIN accounts a ON a.person_id = o.person_id WHERE a.id = ? AND o.revoked_at IS NULL")
            .bind(target)
            .fetch_one(&app.state.db)
            .await
            .expect("count");
        assert_eq!(offices, 1, "{role:?}");
        let disabled: Option<String> =
            sqlx::query_scalar("SELECT disabled_at FROM accounts WHERE id = ?")
                .bind(target)
                .fetch_one(&app.state.db)
                .await
                .expect("disabled");
        assert!(disabled.is_none(), "{role:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn administrator_routes_are_allowed_to_the_administrator() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, target) = app.account_with_role(Role::Member).await;
    let office = office_of(&app, target).await;
    for (page, action, fields) in admin_routes(target, office) {
        let r = admin.submit(&page, &action, &fields).await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "administrator on {action}"
        );
        assert!(
            location(&r).starts_with(&format!("/admin/accounts/{target}?ok=")),
            "{}",
            location(&r)
        );
    }
    let audit = app.audit_actions().await;
    for action in [
        "office.granted",
        "office.revoked",
        "account.disabled",
        "account.enabled",
    ] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    let (status, html) = admin.text(&format!("/admin/accounts/{target}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains("Consejo Consultivo") && text.contains("Revocado"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_log_in() {
    let app = TestApp::spawn().await;
    let (_, target) = app.account_with_role(Role::Member).await;
    let office = office_of(&app, target).await;
    let b = app.browser();
    let mut routes = admin_routes(target, office);
    routes.push((
        "/login".into(),
        "/account/password".into(),
        vec![("current_password", "x")],
    ));
    routes.push((
        "/login".into(),
        "/account/language".into(),
        vec![("locale", "en")],
    ));
    for (_, action, fields) in routes {
        let r = b.submit("/login", &action, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "anonymous on {action}");
        assert!(location(&r).starts_with("/login?next="), "{}", location(&r));
    }
    for page in ["/account", "/admin/accounts", "/admin/audit"] {
        let r = b.get(page).await;
        assert_eq!(location(&r), format!("/login?next={page}"));
    }
    app.stop().await;
}

#[tokio::test]
async fn account_routes_are_allowed_to_every_role() {
    let app = TestApp::spawn().await;
    for role in Role::ALL {
        let (b, _) = app.browser_as(role).await;
        let r = b
            .submit("/account", "/account/language", &[("locale", "en")])
            .await;
        assert_eq!(location(&r), "/account?ok=language", "{role:?}");
        let new = "a brand new long password";
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
        assert_eq!(location(&r), "/account?ok=password", "{role:?}");
        let r = b.submit("/account", "/logout", &[]).await;
        assert_eq!(location(&r), "/", "{role:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn office_rules_are_enforced_with_a_reason_and_the_form_is_kept() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, target) = app.account_with_role(Role::Member).await;
    let page = format!("/admin/accounts/{target}");
    let action = format!("{page}/offices");
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("role", "collective_leader")],
            "Este cargo representa a un colectivo",
        ),
        (
            &[("role", "administrator"), ("collective_id", "1")],
            "no representa a un colectivo",
        ),
        (
            &[
                ("role", "advisory_member"),
                ("starts_on", "2026-05-01"),
                ("ends_on", "2026-04-01"),
            ],
            "no puede ser anterior a su inicio",
        ),
        (
            &[("role", "member"), ("collective_id", "1")],
            "ya ocupa ese cargo",
        ),
        (
            &[("role", "advisory_member"), ("starts_on", "ayer")],
            "fecha válida",
        ),
    ];
    for (fields, message) in cases {
        let r = admin.submit(&page, &action, fields).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let html = r.text().await.expect("body");
        assert!(
            visible_text(&html).contains(message),
            "{fields:?}: {}",
            visible_text(&html)
        );
        if let Some((_, date)) = fields.iter().find(|(k, _)| *k == "starts_on") {
            assert!(
                html.contains(&format!("value=\"{date}\"")),
                "the typed date is kept"
            );
        }
    }
    // the last administrator cannot be revoked
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE email_normalized = ?")
        .bind(ADMIN_EMAIL)
        .fetch_one(&app.state.db)
        .await
        .expect("admin");
    let admin_office = office_of(&app, admin_id).await;
    let r = admin
        .submit(
            "/account",
            &format!("/admin/offices/{admin_office}/revoke"),
            &[("reason", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.expect("body")).contains("último cargo de administración")
    );
    // nor can administrators disable themselves
    let r = admin
        .submit(
            "/account",
            &format!("/admin/accounts/{admin_id}/disable"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(admin.get("/account").await.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn a_disabled_account_loses_its_sessions_and_cannot_log_in() {
    let app = TestApp::spawn().await;
    let (email, id) = app.account_with_role(Role::Member).await;
    let user = app.browser();
    user.login(&email, PASSWORD).await;
    let admin = app.admin().await;
    admin
        .submit("/account", &format!("/admin/accounts/{id}/disable"), &[])
        .await;
    assert_eq!(user.get("/account").await.status(), StatusCode::SEE_OTHER);
    // the right password and a wrong one get the same answer: a disabled account does not
    // confirm its password to whoever tries it
    let right = app.browser().login(&email, PASSWORD).await;
    let wrong = app.browser().login(&email, "not the password at all").await;
    assert_eq!(right.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (right, wrong) = (
        visible_text(&right.text().await.expect("body")),
        visible_text(&wrong.text().await.expect("body")),
    );
    assert!(right.contains("o la cuenta está deshabilitada"), "{right}");
    let form_part = |t: &str| {
        t.split("Iniciar sesión")
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(form_part(&right), form_part(&wrong));
    app.stop().await;
}
