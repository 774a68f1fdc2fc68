//! Identity: the link confirming a new account's address (single use, expiring, voided by a
//! newer one; until it is used the account reads but cannot vote), and the password reset by a
//! mailed link (the same answer for any address, throttled, single use, every session ended).
//! Mail goes through the outbox to a real SMTP server on loopback.

use crate::anchors::free_port;
use crate::mail::{SmtpServer, mailer};
use crate::support::*;
use app::domain::roles::Role;
use app::services::mail;
use chrono::Utc;
use reqwest::StatusCode;

/// Delivers the outbox to `smtp`; the plain-text bodies delivered to `to`, oldest first.
async fn mailed_to(app: &TestApp, smtp: &SmtpServer, to: &str) -> Vec<(String, String)> {
    // in batches: the demo queues many messages of its own
    let mailer = mailer(&smtp.url());
    while mail::deliver_due(&app.state, &mailer, Utc::now())
        .await
        .expect("deliver")
        .sent
        > 0
    {}
    smtp.messages()
        .iter()
        .filter(|m| m.header("to").is_some_and(|h| h.contains(to)))
        .map(|m| {
            (
                m.header("subject").unwrap_or_default().to_string(),
                m.part("text/plain")
                    .map(|p| p.1.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The portal path of the first link in `body` that goes to `path` (e.g. `/login/reset`).
fn link_in(body: &str, path: &str) -> String {
    let start = body
        .find(&format!("{path}?token="))
        .expect("a link in the mail");
    body[start..]
        .split_whitespace()
        .next()
        .expect("link")
        .to_string()
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("token").to_string()
}

/// Registers through the public form (a new account, its address unconfirmed).
async fn register(app: &TestApp, name: &str, email: &str) {
    let fields = [
        ("full_name", name),
        ("email", email),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let r = app
        .browser()
        .submit("/register", "/register", &fields)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn verified(app: &TestApp, email: &str) -> bool {
    let at: Option<String> = sqlx::query_scalar(
        "SELECT email_verified_at FROM accounts WHERE email_normalized = lower(?)",
    )
    .bind(email)
    .fetch_one(&app.state.db)
    .await
    .expect("account");
    at.is_some()
}

#[tokio::test]
async fn a_new_account_confirms_its_address_with_a_single_use_link_before_it_may_vote() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    let email = "lucia.mora@test.example";
    register(&app, "Lucía Mora", email).await;
    assert!(!verified(&app, email).await);
    let mails = mailed_to(&app, &smtp, email).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].1.contains("Confirma tu correo"), "{}", mails[0].1);
    let first = link_in(&mails[0].1, "/account/verify");

    // signed in but unconfirmed: the vote is refused with the reason and where to fix it
    let member = login_as(&app, email).await;
    let r = member
        .submit("/votes/1", "/votes/1/ballot", &[("choice", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(
        visible_text(&html).contains("Confirma primero tu correo"),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/account#verify">"#), "{html}");
    let (_, account) = member.text("/account").await;
    assert!(visible_text(&account).contains("Tu correo aún no está confirmado"));

    // a new link voids the first; opening a link (as a mail scanner would) confirms nothing
    let r = member
        .submit("/account", "/account/verify/resend", &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mails = mailed_to(&app, &smtp, email).await;
    assert_eq!(mails.len(), 2);
    // (delivered in no particular order)
    let second = mails
        .iter()
        .map(|m| link_in(&m.1, "/account/verify"))
        .find(|l| *l != first)
        .expect("a second, different link");
    let (_, page) = app.browser().text(&first).await;
    assert!(
        visible_text(&page).contains("Este enlace ya no es válido"),
        "the older link is void"
    );
    let (_, page) = app.browser().text(&second).await;
    assert!(visible_text(&page).contains("Confirmar mi correo"));
    assert!(!verified(&app, email).await, "GET confirms nothing");

    // confirmed once; the same link again is refused
    let r = member
        .submit(&second, "/account/verify", &[("token", &token_of(&second))])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account?ok=verified");
    assert!(verified(&app, email).await);
    let r = app
        .browser()
        .submit(
            "/login",
            "/account/verify",
            &[("token", &token_of(&second))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.expect("body")).contains("ya no es válido"));
    // what stops the vote now is the ethics code, no longer the address
    let r = member
        .submit("/votes/1", "/votes/1/ballot", &[("choice", "yes")])
        .await;
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("Acepta primero el código de ética"), "{text}");
    let audit = app.audit_actions().await;
    for action in ["account.verification_sent", "account.email_verified"] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    app.stop().await;
}

#[tokio::test]
async fn an_expired_confirmation_link_is_refused() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn().await;
    let email = "tardio@test.example";
    register(&app, "Persona Tardía", email).await;
    let link = link_in(&mailed_to(&app, &smtp, email).await[0].1, "/account/verify");
    sqlx::query("UPDATE account_tokens SET expires_at = '2020-01-01T00:00:00.000Z'")
        .execute(&app.state.db)
        .await
        .expect("expire");
    let (_, page) = app.browser().text(&link).await;
    assert!(visible_text(&page).contains("Este enlace ya no es válido"));
    let r = app
        .browser()
        .submit("/login", "/account/verify", &[("token", &token_of(&link))])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!verified(&app, email).await);
    app.stop().await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_the_mailed_link_and_every_session_ends() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn().await;
    let (email, _) = app.account_with_role(Role::Member).await;
    let signed_in = login_as(&app, &email).await;
    let visitor = app.browser();

    // the login page leads here; a malformed address is refused beside the field, kept
    let (_, login) = visitor.text("/login").await;
    assert!(login.contains(r#"href="/login/forgot""#));
    let r = visitor
        .submit("/login/forgot", "/login/forgot", &[("email", "sin-arroba")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"id="email-error""#) && html.contains(r#"value="sin-arroba""#));
    // an unknown address and a known one get the very same answer
    for address in ["nadie@test.example", email.as_str()] {
        let r = visitor
            .submit("/login/forgot", "/login/forgot", &[("email", address)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&r), "/login/forgot/sent");
    }
    assert!(
        mailed_to(&app, &smtp, "nadie@test.example")
            .await
            .is_empty()
    );
    let mails = mailed_to(&app, &smtp, &email).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].0.contains("A new password for Minga"),
        "{}",
        mails[0].0
    );
    assert!(mails[0].1.contains("Alguien pidió una contraseña nueva"));
    let link = link_in(&mails[0].1, "/login/reset");
    let token = token_of(&link);
    // kept as its SHA-256 only
    use sha2::Digest;
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_tokens WHERE token_hash = ? AND purpose = 'reset_password'",
    )
    .bind(sha2::Sha256::digest(token.as_bytes()).to_vec())
    .fetch_one(&app.state.db)
    .await
    .expect("count");
    assert_eq!(stored, 1);

    // refused while the two passwords differ, then set
    let new_password = "otra contraseña bastante larga";
    let r = visitor
        .submit(
            &link,
            "/login/reset",
            &[
                ("token", &token),
                ("new_password", new_password),
                ("new_password_confirm", "no es la misma"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains(r#"id="new_password_confirm-error""#)
    );
    let r = visitor
        .submit(
            &link,
            "/login/reset",
            &[
                ("token", &token),
                ("new_password", new_password),
                ("new_password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?reset=1");

    // the session opened before is over; the old password no longer works, the new one does
    assert_ne!(signed_in.get("/account").await.status(), StatusCode::OK);
    let b = app.browser();
    assert_eq!(
        b.login(&email, PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        b.login(&email, new_password).await.status(),
        StatusCode::SEE_OTHER
    );
    // the link worked once
    let r = app
        .browser()
        .submit(
            "/login",
            "/login/reset",
            &[
                ("token", &token),
                ("new_password", "y otra más todavía larga"),
                ("new_password_confirm", "y otra más todavía larga"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.expect("body");
    assert!(html.contains(r#"<a href="/login/forgot">"#), "{html}");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a.0 == "account.password_reset")
    );

    // throttled per address: asking again and again stops being answered with mail
    let mut refused = false;
    for _ in 0..6 {
        let r = visitor
            .submit("/login/forgot", "/login/forgot", &[("email", &email)])
            .await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = true;
            break;
        }
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert!(refused, "the reset requests are throttled");
    assert!(mailed_to(&app, &smtp, &email).await.len() <= 5);
    app.stop().await;
}

#[tokio::test]
async fn one_sees_and_ends_ones_own_sessions_and_an_office_change_ends_the_holders() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (email, account) = app.account_with_role(Role::Member).await;
    let laptop = login_as(&app, &email).await;
    let phone = login_as(&app, &email).await;
    let tablet = login_as(&app, &email).await;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM sessions WHERE account_id = ? ORDER BY id")
            .bind(account)
            .fetch_all(&app.state.db)
            .await
            .expect("sessions");
    assert_eq!(ids.len(), 3);
    let (code, html) = laptop.text("/account/sessions").await;
    assert_eq!(code, StatusCode::OK);
    assert!(visible_text(&html).contains("(esta sesión)"));
    assert_eq!(
        html.matches("/end\"").count(),
        3,
        "one end button per session"
    );

    // another account's session is not found, and stays
    let (other, other_account) = app.browser_as(Role::Member).await;
    let theirs: i64 = sqlx::query_scalar("SELECT id FROM sessions WHERE account_id = ?")
        .bind(other_account)
        .fetch_one(&app.state.db)
        .await
        .expect("session");
    let r = laptop
        .submit(
            "/account/sessions",
            &format!("/account/sessions/{theirs}/end"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(other.get("/account").await.status(), StatusCode::OK);

    // one ended, then every other one; the laptop's stays
    let r = laptop
        .submit(
            "/account/sessions",
            &format!("/account/sessions/{}/end", ids[1]),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_ne!(phone.get("/account").await.status(), StatusCode::OK);
    assert_eq!(tablet.get("/account").await.status(), StatusCode::OK);
    let r = laptop
        .submit("/account/sessions", "/account/sessions/end-others", &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account/sessions?ended=1");
    assert_ne!(tablet.get("/account").await.status(), StatusCode::OK);
    assert_eq!(laptop.get("/account").await.status(), StatusCode::OK);

    // an office granted ends the holder's sessions; the administrator's stays
    let r = admin
        .submit(
            &format!("/admin/accounts/{account}"),
            &format!("/admin/accounts/{account}/offices"),
            &[("role", "advisory_member")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_ne!(laptop.get("/account").await.status(), StatusCode::OK);
    assert_eq!(admin.get("/admin/accounts").await.status(), StatusCode::OK);
    let audit = app.audit_actions().await;
    assert!(audit.iter().any(|a| a.0 == "session.ended_by_owner"));
    app.stop().await;
}

/// The key shown on the set-up page, decoded from base32.
fn secret_on(html: &str) -> Vec<u8> {
    let start = html.find(r#"<code class="secret">"#).expect("the key") + 21;
    let text = &html[start..start + html[start..].find('<').expect("end")];
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {text}"),
        };
        buffer = (buffer << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    out
}

/// The app's code for the step `ahead` steps from now.
fn app_code(secret: &[u8], ahead: u64) -> String {
    use app::domain::totp;
    let step = totp::step_of(Utc::now().timestamp()) + ahead;
    format!("{:06}", totp::hotp(secret, step))
}

#[tokio::test]
async fn an_administrator_sets_up_a_second_factor_before_changing_anything_and_signs_in_with_it() {
    let app = TestApp::spawn_with(|s| {
        s.second_factor_roles = vec![Role::Administrator, Role::ExecutiveSecretary];
    })
    .await;
    let admin = app.admin().await;
    let (member_email, member) = app.account_with_role(Role::Member).await;
    let disable = format!("/admin/accounts/{member}/disable");
    let page = format!("/admin/accounts/{member}");

    // with the password alone, a change is refused with the reason; the account page says so
    let r = admin.submit(&page, &disable, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        visible_text(&r.text().await.expect("body"))
            .contains("Tu cargo requiere un segundo factor")
    );
    let (_, account) = admin.text("/account").await;
    assert!(account.contains(r#"<a href="/account/second-factor">"#));

    // set up: the key as a QR code (never cached) and as text; a wrong code refused beside the
    // field, the right one turns it on and shows ten recovery codes once
    let (_, html) = admin.text("/account/second-factor").await;
    let secret = secret_on(&html);
    assert_eq!(secret.len(), 20);
    let r = admin.get("/account/second-factor/qr.svg").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let right = app_code(&secret, 0);
    let wrong = format!(
        "{:06}",
        (right.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    let r = admin
        .submit(
            "/account/second-factor",
            "/account/second-factor",
            &[("code", &wrong)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("body").contains(r#"id="code-error""#));
    let r = admin
        .submit(
            "/account/second-factor",
            "/account/second-factor",
            &[("code", &right)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("body");
    let codes: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().expect("code").to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{html}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE code_hash = ?")
        .bind(codes[0].as_bytes())
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(stored, 0, "kept hashed");
    // now the change passes
    let r = admin.submit(&page, &disable, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // signing in: the password opens no session, the code does; a code works once
    let b = app.browser();
    let r = b.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login/second-factor");
    assert_ne!(
        b.get("/account").await.status(),
        StatusCode::OK,
        "no session yet"
    );
    let r = b
        .submit(
            "/login/second-factor",
            "/login/second-factor",
            &[("code", &right)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the set-up code again"
    );
    let next = app_code(&secret, 1);
    let r = b
        .submit(
            "/login/second-factor",
            "/login/second-factor",
            &[("code", &next)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.get("/account").await.status(), StatusCode::OK);
    // a recovery code, typed in capitals with spaces, works once
    let typed = codes[3].to_uppercase().replace('-', " - ");
    for expected in [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY] {
        let b = app.browser();
        b.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let r = b
            .submit(
                "/login/second-factor",
                "/login/second-factor",
                &[("code", &typed)],
            )
            .await;
        assert_eq!(r.status(), expected);
    }
    // without a challenge the code page sends back to the password
    let r = app.browser().get("/login/second-factor").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login");

    // a member sets one up too (offered to everyone); the administrator resets it (a lost
    // device): the member's sessions end and the password alone signs in again
    let r = admin
        .submit(&page, &format!("/admin/accounts/{member}/enable"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let m = login_as(&app, &member_email).await;
    let (_, html) = m.text("/account/second-factor").await;
    let member_secret = secret_on(&html);
    let r = m
        .submit(
            "/account/second-factor",
            "/account/second-factor",
            &[("code", &app_code(&member_secret, 0))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = admin
        .submit(
            &page,
            &format!("/admin/accounts/{member}/second-factor/reset"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_ne!(m.get("/account").await.status(), StatusCode::OK);
    let again = app.browser();
    let r = again.login(&member_email, PASSWORD).await;
    assert_eq!(location(&r), "/account");
    let audit = app.audit_actions().await;
    for action in ["account.second_factor_on", "account.second_factor_reset"] {
        assert!(audit.iter().any(|a| a.0 == action), "{action}");
    }
    app.stop().await;
}
