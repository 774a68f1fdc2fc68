//! Sign-in with an OpenID provider: a real one on loopback (npm `oidc-provider`, started from
//! `end2end/oidc/provider.mjs`, with one static client, PKCE required and its development login
//! form), driven like a browser: the portal's button, the provider's forms, the callback.
//! A first sign-in opens an account or links an existing one with its password; every refusal
//! (state, replayed callback or code, nonce, expired token, issuer, provider down) ends on its
//! page and in the audit trail; a rotated signing key is fetched again.

use crate::anchors::free_port;
use crate::support::*;
use app::domain::roles::Role;
use app::settings::OidcSettings;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use std::path::PathBuf;
use tokio::process::{Child, Command};

const CLIENT_ID: &str = "minga-it";
const CLIENT_SECRET: &str = "a test client secret";

/// The provider process (killed when dropped).
struct Idp {
    _child: Child,
    issuer: String,
}

impl Idp {
    /// Starts the provider on `port`, sending people back to `callback`.
    async fn start(port: u16, callback: &str) -> Idp {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "oidc-provider is missing: run scripts/setup-test-deps.sh"
        );
        let child = Command::new("node")
            .arg("oidc/provider.mjs")
            .current_dir(&dir)
            .env("PORT", port.to_string())
            .env("CLIENT_ID", CLIENT_ID)
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .env("REDIRECT_URI", callback)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start node");
        let issuer = format!("http://127.0.0.1:{port}");
        let discovery = format!("{issuer}/.well-known/openid-configuration");
        for _ in 0..100 {
            if reqwest::get(&discovery)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Idp {
                    _child: child,
                    issuer,
                };
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the OpenID provider did not start on port {port}");
    }

