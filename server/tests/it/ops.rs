//! Health, readiness, metrics, error pages and problem details, headers, the command line, and
//! graceful shutdown of the real binary on SIGTERM.

use crate::support::*;
use reqwest::StatusCode;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    assert_eq!(b.text("/healthz").await, (StatusCode::OK, "ok".into()));
    assert_eq!(b.text("/readyz").await, (StatusCode::OK, "ready".into()));
    b.get("/").await;
    let (status, metrics) = b.text("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        metrics.contains(r#"minga_http_requests_total{method="GET",route="/",status="200"}"#),
        "{metrics}"
    );
    assert!(metrics.contains("minga_http_request_duration_seconds_bucket"));
    app.state.db.close().await;
    let r = b.get("/readyz").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(b.text("/healthz").await.0, StatusCode::OK);
}

#[tokio::test]
async fn not_found_is_a_page_for_people_and_a_problem_for_programs() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let r = b.get("/no/such/page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/html")
    );
    let text = visible_text(&r.text().await.expect("body"));
    assert!(text.contains("Página no encontrada") && text.contains("Volver al inicio"));
    b.get("/lang/en").await;
    let (_, html) = b.text("/nothing-here").await;
    assert!(visible_text(&html).contains("Page not found"));

    let r = b.get("/api/v1/nothing").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = r.json().await.expect("json");
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["type"], "/problems/not-found");
    assert!(problem["title"].is_string() && problem["detail"].is_string());

    // a malformed form body is a 400 page, never a 500
    let token = b.csrf("/login").await;
    let r = b
        .client
        .post(app.url("/login"))
        .header("content-type", "application/json")
        .body(format!("{{\"_csrf\":\"{token}\"}}"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = b
        .client
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'=', 0x80])
        .send()
        .await
        .expect("post");
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = b.get("/admin/accounts/not-a-number").await;
    assert!(
        r.status().is_client_error() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    app.stop().await;
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    for path in [
        "/",
        "/login",
        "/healthz",
        "/api/v1/x",
        "/style/minga.css",
        "/missing",
    ] {
        let r = b.get(path).await;
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(
            h.contains_key("referrer-policy") && h.contains_key("x-request-id"),
            "{path}"
        );
    }
    let r = app.browser().get("/login").await;
    let csrf = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("minga_csrf="));
    assert!(csrf.is_some_and(|c| c.contains("HttpOnly") && c.contains("SameSite=Lax")));
    app.stop().await;
}

