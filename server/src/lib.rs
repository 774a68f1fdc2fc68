//! The `minga` binary's library half: preparing the data directory and database, building the
//! router, running the server and its workers until shutdown. `main.rs` is the command line.

pub mod anchors;
pub mod backup;
pub mod config;
pub mod mail;
pub mod nodes;
pub mod procurement_demo;
pub mod routes;
pub mod workers;

use anyhow::Context;
use app::domain::evidence::checkpoint::LogKey;
use app::services::bootstrap::{self, Credentials};
use app::services::evidence::Log;
use app::settings::Settings;
use app::{AppState, db};
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// What start-up created and must be told once.
#[derive(Debug, Default)]
pub struct StartReport {
    pub admin: Option<Credentials>,
    pub demo: Vec<Credentials>,
    /// The demo catalogue's API key (source `catalogo`), made with the demo.
    pub demo_key: Option<String>,
}

/// Creates the data directory (database, documents, keys), migrates, loads the keys and makes
/// sure the founding collectives, an administrator and (first start) the demo network exist.
pub async fn prepare(mut settings: Settings) -> anyhow::Result<(AppState, StartReport)> {
    for dir in [
        settings.data_dir.clone(),
        settings.documents_dir(),
        settings.keys_dir(),
    ] {
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    restrict(&settings.keys_dir(), 0o700)?;
    let pool = db::connect(&settings)
        .await
        .with_context(|| format!("opening the database {}", settings.database_url()))?;
    db::migrate(&pool)
        .await
        .context("applying the migrations")?;
    let csrf_key = load_or_create_key(&settings.keys_dir().join("csrf.key"))?;
    let log_key = load_or_create_log_key(&settings)?;
    settings.log_origin = log_key.name().to_string();
    let log = Log::start(pool.clone(), log_key)
        .await
        .map_err(|e| anyhow::anyhow!("starting the evidence log: {e}"))?;
    let node_timeout = settings.nodes.timeout;
    let state = AppState::new(pool, settings, csrf_key, log);
    let rpc = nodes::JsonRpc::new(node_timeout).context("the nodes' JSON-RPC client")?;
    let _ = state.node_rpc.set(std::sync::Arc::new(rpc));
    let admin = bootstrap::ensure_foundation(&state)
        .await
        .map_err(|e| anyhow::anyhow!("bootstrap: {e}"))?;
    let mut report = StartReport {
        admin,
        ..StartReport::default()
    };
    if state.settings.demo
        && let Some(admin) = &report.admin
    {
        report.demo = bootstrap::load_demo(&state, &admin.password)
            .await
            .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
        if !report.demo.is_empty() {
            report.demo_key = procurement_demo::load(&state)
                .await
                .context("the demo's purchase orders")?;
        }
    }
    Ok((state, report))
}

/// The log's Ed25519 signing key, as a signed-note private key named after the log's origin.
/// Created on first start; afterwards its name is the log's origin (which can never change), and
/// an explicitly configured `MINGA_LOG_ORIGIN` must match it.
fn load_or_create_log_key(settings: &Settings) -> anyhow::Result<LogKey> {
    let path = settings.keys_dir().join("log.key");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(_) => {
            let seed =
                app::services::secrets::random_bytes::<32>().map_err(|e| anyhow::anyhow!("{e}"))?;
            let text = LogKey::encode_private(&settings.log_origin, &seed)
                .map_err(|e| anyhow::anyhow!("MINGA_LOG_ORIGIN `{}`: {e}", settings.log_origin))?;
            std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
            restrict(&path, 0o600)?;
            text
        }
    };
    let key =
        LogKey::from_private(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if settings.log_origin_explicit && key.name() != settings.log_origin {
        anyhow::bail!(
            "the log key in {} is for origin `{}` but MINGA_LOG_ORIGIN is `{}`; a log's origin cannot change",
            path.display(),
            key.name(),
            settings.log_origin
        );
    }
    std::fs::write(
        settings.keys_dir().join("log.vkey"),
        format!("{}\n", key.verifier_key()),
    )?;
    Ok(key)
}

/// A 32-byte secret kept in a file readable only by the portal's user.
fn load_or_create_key(path: &Path) -> anyhow::Result<[u8; 32]> {
    if let Ok(bytes) = std::fs::read(path) {
        return bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("{} is not a 32-byte key", path.display()));
    }
    let key = app::services::secrets::random_bytes::<32>().map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(path, key).with_context(|| format!("writing {}", path.display()))?;
    restrict(path, 0o600)?;
    Ok(key)
}

#[cfg(unix)]
pub(crate) fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("restricting {}", path.display()))
}

#[cfg(not(unix))]
pub(crate) fn restrict(_: &Path, _: u32) -> anyhow::Result<()> {
    Ok(())
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish, stops the workers and
/// closes the database (checkpointing the WAL).
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let backends = anchors::configured(&state.settings).await?;
    let mailer = mail::configured(&state.settings)?;
    let (stop_workers, stop_rx) = watch::channel(false);
    let workers = workers::spawn_all(&state, backends, mailer, &stop_rx);
    let router = routes::router(state.clone());
    // the dummy hash unknown addresses are checked against, made before the first login
    tokio::task::spawn_blocking(app::services::secrets::warm_up);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving HTTP")?;
    tracing::info!("HTTP server stopped; stopping workers");
    let _ = stop_workers.send(true);
    for worker in workers {
        let _ = worker.await;
    }
    state.db.close().await;
    tracing::info!("shutdown complete");
    Ok(())
}