    /// Changes what the provider does next (`rotate`, `id-token/expired`, …).
    async fn make(&self, what: &str) {
        let r = Client::new()
            .post(format!("{}/__test/{what}", self.issuer))
            .send()
            .await
            .expect("test control");
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
}

fn provider(issuer: &str, name: &str) -> OidcSettings {
    OidcSettings {
        issuer: issuer.to_string(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        name: name.into(),
    }
}

/// A portal with the provider on `port` as its first provider and a dead one second.
async fn portal_with_provider(port: u16) -> TestApp {
    let dead = free_port();
    TestApp::spawn_with(move |s| {
        s.oidc = vec![
            provider(&format!("http://127.0.0.1:{port}"), "Universidad Ejemplo"),
            provider(&format!("http://127.0.0.1:{dead}"), "Proveedor caído"),
        ];
    })
    .await
}

/// The person at the provider: their own cookies there.
fn person_at_provider() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// Follows the provider's pages from `url` as `login` would (sign in, consent) until it sends
/// the browser back to the portal; returns that callback URL (path and query).
async fn through_provider(idp: &Client, url: &str, app: &TestApp, login: &str) -> String {
    let base = app.url("");
    let mut url = url.to_string();
    for _ in 0..12 {
        if let Some(local) = url.strip_prefix(&base) {
            return local.to_string();
        }
        let r = idp.get(&url).send().await.expect("provider");
        if r.status().is_redirection() {
            url = absolute(&url, &location(&r));
            continue;
        }
        assert_eq!(r.status(), StatusCode::OK, "{url}");
        let html = r.text().await.expect("page");
        let fields: Vec<(&str, &str)> = if html.contains(r#"name="login""#) {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else {
            vec![("prompt", "consent")]
        };
        let r = idp.post(&url).form(&fields).send().await.expect("submit");
        assert!(r.status().is_redirection(), "{url}: {}", r.status());
        url = absolute(&url, &location(&r));
    }
    panic!("the provider never sent the browser back");
}

fn absolute(from: &str, to: &str) -> String {
    if to.starts_with("http") {
        return to.to_string();
    }
    let origin: String = from.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    format!("{origin}{to}")
}

/// Starts a sign-in with provider `n` in `b`; the provider's URL it was sent to.
async fn start(b: &Browser, n: usize) -> String {
    let r = b.get(&format!("/login/oidc/{n}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r)
}

/// A whole sign-in as `login`; the portal's answer to the callback.
async fn sign_in(app: &TestApp, b: &Browser, login: &str) -> reqwest::Response {
    let to = start(b, 0).await;
    let back = through_provider(&person_at_provider(), &to, app, login).await;
    b.get(&back).await
}

async fn refusals(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT json_extract(after_json, '$.reason') FROM audit_log WHERE action = 'session.login_oidc_refused' ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("audit")
}

#[tokio::test]
async fn a_first_sign_in_opens_an_account_and_the_next_ones_find_it() {
    let port = free_port();
    let app = portal_with_provider(port).await;
    let idp = Idp::start(port, &app.url("/login/oidc/callback")).await;

    let b = app.browser();
    let (_, login) = b.text("/login").await;
    assert!(login.contains(r#"href="/login/oidc/0""#), "the button");
    assert!(visible_text(&login).contains("Entrar con Universidad Ejemplo"));

    // the authorization request: code flow, PKCE S256, state, nonce, this client, the callback
    let to = start(&b, 0).await;
    assert!(to.starts_with(&format!("{}/auth?", idp.issuer)), "{to}");
    for part in [
        "response_type=code",
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "client_id=minga-it",
        "scope=openid+email+profile",
    ] {
        assert!(to.contains(part), "{part} in {to}");
    }
    let back = through_provider(&person_at_provider(), &to, &app, "ana.rojas@uni.example").await;
    assert!(back.starts_with("/login/oidc/callback?code="), "{back}");
    assert!(
        back.contains("iss="),
        "the provider names itself (RFC 9207)"
    );
    let r = b.get(&back).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account");
    let (status, account) = b.text("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(account.contains("ana.rojas@uni.example"));
    assert!(
        visible_text(&account)
            .contains("Universidad Ejemplo (ana.rojas@uni.example), vinculada el"),
        "the account page lists the linked identity"
    );

    // the account: the provider's verified address counts as confirmed; no office from it
    let (id, verified, offices): (i64, Option<String>, i64) = sqlx::query_as(
        "SELECT a.id, a.email_verified_at, (SELECT COUNT(*) FROM offices o WHERE o.person_id = a.person_id)
         FROM accounts a WHERE a.email_normalized = 'ana.rojas@uni.example'",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("account");
    assert!(verified.is_some());
    assert_eq!(offices, 0);
    let (issuer, subject): (String, String) =
        sqlx::query_as("SELECT issuer, subject FROM oidc_identities WHERE account_id = ?")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .expect("identity");
    assert_eq!(issuer, idp.issuer);
    assert_eq!(subject, "ana.rojas@uni.example");

    // a later sign-in, in another browser, finds the same account by issuer and subject
    let other = app.browser();
    let r = sign_in(&app, &other, "ana.rojas@uni.example").await;
    assert_eq!(location(&r), "/account");
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(accounts, 2, "the administrator and Ana");
    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a.2 == "account" && a.3 == id.to_string())
        .map(|a| a.0)
        .collect();
    assert!(
        actions.contains(&"account.oidc_linked".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"session.login_oidc".to_string()),
        "{actions:?}"
    );

    // where one was going is kept through the provider
    let third = app.browser();
    let r = third.get("/login/oidc/0?next=/councils").await;
    let back = through_provider(
        &person_at_provider(),
        &location(&r),
        &app,
        "ana.rojas@uni.example",
    )
    .await;
    assert_eq!(location(&third.get(&back).await), "/councils");
    // and an address the provider did not verify opens an account that must confirm it
    let r = sign_in(&app, &app.browser(), "unverified.luis@uni.example").await;
    assert_eq!(location(&r), "/account");
    let verified: Option<String> = sqlx::query_scalar(
        "SELECT email_verified_at FROM accounts WHERE email_normalized = 'unverified.luis@uni.example'",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("account");
    assert!(verified.is_none());
}

#[tokio::test]
async fn an_existing_account_is_linked_only_with_its_password_and_keeps_its_offices() {
    let port = free_port();
    let app = portal_with_provider(port).await;
    let _idp = Idp::start(port, &app.url("/login/oidc/callback")).await;
    let (email, account) = app.account_with_role(Role::CollectiveLeader).await;

    let b = app.browser();
    let r = sign_in(&app, &b, &email).await;
    assert_eq!(location(&r), "/login/oidc/link");
    let (status, html) = b.text("/login/oidc/link").await;
    assert_eq!(status, StatusCode::OK);
    let text = visible_text(&html);
    assert!(
        text.contains(&email) && text.contains("Universidad Ejemplo"),
        "{text}"
    );
    assert_ne!(
        b.get("/account").await.status(),
        StatusCode::OK,
        "no session yet"
    );

    // a wrong password: the form again, nothing linked
    let r = b
        .submit(
            "/login/oidc/link",
            "/login/oidc/link",
            &[("password", "not the password at all")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains(r#"action="/login/oidc/link""#)
    );
    let linked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM oidc_identities")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(linked, 0);

    // the right one links and signs in; the offices are the portal's own
    let r = b
        .submit(
            "/login/oidc/link",
            "/login/oidc/link",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account");
    let (_, home) = b.text("/account").await;
    assert!(
        visible_text(&home).contains("Líder de colectivo"),
        "{}",
        visible_text(&home)
    );
    let owner: i64 = sqlx::query_scalar("SELECT account_id FROM oidc_identities WHERE subject = ?")
        .bind(&email)
        .fetch_one(&app.state.db)
        .await
        .expect("linked");
    assert_eq!(owner, account);
    // the link page has nothing left to do
    assert_eq!(
        b.get("/login/oidc/link").await.status(),
        StatusCode::BAD_REQUEST
    );
    // next time, straight in
    let r = sign_in(&app, &app.browser(), &email).await;
    assert_eq!(location(&r), "/account");

    // an address the provider did not verify is never linked to an existing account
    let (other_email, _) = app.account_with_role(Role::Member).await;
    let r = sign_in(&app, &app.browser(), &format!("unverified.{other_email}")).await;
    assert_eq!(
        location(&r),
        "/account",
        "a different address: its own account"
    );
    sqlx::query("UPDATE accounts SET email_verified_at = NULL WHERE email_normalized = ?")
        .bind(&other_email)
        .execute(&app.state.db)
        .await
        .expect("unconfirm");
    let r = sign_in(&app, &app.browser(), &other_email).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        visible_text(&r.text().await.expect("body")).contains("no se puede vincular"),
        "an account whose address is not confirmed is not handed over"
    );
    assert_eq!(refusals(&app).await, ["oidc_address_unconfirmed"]);
}

#[tokio::test]
async fn every_failure_ends_on_its_page_and_in_the_audit_trail() {
    let port = free_port();
    let app = portal_with_provider(port).await;
    let idp = Idp::start(port, &app.url("/login/oidc/callback")).await;
    let page_says = |r: reqwest::Response, status: StatusCode, words: &'static str| async move {
        assert_eq!(r.status(), status);
        let text = visible_text(&r.text().await.expect("body"));
        assert!(text.contains("No se pudo entrar"), "{text}");
        assert!(text.contains(words), "{words} in {text}");
        assert!(text.contains("Volver a entrar"), "the way back");
    };

    // a state that is not the one sent
    let b = app.browser();
    let back = through_provider(
        &person_at_provider(),
        &start(&b, 0).await,
        &app,
        "eva@uni.example",
    )
    .await;
    let forged = back.replace("state=", "state=x");
    page_says(
        b.get(&forged).await,
        StatusCode::BAD_REQUEST,
        "«state» no coincide",
    )
    .await;
    assert_ne!(b.get("/account").await.status(), StatusCode::OK);

    // the callback replayed (a reload, or someone holding the URL): the sign-in was used once
    let b = app.browser();
    let back = through_provider(
        &person_at_provider(),
        &start(&b, 0).await,
        &app,
        "eva@uni.example",
    )
    .await;
    assert_eq!(location(&b.get(&back).await), "/account");
    let again = b.get(&back).await;
    page_says(again, StatusCode::BAD_REQUEST, "ya se usó").await;
    // the same callback in a browser that never started a sign-in
    page_says(
        app.browser().get(&back).await,
        StatusCode::BAD_REQUEST,
        "ya se usó",
    )
    .await;
    // a stolen code used in one's own sign-in: the provider refuses it (used, and not for this
    // PKCE verifier)
    let thief = app.browser();
    let own = start(&thief, 0).await;
    let state = param(&own, "state");
    let code = param(&back, "code");
    let r = thief
        .get(&format!(
            "/login/oidc/callback?code={code}&state={state}&iss={}",
            urlencode(&idp.issuer)
        ))
        .await;
    page_says(r, StatusCode::BAD_REQUEST, "rechazó el código").await;

    // a response naming another issuer (a mix-up)
    let b = app.browser();
    let back = through_provider(
        &person_at_provider(),
        &start(&b, 0).await,
        &app,
        "eva@uni.example",
    )
    .await;
    let iss = param(&back, "iss");
    let mixed = back.replace(iss, &urlencode("https://evil.example"));
    page_says(
        b.get(&mixed).await,
        StatusCode::BAD_REQUEST,
        "emisor distinto",
    )
    .await;

    // an ID token with another nonce, then one that expired (the provider misbehaving)
    idp.make("id-token/nonce").await;
    let r = sign_in(&app, &app.browser(), "eva@uni.example").await;
    page_says(r, StatusCode::BAD_REQUEST, "«nonce» no coincide").await;
    idp.make("id-token/expired").await;
    let r = sign_in(&app, &app.browser(), "eva@uni.example").await;
    page_says(r, StatusCode::BAD_REQUEST, "ya caducó").await;
    idp.make("id-token/normal").await;

    // the person cancelled at the provider
    let b = app.browser();
    let to = start(&b, 0).await;
    let state = param(&to, "state");
    let r = b
        .get(&format!(
            "/login/oidc/callback?error=access_denied&error_description=cancelled&state={state}&iss={}",
            urlencode(&idp.issuer)
        ))
        .await;
    page_says(r, StatusCode::BAD_REQUEST, "no autorizó").await;

    // a provider that is down: a bad gateway, said in words
    page_says(
        app.browser().get("/login/oidc/1").await,
        StatusCode::BAD_GATEWAY,
        "no responde",
    )
    .await;
    // and one that does not exist
    assert_eq!(
        app.browser().get("/login/oidc/7").await.status(),
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        refusals(&app).await,
        [
            "oidc_wrong_state",
            "oidc_flow_missing",
            "oidc_flow_missing",
            "oidc_code_refused",
            "oidc_unknown_issuer",
            "oidc_wrong_nonce",
            "oidc_token_expired",
            "oidc_provider_error",
            "oidc_provider_down",
            "oidc_unknown_provider",
        ]
    );
    // none of it opened an account
    let eva: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account.oidc_linked'")
            .fetch_one(&app.state.db)
            .await
            .expect("count");
    assert_eq!(eva, 1, "only the one good sign-in");
}

#[tokio::test]
async fn a_rotated_signing_key_is_fetched_again() {
    let port = free_port();
    let app = portal_with_provider(port).await;
    let idp = Idp::start(port, &app.url("/login/oidc/callback")).await;
    let r = sign_in(&app, &app.browser(), "rosa@uni.example").await;
    assert_eq!(location(&r), "/account");
    // the provider signs with a new key the portal has not seen: it fetches the keys again
    idp.make("rotate").await;
    let r = sign_in(&app, &app.browser(), "rosa@uni.example").await;
    assert_eq!(location(&r), "/account");
    assert!(refusals(&app).await.is_empty());
}

#[tokio::test]
async fn a_provider_that_asserts_a_second_factor_is_not_asked_again() {
    let port = free_port();
    let app = TestApp::spawn_with(move |s| {
        s.second_factor_roles = vec![Role::Administrator];
        s.oidc = vec![provider(
            &format!("http://127.0.0.1:{port}"),
            "Universidad Ejemplo",
        )];
    })
    .await;
    let _idp = Idp::start(port, &app.url("/login/oidc/callback")).await;
    let (_, member) = app.account_with_role(Role::Member).await;
    let disable = format!("/admin/accounts/{member}/disable");
    let page = format!("/admin/accounts/{member}");

    // an administrator whose provider asserted a second factor (amr) may change things at once
    let (boss, _) = administrator_through_provider(&app, "jefa+mfa@uni.example").await;
    let r = boss.submit(&page, &disable, &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "not asked to set up a second factor: {}",
        visible_text(&r.text().await.expect("body"))
    );

    // without it, the same office must set one up first
    let (plain, plain_id) = administrator_through_provider(&app, "jefe@uni.example").await;
    let r = plain.submit(&page, &disable, &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // an account with its own second factor is asked for its code unless the provider asserted one
    sqlx::query("INSERT INTO account_totp (account_id, secret, confirmed_at, created_at) VALUES (?, x'00', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
        .bind(plain_id)
        .execute(&app.state.db)
        .await
        .expect("factor");
    let r = sign_in(&app, &app.browser(), "jefe@uni.example").await;
    assert_eq!(location(&r), "/login/second-factor");
}

/// Someone who signs in through the provider as `login`, is made an administrator by the portal's
/// records, and signs in again: their browser and account.
async fn administrator_through_provider(app: &TestApp, login: &str) -> (Browser, i64) {
    let r = sign_in(app, &app.browser(), login).await;
    assert_eq!(location(&r), "/account");
    let account: i64 =
        sqlx::query_scalar("SELECT account_id FROM oidc_identities WHERE subject = ?")
            .bind(login)
            .fetch_one(&app.state.db)
            .await
            .expect("linked");
    app.grant_role(account, Role::Administrator).await;
    let b = app.browser();
    assert_eq!(location(&sign_in(app, &b, login).await), "/account");
    (b, account)
}

/// The value of query parameter `name` in `url`, as sent (still percent-encoded).
fn param<'a>(url: &'a str, name: &str) -> &'a str {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

fn urlencode(s: &str) -> String {
    app::web::urlencode(s)
}
