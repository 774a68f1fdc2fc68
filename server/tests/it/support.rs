//! The test harness: spawn the app, and a cookie-keeping client that fills in CSRF tokens.

use app::AppState;
use app::domain::roles::{Grant, Role};
use app::services::accounts::{self, Registration};
use app::services::audit::Actor;
use app::services::offices;
use app::settings::Settings;
use reqwest::{Client, Response, StatusCode};
use std::net::SocketAddr;
use tokio::sync::oneshot;

pub const ADMIN_EMAIL: &str = "admin@minga.example";
pub const ADMIN_PASSWORD: &str = "admin password for tests";
pub const PASSWORD: &str = "a long enough test password";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    #[allow(
        dead_code,
        reason = "kept so the data directory lives as long as the app"
    )]
    pub dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns the app with settings adjusted by `tweak` (demo data off unless turned on).
    pub async fn spawn_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
        // `MINGA_TEST_LOG=debug cargo test ...` shows the server's logs while debugging a test.
        if let Ok(filter) = std::env::var("MINGA_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        Self::spawn_in(tempfile::tempdir().expect("temp dir"), tweak).await
    }

    /// Stops the app and starts it again on the same data directory (a restart), with `tweak`.
    pub async fn restart(mut self, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("join").expect("clean shutdown");
        }
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("temp dir"));
        Self::spawn_in(dir, tweak).await
    }

    async fn spawn_in(dir: tempfile::TempDir, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut settings = Settings::embedded(dir.path().join("data"));
        settings.listen = addr;
        settings.public_url = format!("http://{addr}");
        settings.admin_password = Some(ADMIN_PASSWORD.into());
        settings.demo = false;
        settings.checkpoint_interval = std::time::Duration::from_millis(100);
        // the tests act as administrators and secretaries with the password alone; the second
        // factor's own tests (identity) require it again
        settings.second_factor_roles = Vec::new();
        // the open data's own tests dump when they mean to
        settings.open_data_interval = None;
        tweak(&mut settings);
        let (state, _) = server::prepare(settings).await.expect("prepare");
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(server::serve(state.clone(), listener, async {
            let _ = rx.await;
        }));
        TestApp {
            addr,
            state,
            dir,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base: format!("http://{}", self.addr),
            client: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    /// Creates an account holding `role` (for the roles that represent one, in the first
    /// collective); returns its e-mail and account id.
    pub async fn account_with_role(&self, role: Role) -> (String, i64) {
        let email = format!(
            "{}.{}@test.example",
            role.as_str(),
            app::services::secrets::random_token().expect("token")[..8].to_lowercase()
        );
        let registration = Registration {
            full_name: format!("Persona {}", role.as_str()),
            email: email.clone(),
            password: PASSWORD.into(),
            password_confirm: PASSWORD.into(),
        };
        let actor = Actor::system("test");
        let id = accounts::create_account(&self.state, &registration, &actor)
            .await
            .expect("register");
        if role.is_granted() {
            self.grant_role(id, role).await;
        }
        (email, id)
    }

    /// Grants `role` to the account (for the roles that represent one, in the first collective,
    /// of which the person becomes a member), as the operator.
    pub async fn grant_role(&self, id: i64, role: Role) {
        let actor = Actor::system("test");
        let person: i64 = sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
            .bind(id)
            .fetch_one(&self.state.db)
            .await
            .expect("person");
        // seats follow the seat rules: a member of the collective, with the seat's profile
        if role.represents_collective() {
            let mut tx = app::db::begin_write(&self.state.db).await.expect("tx");
            app::services::memberships::add(
                &mut tx,
                &actor,
                1,
                app::services::memberships::Member::Person(person),
                chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date"),
            )
            .await
            .expect("membership");
            tx.commit().await.expect("commit");
        }
        let profile = match role {
            Role::ProjectsCommission => "business",
            Role::NodesCommission => "technical",
            _ => "",
        };
        sqlx::query("UPDATE people SET profile = ? WHERE id = ?")
            .bind(profile)
            .bind(person)
            .execute(&self.state.db)
            .await
            .expect("profile");
        let grant = Grant {
            role,
            collective_id: role.represents_collective().then_some(1),
            starts_on: chrono::Utc::now().date_naive(),
            ends_on: None,
        };
        offices::grant(
            &self.state,
            &app::services::authority::Admin::operator(),
            person,
            &grant,
            "test",
            &actor,
        )
        .await
        .expect("grant");
    }

    /// A browser logged in as a new account holding `role`.
    pub async fn browser_as(&self, role: Role) -> (Browser, i64) {
        let (email, id) = self.account_with_role(role).await;
        let b = self.browser();
        let r = b.login(&email, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {role:?}");
        (b, id)
    }

    pub async fn admin(&self) -> Browser {
        let b = self.browser();
        let r = b.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "admin login");
        b
    }

    pub async fn audit_actions(
        &self,
    ) -> Vec<(
        String,
        Option<i64>,
        String,
        String,
        Option<String>,
        Option<String>,
    )> {
        sqlx::query_as("SELECT action, actor_id, entity_type, entity_id, before_json, after_json FROM audit_log ORDER BY id")
            .fetch_all(&self.state.db)
            .await
            .expect("audit")
    }

    /// An API key for `source` limited to `kinds` (public records).
    pub async fn api_key(&self, source: &str, kinds: &str) -> String {
        app::services::evidence::api_keys::create(
            &self.state,
            &app::services::authority::Admin::operator(),
            source,
            kinds,
            true,
            &Actor::system("test"),
        )
        .await
        .expect("api key")
        .1
    }

    /// Waits until a signed checkpoint covers at least `size` entries; returns its note.
    pub async fn checkpoint_covering(&self, size: u64) -> String {
        for _ in 0..200 {
            let note = reqwest::get(self.url("/log/checkpoint"))
                .await
                .expect("get")
                .text()
                .await
                .expect("text");
            let signed: u64 = note
                .lines()
                .nth(1)
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            if signed >= size {
                return note;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no checkpoint covered {size} entries within 10 s");
    }

    /// The log's verifier key, as published.
    pub async fn verifier_key(&self) -> String {
        reqwest::get(self.url("/log/key"))
            .await
            .expect("get")
            .text()
            .await
            .expect("text")
            .trim()
            .to_string()
    }

    /// Stops the server the way SIGTERM does and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("join").expect("clean shutdown");
        }
    }
}

pub struct Browser {
    pub base: String,
    pub client: Client,
}

impl Browser {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.text().await.expect("body"))
    }

    /// The CSRF token of the forms on `page`.
    pub async fn csrf(&self, page: &str) -> String {
        let (_, html) = self.text(page).await;
        csrf_in(&html).unwrap_or_else(|| panic!("no CSRF token on {page}"))
    }

    /// Posts a form exactly as given (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Posts a form with the CSRF token taken from `page`, as a browser submitting it would.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf(page).await;
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(action, &all).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(html[at..].split('"').next()?.to_string())
}

pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The text of an HTML page without tags or Leptos' `<!>` markers, for matching sentences.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub async fn person_of(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar("SELECT person_id FROM accounts WHERE id = ?")
        .bind(account)
        .fetch_one(&app.state.db)
        .await
        .expect("person")
}

pub async fn login_as(app: &TestApp, email: &str) -> Browser {
    let b = app.browser();
    assert_eq!(
        b.login(email, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    b
}

/// Waits until the decision publisher has registered the decision `reference` in the log.
pub async fn evidence_of(app: &TestApp, reference: &str) -> String {
    for _ in 0..100 {
        let id: Option<Option<String>> =
            sqlx::query_scalar("SELECT evidence_id FROM decisions WHERE ref = ?")
                .bind(reference)
                .fetch_optional(&app.state.db)
                .await
                .expect("decision");
        if let Some(Some(id)) = id {
            return id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("decision {reference} was not registered");
}

/// The QR codes printed in a PDF: every page rendered to greyscale by `pdftoppm` (poppler-utils)
/// and searched with `rqrr`; their texts, page by page.
pub fn qr_codes_in(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).expect("write");
    let out = std::process::Command::new("pdftoppm")
        .args(["-gray", "-r", "300"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .output()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    pages.sort();
    let mut texts = Vec::new();
    for page in pages {
        let bytes = std::fs::read(&page).expect("page");
        let (w, h, pixels) = read_pgm(&bytes);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        for grid in img.detect_grids() {
            let (_, text) = grid.decode().expect("a QR code that decodes");
            texts.push(text);
        }
    }
    texts
}

/// A binary PGM (P5, 8-bit): width, height and the pixels row by row.
fn read_pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes[i] == b'#' {
            while bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(
            std::str::from_utf8(&bytes[start..i])
                .expect("header")
                .to_string(),
        );
    }
    assert_eq!(fields[0], "P5", "a binary greyscale map");
    assert_eq!(fields[3], "255", "8 bits per pixel");
    let (w, h): (usize, usize) = (
        fields[1].parse().expect("width"),
        fields[2].parse().expect("height"),
    );
    let data = &bytes[i + 1..];
    assert_eq!(data.len(), w * h);
    (w, h, data)
}