#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let app = TestApp::spawn_with(|s| s.public_url = "https://minga.example.gob".into()).await;
    let r = app.browser().get("/login").await;
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-minga_csrf="))
        .expect("a __Host- prefixed CSRF cookie")
        .to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(
        cookie.contains("; Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert!(r.headers().contains_key("strict-transport-security"));
    app.stop().await;
}

#[tokio::test]
async fn the_home_page_presents_the_demo_network() {
    let app = TestApp::spawn_with(|s| s.demo = true).await;
    // demo data is loaded by `prepare` only when the administrator is created there
    let (_, html) = app.browser().text("/").await;
    let text = visible_text(&html);
    for expected in [
        "Colectivo Académico",
        "Colectivo Empresarial",
        "Colectivo del Sector Público",
        "Colectivo de Organizaciones de la Sociedad Civil",
        "Universidad Nacional Autónoma de México",
        "Instituciones integrantes: 2 · Personas integrantes: 1",
    ] {
        assert!(text.contains(expected), "{expected}");
    }
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(
        accounts, 19,
        "the administrator, one account per other role, four members who may stand in calls and \
         the three other seats of each commission (each evaluates and votes on node requests, or \
         scores project applications)"
    );
    // the governance bodies are populated, each seat with the decision that appointed it
    let councils = visible_text(&app.browser().text("/councils").await.1);
    for expected in [
        "Ana Martínez",
        "Secretaría Ejecutiva",
        "Carlos Pérez",
        "Jorge Castillo",
        "Elena Vargas",
        "3 de 15 lugares ocupados",
    ] {
        assert!(councils.contains(expected), "/councils: {expected}");
    }
    assert!(
        !councils.contains("Vacante"),
        "every council seat is filled"
    );
    let collectives = visible_text(&app.browser().text("/collectives").await.1);
    for expected in [
        "Mariana López",
        "Andrés Soto",
        "Laura Mendoza",
        "Fernanda Ortiz",
    ] {
        assert!(collectives.contains(expected), "/collectives: {expected}");
    }
    let seats: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM decisions WHERE event IN ('leader-elected', 'council-designated', 'advisory-admitted')",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("count");
    assert_eq!(seats, 18, "one decision per seat of the demo");
    let calls = visible_text(&app.browser().text("/calls").await.1);
    assert!(calls.contains("Colectivo del Sector Público"), "{calls}");
    let votes = visible_text(&app.browser().text("/votes").await.1);
    assert!(votes.contains("¿Renovar a Mariana López"), "{votes}");
    // one past meeting with approved minutes (registered with their PDF) and one upcoming
    let minutes_ref = "SELECT ref FROM decisions WHERE event = 'minutes-approved'";
    let reference: String = sqlx::query_scalar(minutes_ref)
        .fetch_one(&app.state.db)
        .await
        .expect("the demo's approved minutes");
    let evidence = evidence_of(&app, &reference).await;
    let document: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT document_hash FROM evidences WHERE id = ? AND kind = 'governance.minutes-approved'",
    )
    .bind(&evidence)
    .fetch_one(&app.state.db)
    .await
    .expect("evidence");
    assert!(document.is_some(), "the PDF is the evidence's document");
    let meetings = app.browser().text("/meetings").await.1;
    assert!(
        meetings.contains(&format!("href=\"/v/{evidence}\"")),
        "{meetings}"
    );
    // an iCalendar feed per body, the collectives' too
    let feed = meetings
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.starts_with("/meetings/calendar/collective:"))
        .expect("a collective's feed")
        .to_string();
    let r = app.browser().get(&feed).await;
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    assert!(r.text().await.expect("ics").contains("BEGIN:VCALENDAR"));
    let text = visible_text(&meetings);
    assert!(
        text.contains("Sesión ordinaria del Consejo Ejecutivo (anterior)")
            && text.contains("Acta aprobada")
            && text.contains("Sesión ordinaria del Consejo Ejecutivo — Consejo Ejecutivo"),
        "{text}"
    );
    let lider = app.browser();
    assert_eq!(
        lider
            .login("lider@minga.example", ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert!(visible_text(&lider.text("/account").await.1).contains("Líder de colectivo"));

    // the demo's history is dated as it would have happened, in the evidence it became too
    let rows: Vec<(String, String, app::db::Ts)> = sqlx::query_as(
        "SELECT event, ref, decided_at FROM decisions WHERE evidence_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .expect("decisions");
    let today = chrono::Utc::now().date_naive();
    let (meeting_day, opened_at): (app::db::Ts, app::db::Ts) =
        sqlx::query_as("SELECT starts_at, opened_at FROM meetings WHERE status = 'held'")
            .fetch_one(&app.state.db)
            .await
            .expect("the past meeting was held");
    let meeting_day = meeting_day.0.date_naive();
    for (event, reference, at) in &rows {
        let day = at.0.date_naive();
        match event.as_str() {
            "leader-elected" | "council-designated" | "advisory-admitted" => {
                let office: i64 = reference["appointment/".len()..].parse().expect("office");
                let starts_on: chrono::NaiveDate =
                    sqlx::query_scalar("SELECT starts_on FROM offices WHERE id = ?")
                        .bind(office)
                        .fetch_one(&app.state.db)
                        .await
                        .expect("office");
                assert_eq!(day, starts_on - chrono::Days::new(7), "{reference}");
            }
            "quorum-established" => {
                assert_eq!(at.0, opened_at.0, "{reference}");
                assert!(reference.ends_with(&opened_at.0.timestamp().to_string()));
            }
            "vote-result" if reference != "vote/1" => assert_eq!(day, meeting_day, "{reference}"),
            "minutes-approved" | "agreement-opened" => {
                assert!(day > meeting_day && day < today, "{reference} on {day}")
            }
            _ => {}
        }
        let evidence = evidence_of(&app, reference).await;
        let data: String = sqlx::query_scalar("SELECT data_json FROM evidences WHERE id = ?")
            .bind(&evidence)
            .fetch_one(&app.state.db)
            .await
            .expect("evidence");
        let data: serde_json::Value = serde_json::from_str(&data).expect("json");
        assert_eq!(
            data["decided_at"],
            app::domain::evidence::entry::format_time(at.0),
            "{reference}: the evidence carries the decision's date"
        );
    }
    // the past meeting's vote: its roll on the meeting's day, closed during the session
    let (roll, closed): (chrono::NaiveDate, app::db::Ts) = sqlx::query_as(
        "SELECT v.eligibility_on, v.closed_at FROM votes v JOIN agenda_items a ON a.vote_id = v.id
           JOIN meetings m ON m.id = a.meeting_id WHERE m.status = 'held'",
    )
    .fetch_one(&app.state.db)
    .await
    .expect("vote");
    assert_eq!(roll, meeting_day);
    assert_eq!(closed.0.date_naive(), meeting_day);
    app.stop().await;
}

fn minga() -> Command {
    Command::new(env!("CARGO_BIN_EXE_minga"))
}

#[test]
fn help_lists_every_setting_with_its_variable() {
    let out = minga().arg("--help").output().expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "MINGA_LISTEN",
        "MINGA_DATA_DIR",
        "MINGA_DATABASE_URL",
        "MINGA_PUBLIC_URL",
        "MINGA_LOG_ORIGIN",
        "MINGA_ADMIN_PASSWORD",
        "MINGA_LOGIN_WINDOW",
        "MINGA_SESSION_IDLE",
    ] {
        assert!(help.contains(var), "{var} missing from --help");
    }
    for cmd in ["serve", "migrate", "demo"] {
        assert!(help.contains(cmd), "{cmd}");
    }
}

#[test]
fn migrate_and_demo_commands() {
    let dir = tempfile::tempdir().expect("dir");
    let out = minga()
        .arg("migrate")
        .env("MINGA_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    let out = minga()
        .arg("demo")
        .env("MINGA_DATA_DIR", dir.path().join("data"))
        .env("MINGA_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("secretaria@minga.example") && stdout.contains("admin@minga.example"),
        "{stdout}"
    );
    let again = minga()
        .arg("demo")
        .env("MINGA_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&again.stdout).contains("already loaded"));
}

/// Starts the binary on a free port and waits until it answers.
fn start_binary(dir: &std::path::Path) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = minga()
        .env("MINGA_DATA_DIR", dir.join("data"))
        .env("MINGA_LISTEN", format!("127.0.0.1:{port}"))
        .env("MINGA_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // the first start loads the demo (dozens of argon2 hashes): on 2 cores shared with the other
    // tests that has taken over 10 s
    for _ in 0..1200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (child, port);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("minga did not start");
}

#[test]
fn first_start_creates_the_data_directory_and_prints_the_admin_login_once() {
    let dir = tempfile::tempdir().expect("dir");
    let (child, _) = start_binary(dir.path());
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Minga is running at http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(stdout.contains("admin@minga.example") && stdout.contains(ADMIN_PASSWORD));
    assert!(
        stdout.contains("lider@minga.example"),
        "demo data on first start"
    );
    for f in ["data/minga.db", "data/documents", "data/keys/csrf.key"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let (child, _) = start_binary(dir.path());
    std::thread::sleep(Duration::from_millis(300));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().expect("wait");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("password:"),
        "the password is printed only once"
    );
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_cleanly() {
    let dir = tempfile::tempdir().expect("dir");
    let (child, port) = start_binary(dir.path());
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let body = "email=a%40b.mx&password=x";
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
        body.len(),
        &body[..5]
    )
    .expect("write head");
    stream.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(200));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(300));
    stream
        .write_all(&body.as_bytes()[5..])
        .expect("write rest of the body after SIGTERM");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(
        response.starts_with("HTTP/1.1 403"),
        "the in-flight request was answered (CSRF refusal): {response:.80}"
    );
    let status = child.wait_with_output().expect("wait").status;
    assert!(status.success(), "exit status {status}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no longer listening"
    );
}
