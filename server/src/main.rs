//! `minga`: serve the portal, or run one of its administrative commands.

use anyhow::Context;
use app::i18n::role_name;
use clap::Parser;
use server::config::{Cli, Command, LogFormat};
use std::io::Write;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.settings.log_format);
    let settings = cli.settings.to_settings();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            std::fs::create_dir_all(&settings.data_dir)?;
            let pool = app::db::connect(&settings)
                .await
                .context("opening the database")?;
            app::db::migrate(&pool)
                .await
                .context("applying the migrations")?;
            let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                .fetch_one(&pool)
                .await?;
            pool.close().await;
            say(&format!(
                "Database {} is up to date ({applied} migrations applied).",
                settings.database_url()
            ));
            Ok(())
        }
        Command::Demo => {
            let password = match &settings.admin_password {
                Some(p) => p.clone(),
                None => {
                    app::services::secrets::random_password().map_err(|e| anyhow::anyhow!("{e}"))?
                }
            };
            // load the demo here, with its own password, rather than as part of a first start
            let (state, report) = server::prepare(app::settings::Settings {
                demo: false,
                ..settings
            })
            .await?;
            if let Some(admin) = &report.admin {
                say("Administrator created:");
                print_credentials(std::slice::from_ref(admin));
            }
            let logins = app::services::bootstrap::load_demo(&state, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if logins.is_empty() {
                say("The demo network was already loaded.");
            } else {
                say("Demo network loaded. Demo accounts:");
                print_credentials(&logins);
            }
            state.db.close().await;
            Ok(())
        }
    }
}

async fn serve(settings: app::settings::Settings) -> anyhow::Result<()> {
    let listen = settings.listen;
    let public_url = settings.public_url.clone();
    let (state, report) = server::prepare(settings).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    say(&format!(
        "Minga is running at {public_url}  (listening on {listen}; Ctrl-C to stop)"
    ));
    if let Some(admin) = &report.admin {
        say("First start: the administrator's login is shown once, below. Keep it somewhere safe.");
        print_credentials(std::slice::from_ref(admin));
    }
    if !report.demo.is_empty() {
        say("Demo network loaded; its accounts share the administrator's password:");
        print_credentials(&report.demo);
    }
    tracing::info!(%listen, "serving");
    server::serve(state, listener, shutdown_signal()).await
}

fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn print_credentials(list: &[app::services::bootstrap::Credentials]) {
    let t = app::i18n::Lang::Es.tr();
    for c in list {
        say(&format!(
            "  {:<36} {:<28} password: {}",
            c.email,
            role_name(c.role, t),
            c.password
        ));
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("MINGA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
