//! Part 4: the resident memory of the minga binary after start, across bursts of failed logins, and serving a large log.

#[allow(unused_imports)]
use super::*;

/// The resident memory of process `pid`, and its peak, in MB.
fn rss_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The `minga` binary serving `data_dir` on a free port, until dropped.
struct Minga {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Minga {
    async fn start(data_dir: &std::path::Path, demo: bool) -> Minga {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr");
        let minga = Minga {
            child: std::process::Command::new(env!("CARGO_BIN_EXE_minga"))
                .env("MINGA_DATA_DIR", data_dir)
                .env("MINGA_LISTEN", addr.to_string())
                .env("MINGA_DEMO", demo.to_string())
                .env("MINGA_ADMIN_PASSWORD", "benchmark administrator password")
                // bursts of failed logins are the point here, not the throttle
                .env("MINGA_LOGIN_MAX_FAILURES", "1000000")
                .env("MINGA_LOGIN_MAX_FAILURES_PER_IP", "1000000")
                .env("MINGA_LOG", "warn")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start minga"),
            addr,
        };
        let client = reqwest::Client::new();
        for _ in 0..1200 {
            if client
                .get(format!("http://{addr}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return minga;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("minga did not become ready");
    }

    fn rss(&self) -> (f64, f64) {
        rss_mb(self.child.id())
    }
}

impl Drop for Minga {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One failed login (an unknown address costs a full argon2id verification, by design).
async fn failed_login(addr: std::net::SocketAddr, n: usize) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let page = text(&client, &format!("http://{addr}/login")).await;
    let at = page.find("name=\"_csrf\" value=\"").expect("csrf field") + 20;
    let token = page[at..].split('"').next().expect("token").to_string();
    let r = client
        .post(format!("http://{addr}/login"))
        .form(&[
            ("_csrf", token.as_str()),
            ("email", &format!("nadie{n}@bench.example")),
            ("password", "not the password at all"),
        ])
        .send()
        .await
        .expect("post");
    assert!(!r.status().is_server_error(), "{}", r.status());
}

pub(super) async fn memory(largest_log: Option<(usize, &std::path::Path)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let minga = Minga::start(&dir.path().join("data"), true).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (start, _) = minga.rss();
    println!(
        "  after start with the demo:            {start:>6.0} MB{}",
        if start < 150.0 {
            ""
        } else {
            "   [goal < 150 MB]"
        }
    );
    let mut after_each = Vec::new();
    for burst in 0..20 {
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..20 {
            tasks.spawn(failed_login(minga.addr, burst * 20 + n));
        }
        while let Some(r) = tasks.join_next().await {
            r.expect("login");
        }
        after_each.push(minga.rss().0);
    }
    let (_, peak) = minga.rss();
    // jemalloc gives back freed pages after its decay time (10 s)
    tokio::time::sleep(Duration::from_secs(12)).await;
    let (idle, _) = minga.rss();
    println!(
        "  after 20 bursts of 20 logins:         {:>6.0} MB after the first burst, {:>6.0} MB after the last, peak {peak:.0} MB, {idle:.0} MB idle 12 s later{}",
        after_each[0],
        after_each[after_each.len() - 1],
        if idle <= start + 20.0 {
            ""
        } else {
            "   [goal: no growth across bursts]"
        }
    );
    drop(minga);
    if let Some((entries, data)) = largest_log {
        let ids: Vec<String> = {
            let pool = SqlitePool::connect(&format!("sqlite://{}/minga.db", data.display()))
                .await
                .expect("open");
            let ids = sqlx::query_scalar("SELECT id FROM evidences ORDER BY random() LIMIT 2000")
                .fetch_all(&pool)
                .await
                .expect("ids");
            pool.close().await;
            ids
        };
        let minga = Minga::start(data, false).await;
        let (started, _) = minga.rss();
        let client = reqwest::Client::new();
        for id in &ids {
            let r = client
                .get(format!("http://{}/v/{id}", minga.addr))
                .send()
                .await
                .expect("get");
            assert!(r.status().is_success());
        }
        let (viewed, _) = minga.rss();
        println!(
            "  serving a log of {entries} entries:    {started:>6.0} MB after start, {viewed:.0} MB after {} page views",
            ids.len()
        );
    }
}
