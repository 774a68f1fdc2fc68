//! Mail delivery through the outbox, over SMTP to a real server: aiosmtpd (Debian's
//! python3-aiosmtpd or PyPI's, installed by `scripts/setup-test-deps.sh`) on 127.0.0.1, writing
//! every message it accepts into a maildir the tests read back.

use crate::anchors::free_port;
use crate::support::*;
use app::domain::ics;
use app::domain::roles::Role;
use app::services::mail::{self, Delivered, Message};
use app::settings::SmtpUrl;
use base64::Engine;
use chrono::{Duration as Span, Utc};
use reqwest::StatusCode;
use server::mail::SmtpMailer;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// An aiosmtpd that refuses, for good, every recipient whose address starts with `nobody@`.
const REJECTING: &str = r#"
from aiosmtpd.handlers import Mailbox


class Rejecting(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
"#;

/// aiosmtpd on 127.0.0.1, stopped when dropped.
pub(crate) struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// The Python that has aiosmtpd: `MINGA_AIOSMTPD_PYTHON`, the virtualenv the setup script
    /// makes when Debian has no package, Debian's, or the first on the PATH.
    fn python() -> PathBuf {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/aiosmtpd/bin/python");
        let candidates: Vec<PathBuf> = std::env::var_os("MINGA_AIOSMTPD_PYTHON")
            .map(PathBuf::from)
            .into_iter()
            .chain([venv, "/usr/bin/python3".into(), "python3".into()])
            .collect();
        candidates
            .into_iter()
            .find(|python| {
                Command::new(python)
                    .args(["-c", "import aiosmtpd"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .expect(
                "no Python with aiosmtpd (the SMTP server the mail tests deliver to): run scripts/setup-test-deps.sh",
            )
    }

    pub(crate) async fn start(port: u16) -> SmtpServer {
        Self::start_with(port, "aiosmtpd.handlers.Mailbox").await
    }

    async fn start_rejecting(port: u16) -> SmtpServer {
        Self::start_with(port, "minga_rejecting.Rejecting").await
    }

    async fn start_with(port: u16, handler: &str) -> SmtpServer {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("minga_rejecting.py"), REJECTING).expect("handler");
        let log = std::fs::File::create(dir.path().join("aiosmtpd.log")).expect("log");
        let child = Command::new(Self::python())
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                handler,
            ])
            .arg(dir.path().join("maildir"))
            .env("PYTHONPATH", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start aiosmtpd");
        let mut server = SmtpServer { child, port, dir };
        for _ in 0..100 {
            if server.greets().await {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!(
                    "aiosmtpd exited ({status}): {}",
                    std::fs::read_to_string(server.dir.path().join("aiosmtpd.log"))
                        .unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start on port {port}");
    }

    /// Whether an SMTP server answers on the port with its 220 greeting.
    async fn greets(&self) -> bool {
        let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await else {
            return false;
        };
        let mut buf = [0u8; 4];
        matches!(
            tokio::time::timeout(Duration::from_secs(2), stream.read_exact(&mut buf)).await,
            Ok(Ok(_)) if &buf[..3] == b"220"
        )
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message the server accepted, as written to the maildir.
    pub(crate) fn messages(&self) -> Vec<Mail> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("maildir").join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let bytes = std::fs::read(entry.path()).expect("read mail");
                out.push(Mail::parse(&String::from_utf8_lossy(&bytes)));
            }
        }
        out
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A delivered message, read back: its headers, and its parts decoded.
#[derive(Debug)]
pub(crate) struct Mail {
    headers: Vec<(String, String)>,
    /// (Content-Type, decoded body) of each leaf part (the message itself when not multipart).
    pub(crate) parts: Vec<(String, String)>,
}

impl Mail {
    fn parse(raw: &str) -> Mail {
        let raw = raw.replace("\r\n", "\n");
        let (headers, body) = split_headers(&raw);
        let mut mail = Mail {
            headers,
            parts: Vec::new(),
        };
        let content_type = mail
            .header("content-type")
            .unwrap_or("text/plain")
            .to_string();
        match boundary(&content_type) {
            Some(b) => {
                for part in body.split(&format!("--{b}")).skip(1) {
                    if part.starts_with("--") {
                        break;
                    }
                    let (headers, body) = split_headers(part.trim_start_matches('\n'));
                    let get = |name: &str| {
                        headers
                            .iter()
                            .find(|(k, _)| k == name)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default()
                    };
                    mail.parts.push((
                        get("content-type"),
                        decode(&get("content-transfer-encoding"), body),
                    ));
                }
            }
            None => {
                let cte = mail
                    .header("content-transfer-encoding")
                    .unwrap_or_default()
                    .to_string();
                mail.parts.push((content_type, decode(&cte, body)));
            }
        }
        mail
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn part(&self, content_type: &str) -> Option<&(String, String)> {
        self.parts
            .iter()
            .find(|(ct, _)| ct.to_ascii_lowercase().starts_with(content_type))
    }
}

/// Headers (lowercase names, folded lines joined) and the body after the blank line.
fn split_headers(text: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    (headers, body)
}

fn boundary(content_type: &str) -> Option<String> {
    let at = content_type.find("boundary=")? + "boundary=".len();
    let rest = &content_type[at..];
    Some(match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?.to_string(),
        None => rest.split(';').next()?.trim().to_string(),
    })
}

fn decode(cte: &str, body: &str) -> String {
    match cte.trim().to_ascii_lowercase().as_str() {
        "base64" => {
            let clean: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(clean)
                    .expect("base64 part"),
            )
            .expect("utf-8 part")
        }
        "quoted-printable" => {
            let joined = body.replace("=\n", "");
            let bytes = joined.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'=' && i + 2 < bytes.len() {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("qp");
                    out.push(u8::from_str_radix(hex, 16).expect("qp escape"));
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).expect("utf-8 part")
        }
        _ => body.to_string(),
    }
}

pub(crate) fn mailer(url: &str) -> SmtpMailer {
    SmtpMailer::new(url, "Minga <minga@localhost>").expect("mailer")
}

/// Queues a message as a service does (inside a write transaction); returns its outbox id.
async fn queue(app: &TestApp, to: &str, subject: &str, ics: Option<String>, topic: &str) -> i64 {
    let mut tx = app::db::begin_write(&app.state.db).await.expect("tx");
    let message = Message {
        to_address: to.into(),
        to_name: format!("Persona {}", to.split('@').next().unwrap_or_default()),
        subject: subject.into(),
        body_text: format!("Estimada persona:\n\n{subject}.\n\n— Minga"),
        ics,
        topic: topic.into(),
    };
    assert!(mail::queue(&mut tx, &message).await.expect("queue"));
    tx.commit().await.expect("commit");
    sqlx::query_scalar("SELECT id FROM mail_outbox WHERE topic = ? AND to_address = ?")
        .bind(topic)
        .bind(to)
        .fetch_one(&app.state.db)
        .await
        .expect("outbox id")
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    status: String,
    attempts: i64,
    last_error: String,
    next_attempt_at: String,
    sent_at: Option<String>,
}

async fn row(app: &TestApp, id: i64) -> Row {
    sqlx::query_as(
        "SELECT status, attempts, last_error, next_attempt_at, sent_at FROM mail_outbox WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&app.state.db)
    .await
    .expect("row")
}

fn invitation() -> String {
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    };
    ics::to_ics(&ics::Calendar {
        method: ics::Method::Request,
        events: vec![ics::Event {
            uid: "meeting-1@minga.test".into(),
            sequence: 0,
            status: ics::Status::Confirmed,
            start: at("2026-12-01T15:00:00Z"),
            end: at("2026-12-01T17:00:00Z"),
            summary: "Sesión ordinaria del Consejo Ejecutivo".into(),
            description: "Orden del día: aprobación del acta; admisión de nodos; evaluación de proyectos en producción.".into(),
            location: "Sala de juntas, piso 2".into(),
            url: Some("http://127.0.0.1/meetings/1".into()),
            organizer: ics::Person {
                name: "Secretaría Ejecutiva".into(),
                email: "secretaria@minga.test".into(),
            },
            attendees: vec![ics::Person {
                name: "Persona b".into(),
                email: "b@minga.test".into(),
            }],
            dtstamp: at("2026-11-15T09:30:00Z"),
        }],
    })
}

/// The delivered message with `Message-ID` of outbox row `id`, and how many there are of it.
fn delivered(messages: &[Mail], id: i64) -> (usize, Option<&Mail>) {
    let prefix = format!("<outbox-{id}.");
    let found: Vec<&Mail> = messages
        .iter()
        .filter(|m| {
            m.header("message-id")
                .is_some_and(|v| v.starts_with(&prefix))
        })
        .collect();
    (found.len(), found.first().copied())
}

#[tokio::test]
async fn queued_mail_is_delivered_once_with_its_invitation() {
    let smtp = SmtpServer::start(free_port()).await;
    let app = TestApp::spawn().await;
    let a = queue(
        &app,
        "a@minga.test",
        "Aviso de fin de mandato",
        None,
        "test-mail/a",
    )
    .await;
    let b = queue(
        &app,
        "b@minga.test",
        "Convocatoria: sesión ordinaria",
        Some(invitation()),
        "test-mail/b",
    )
    .await;
    let c = queue(
        &app,
        "c@minga.test",
        "Decisión publicada",
        None,
        "test-mail/c",
    )
    .await;
    let mailer = mailer(&smtp.url());

    let done = mail::deliver_due(&app.state, &mailer, Utc::now())
        .await
        .expect("pass");
    assert_eq!(done.sent, 3, "{done:?}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    for (id, to) in [
        (a, "a@minga.test"),
        (b, "b@minga.test"),
        (c, "c@minga.test"),
    ] {
        let (count, message) = delivered(&messages, id);
        assert_eq!(count, 1, "outbox {id} delivered {count} times");
        let message = message.expect("message");
        assert!(
            message.header("to").is_some_and(|v| v.contains(to)),
            "{message:#?}"
        );
        assert!(
            message
                .header("from")
                .is_some_and(|v| v.contains("minga@localhost")),
            "{message:#?}"
        );
        assert_eq!(message.header("mime-version"), Some("1.0"), "{message:#?}");
        assert_eq!(
            message.header("auto-submitted"),
            Some("auto-generated"),
            "{message:#?}"
        );
        let r = row(&app, id).await;
        assert_eq!(r.status, "sent");
        assert_eq!(r.attempts, 1);
        assert!(r.sent_at.is_some());
    }

    // the one with an invitation: text and calendar as alternatives
    let message = delivered(&messages, b).1.expect("b");
    assert!(
        message
            .header("content-type")
            .is_some_and(|v| v.starts_with("multipart/alternative")),
        "{message:#?}"
    );
    let (content_type, text) = message.part("text/plain").expect("text part");
    assert!(content_type.contains("charset=utf-8"), "{content_type}");
    assert!(text.contains("Convocatoria: sesión ordinaria"), "{text}");
    let (content_type, calendar) = message.part("text/calendar").expect("calendar part");
    assert!(
        content_type.starts_with("text/calendar; method=REQUEST"),
        "{content_type}"
    );
    assert!(content_type.contains("charset=utf-8"), "{content_type}");
    assert!(calendar.starts_with("BEGIN:VCALENDAR"), "{calendar}");
    assert!(calendar.contains("METHOD:REQUEST"), "{calendar}");
    assert!(calendar.contains("UID:meeting-1@minga.test"), "{calendar}");
    assert!(
        calendar.contains("SUMMARY:Sesión ordinaria del Consejo Ejecutivo"),
        "{calendar}"
    );
    // the plain ones are a single text part
    let message = delivered(&messages, a).1.expect("a");
    assert!(
        message
            .header("content-type")
            .is_some_and(|v| v.starts_with("text/plain"))
    );
    assert!(message.parts[0].1.contains("Aviso de fin de mandato"));

    // nothing is sent twice, now or later
    for later in [Span::zero(), Span::days(1)] {
        let done = mail::deliver_due(&app.state, &mailer, Utc::now() + later)
            .await
            .expect("pass");
        assert_eq!(done, Delivered::default());
    }
    assert_eq!(smtp.messages().len(), 3);
    app.stop().await;
}

#[tokio::test]
async fn mail_waits_while_the_relay_is_down_and_goes_out_once_when_it_is_back() {
    let port = free_port();
    let app = TestApp::spawn_with(|s| {
        s.mail_retry = Duration::from_millis(200);
        s.mail_retry_max = Duration::from_millis(800);
    })
    .await;
    let mut ids = Vec::new();
    for who in ["a", "b", "c"] {
        let to = format!("{who}@minga.test");
        let ics = (who == "b").then(invitation);
        ids.push(queue(&app, &to, "Aviso", ics, &format!("test-down/{who}")).await);
    }
    let mailer = mailer(&format!("smtp://127.0.0.1:{port}"));

    // nothing listens: every message stays queued, with the error and a later attempt
    let before = Utc::now();
    let done = mail::deliver_due(&app.state, &mailer, before)
        .await
        .expect("pass");
    assert_eq!(done.retrying, 3, "{done:?}");
    assert_eq!(done.sent + done.failed, 0);
    for &id in &ids {
        let r = row(&app, id).await;
        assert_eq!(r.status, "queued");
        assert!(r.attempts >= 1);
        assert!(!r.last_error.is_empty());
        assert!(r.next_attempt_at > app::db::Ts(before).to_db(), "{r:?}");
        assert!(r.sent_at.is_none());
    }
    // not yet due again: a pass at once sends nothing
    let done = mail::deliver_due(&app.state, &mailer, before)
        .await
        .expect("pass");
    assert_eq!(done, Delivered::default());

    // the relay comes up on that port: passes until everything went out
    let smtp = SmtpServer::start(port).await;
    let mut sent = 0;
    for _ in 0..100 {
        sent += mail::deliver_due(&app.state, &mailer, Utc::now())
            .await
            .expect("pass")
            .sent;
        if sent == ids.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sent, ids.len(), "every message delivered after the outage");
    let messages = smtp.messages();
    assert_eq!(messages.len(), ids.len(), "{messages:#?}");
    for &id in &ids {
        assert_eq!(delivered(&messages, id).0, 1, "outbox {id}");
        let r = row(&app, id).await;
        assert_eq!(r.status, "sent");
        assert!(r.attempts >= 2, "{r:?}");
        assert!(r.sent_at.is_some());
    }
    for later in [Span::zero(), Span::hours(1)] {
        let done = mail::deliver_due(&app.state, &mailer, Utc::now() + later)
            .await
            .expect("pass");
        assert_eq!(done, Delivered::default());
    }
    assert_eq!(smtp.messages().len(), ids.len());
    app.stop().await;
}

#[tokio::test]
async fn a_recipient_refused_for_good_is_kept_as_failed() {
    let smtp = SmtpServer::start_rejecting(free_port()).await;
    let app = TestApp::spawn().await;
    let good = queue(&app, "ana@minga.test", "Aviso", None, "test-refused/1").await;
    let bad = queue(&app, "nobody@minga.test", "Aviso", None, "test-refused/1").await;
    let mailer = mailer(&smtp.url());
    let done = mail::deliver_due(&app.state, &mailer, Utc::now())
        .await
        .expect("pass");
    assert_eq!(
        (done.sent, done.failed, done.retrying),
        (1, 1, 0),
        "{done:?}"
    );
    assert_eq!(row(&app, good).await.status, "sent");
    let r = row(&app, bad).await;
    assert_eq!(r.status, "failed");
    assert_eq!(r.attempts, 1);
    assert!(r.last_error.contains("550"), "{r:?}");
    assert!(r.last_error.contains("User unknown"), "{r:?}");
    // not tried again
    let done = mail::deliver_due(&app.state, &mailer, Utc::now() + Span::days(1))
        .await
        .expect("pass");
    assert_eq!(done, Delivered::default());
    assert_eq!(smtp.messages().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn the_worker_delivers_what_is_queued() {
    let smtp = SmtpServer::start(free_port()).await;
    let url = smtp.url();
    let app = TestApp::spawn_with(|s| s.smtp_url = Some(SmtpUrl(url))).await;
    let id = queue(
        &app,
        "ana@minga.test",
        "Aviso",
        Some(invitation()),
        "test-worker/1",
    )
    .await;
    app.state.mail_pending.notify_one();
    for _ in 0..100 {
        if row(&app, id).await.status == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(row(&app, id).await.status, "sent");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(delivered(&messages, id).0, 1);
    app.stop().await;
}

#[tokio::test]
async fn the_outbox_page_shows_every_state_to_administrators_only() {
    let smtp = SmtpServer::start_rejecting(free_port()).await;
    let app = TestApp::spawn().await;
    let sent = queue(&app, "ana@minga.test", "Aviso enviado", None, "test-page/1").await;
    let failed = queue(
        &app,
        "nobody@minga.test",
        "Aviso rechazado",
        None,
        "test-page/1",
    )
    .await;
    mail::deliver_due(&app.state, &mailer(&smtp.url()), Utc::now())
        .await
        .expect("pass");
    let queued = queue(
        &app,
        "luis@minga.test",
        "Aviso en cola",
        None,
        "test-page/2",
    )
    .await;

    let admin = app.admin().await;
    let (status, html) = admin.text("/admin/mail").await;
    assert_eq!(status, StatusCode::OK);
    for (id, state) in [(sent, "sent"), (failed, "failed"), (queued, "queued")] {
        assert!(
            html.contains(&format!("id=\"mail-{id}\" data-status=\"{state}\"")),
            "outbox {id} as {state}: {html}"
        );
    }
    let text = visible_text(&html);
    for expected in [
        "Persona ana <ana@minga.test>",
        "Aviso rechazado",
        "test-page/2",
        "enviado",
        "fallido",
        "en cola",
        "User unknown",
        "MINGA_SMTP_URL",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let (_, html) = admin.text("/admin/mail?status=failed").await;
    assert!(html.contains(&format!("id=\"mail-{failed}\"")));
    assert!(!html.contains(&format!("id=\"mail-{sent}\"")));

    let (member, _) = app.browser_as(Role::Member).await;
    assert_eq!(
        member.get("/admin/mail").await.status(),
        StatusCode::FORBIDDEN
    );
    let (secretary, _) = app.browser_as(Role::ExecutiveSecretary).await;
    assert_eq!(
        secretary.get("/admin/mail").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_ne!(
        app.browser().get("/admin/mail").await.status(),
        StatusCode::OK
    );
    app.stop().await;
}
