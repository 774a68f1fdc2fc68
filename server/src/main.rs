//! `minga`: serve the portal, or run one of its administrative commands.

use anyhow::Context;
use app::i18n::role_name;
use clap::Parser;
use server::config::{ApiKeyCommand, Cli, Command, LogFormat, NodeCommand};
use std::io::Write;
use tracing_subscriber::EnvFilter;

/// jemalloc returns freed memory to the system (glibc's arenas kept every argon2 block of a burst
/// of logins: 2.3 GB after 20 bursts of 20, held while idle).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.settings.log_format);
    cli.settings.check_lists()?;
    let settings = cli.settings.to_settings();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Verify {
            receipt,
            document,
            key,
            rpc,
            tsa_cert,
            item,
        } => std::process::exit(
            verify(
                &settings,
                &receipt,
                document.as_deref(),
                key,
                rpc.as_deref(),
                tsa_cert.as_deref(),
                item.as_deref(),
            )
            .await,
        ),
        Command::Audit => {
            let (state, _) = server::prepare(app::settings::Settings {
                demo: false,
                ..settings
            })
            .await?;
            let last = std::sync::atomic::AtomicU64::new(0);
            let progress = |checked: u64, total: u64| {
                let percent = (checked * 100).checked_div(total).unwrap_or(100);
                if percent >= last.load(std::sync::atomic::Ordering::Relaxed) + 5
                    || checked == total
                {
                    last.store(percent, std::sync::atomic::Ordering::Relaxed);
                    let _ = writeln!(
                        std::io::stderr(),
                        "audit: {checked}/{total} entries ({percent}%)"
                    );
                }
            };
            let summary = app::services::evidence::integrity::run(&state, &progress)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            state.db.close().await;
            for f in &summary.findings {
                say(&format!(
                    "✗ {} [{}] {}",
                    f.kind,
                    f.from.map(|v| v.to_string()).unwrap_or_default(),
                    f.detail
                ));
            }
            if summary.findings.is_empty() {
                say(&format!(
                    "INTACT: {} entries and {} checkpoints verified.",
                    summary.entries, summary.checkpoints
                ));
                Ok(())
            } else {
                say(&format!(
                    "ALTERED: {} findings (run {}). See /integrity.",
                    summary.findings.len(),
                    summary.run_id
                ));
                std::process::exit(EXIT_FAILED);
            }
        }
        Command::ApiKey(cmd) => {
            let (state, _) = server::prepare(app::settings::Settings {
                demo: false,
                ..settings
            })
            .await?;
            let actor = app::services::audit::Actor::system("cli");
            // the operator at the command line acts with the administrator's authority
            let operator = app::services::authority::Admin::operator();
            let result = match cmd {
                ApiKeyCommand::Create {
                    source,
                    kinds,
                    public,
                } => {
                    match app::services::evidence::api_keys::create(
                        &state, &operator, &source, &kinds, public, &actor,
                    )
                    .await
                    {
                        Ok((id, key)) => {
                            say(&format!(
                                "API key {id} for `{source}` (kinds: {kinds}). It is shown only now:"
                            ));
                            say(&key);
                            Ok(())
                        }
                        Err(app::AppError::Invalid(inv)) => {
                            let t = app::i18n::Lang::En.tr();
                            Err(anyhow::anyhow!(
                                inv.0
                                    .iter()
                                    .map(|e| e.reason.message(t))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ))
                        }
                        Err(e) => Err(anyhow::anyhow!("{e}")),
                    }
                }
                ApiKeyCommand::List => {
                    for k in app::services::evidence::api_keys::list(&state.db)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?
                    {
                        say(&format!(
                            "{:>4}  {:<24} minga_{}_…  {}  {}",
                            k.id,
                            k.source,
                            k.prefix,
                            k.kinds,
                            if k.revoked_at.is_some() {
                                "revoked"
                            } else {
                                "active"
                            }
                        ));
                    }
                    Ok(())
                }
                ApiKeyCommand::Revoke { id } => {
                    app::services::evidence::api_keys::revoke(&state.db, &operator, id, &actor)
                        .await
                        .map(|()| say(&format!("API key {id} revoked.")))
                        .map_err(|e| anyhow::anyhow!("{e}"))
                }
            };
            state.db.close().await;
            result
        }
        Command::Nodes(NodeCommand::Import { file }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let (state, _) = server::prepare(app::settings::Settings {
                demo: false,
                ..settings
            })
            .await?;
            let result = server::nodes::import_at_command_line(&state, &text).await;
            state.db.close().await;
            let ids = result?;
            say(&format!(
                "Imported {} nodes (ids {}); each admitted by a governance.node-imported decision.",
                ids.len(),
                ids.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            Ok(())
        }
        Command::Backup { dir } => {
            let made = server::backup::backup(&settings, &dir).await?;
            say(&format!(
                "Backup written to {}: {} files, {} bytes; the log holds {} evidences (checkpoint at {}). Check it with: cd {} && sha256sum -c {}",
                dir.display(),
                made.files,
                made.bytes,
                made.evidences,
                made.tree_size,
                dir.display(),
                server::backup::MANIFEST
            ));
            Ok(())
        }
        Command::Restore { dir } => {
            let done = server::backup::restore(&settings, &dir).await?;
            say(&format!(
                "Restored {} files into {}: {} evidences (checkpoint at {}). Run `minga audit` before serving it.",
                done.files,
                settings.data_dir.display(),
                done.evidences,
                done.tree_size
            ));
            Ok(())
        }
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
                if let Some(key) = server::procurement_demo::load(&state).await? {
                    print_demo_key(&key);
                }
            }
            state.db.close().await;
            Ok(())
        }
    }
}

/// Exit statuses of `minga verify` and `minga audit`.
const EXIT_FAILED: i32 = 1;
const EXIT_USAGE: i32 = 2;

async fn verify(
    settings: &app::settings::Settings,
    receipt: &std::path::Path,
    document: Option<&std::path::Path>,
    key: Option<String>,
    rpc: Option<&str>,
    tsa_cert: Option<&std::path::Path>,
    item: Option<&std::path::Path>,
) -> i32 {
    use app::domain::evidence::item_proof::{self, ItemProof};
    use app::domain::evidence::receipt::{self, Receipt};
    use app::domain::evidence::tlog_proof::{self, TlogProof};
    // a JSON receipt, a C2SP tlog-proof (which carries no anchors), or an item's proof (which
    // carries its evidence's receipt once signed)
    enum Input {
        Receipt(Box<Receipt>),
        Item(Box<ItemProof>),
    }
    let parsed: Result<Input, String> = std::fs::read(receipt)
        .map_err(|e| format!("cannot read {}: {e}", receipt.display()))
        .and_then(|b| match std::str::from_utf8(&b) {
            Ok(text) if tlog_proof::is_tlog_proof(text) => TlogProof::parse(text)
                .and_then(|p| tlog_proof::to_receipt(&p))
                .map(|r| Input::Receipt(Box::new(r)))
                .map_err(|e| format!("{} is not a usable tlog-proof: {e}", receipt.display())),
            _ => match serde_json::from_slice::<serde_json::Value>(&b) {
                Ok(v) if v.get("item_hash").is_some() => serde_json::from_value(v)
                    .map(|p| Input::Item(Box::new(p)))
                    .map_err(|e| format!("{} is not a Minga item proof: {e}", receipt.display())),
                _ => serde_json::from_slice(&b)
                    .map(|r| Input::Receipt(Box::new(r)))
                    .map_err(|e| format!("{} is not a Minga receipt: {e}", receipt.display())),
            },
        });
    let parsed = match parsed {
        Ok(r) => r,
        Err(e) => {
            say(&e);
            return EXIT_USAGE;
        }
    };
    let item = match item {
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                serde_json::from_slice::<serde_json::Value>(&b).map_err(|e| e.to_string())
            }) {
            Ok(v) => Some(v),
            Err(e) => {
                say(&format!("cannot read the item {}: {e}", path.display()));
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let key = match key {
        Some(k) if std::path::Path::new(&k).is_file() => std::fs::read_to_string(&k).ok(),
        Some(k) => Some(k),
        None => {
            let local = settings.keys_dir().join("log.vkey");
            let found = std::fs::read_to_string(&local).ok();
            if found.is_some() {
                say(&format!(
                    "(using the verifier key of the local portal, {})",
                    local.display()
                ));
            }
            found
        }
    };
    let doc = match document {
        Some(path) => match std::fs::read(path) {
            Ok(b) => Some(b),
            Err(e) => {
                say(&format!("cannot read {}: {e}", path.display()));
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let trust = match tsa_cert {
        Some(path) => match std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|pem| x509_cert::Certificate::load_pem_chain(&pem).map_err(|e| e.to_string()))
        {
            Ok(certs) if !certs.is_empty() => Some(certs),
            Ok(_) => {
                say(&format!("{} holds no certificate", path.display()));
                return EXIT_USAGE;
            }
            Err(e) => {
                say(&format!("cannot read {}: {e}", path.display()));
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let key = key.as_deref().map(str::trim);
    let (parsed, mut checks) = match parsed {
        Input::Receipt(r) => {
            let checks = receipt::verify(&r, key, doc.as_deref());
            (*r, checks)
        }
        Input::Item(proof) => {
            let checks = item_proof::verify(&proof, item.as_ref(), key, doc.as_deref());
            match proof.receipt {
                Some(r) => (r, checks),
                None => return report(&checks, "the item"),
            }
        }
    };
    if let Some(trust) = &trust {
        let stamps: Vec<_> = parsed
            .anchors
            .iter()
            .filter(|a| a.kind == "rfc3161")
            .collect();
        if stamps.is_empty() {
            checks.push(receipt::Check {
                name: "timestamp",
                ok: false,
                detail: "--tsa-cert given, but the receipt has no time-stamp yet".into(),
            });
        }
        for anchor in stamps {
            let result = server::anchors::tsa::check_receipt_anchor(anchor, trust);
            checks.push(receipt::Check {
                name: "timestamp",
                ok: result.is_ok(),
                detail: result.unwrap_or_else(|e| e),
            });
        }
    }
    if let Some(rpc) = rpc {
        let on_chain: Vec<_> = parsed
            .anchors
            .iter()
            .filter(|a| a.kind == "ethereum")
            .collect();
        if on_chain.is_empty() {
            checks.push(receipt::Check {
                name: "chain",
                ok: false,
                detail: "--rpc given, but the receipt has no chain anchor yet".into(),
            });
        }
        for anchor in on_chain {
            let result = server::anchors::eth::check_on_chain(rpc, anchor).await;
            checks.push(receipt::Check {
                name: "chain",
                ok: result.is_ok(),
                detail: result.unwrap_or_else(|e| e),
            });
        }
    }
    report(
        &checks,
        &format!("evidence {} (entry {})", parsed.id, parsed.index),
    )
}

/// Prints the checks and the verdict on `what`; the exit status.
fn report(checks: &[app::domain::evidence::receipt::Check], what: &str) -> i32 {
    for c in checks {
        say(&format!(
            "{} {:<10} {}",
            if c.ok { "✓" } else { "✗" },
            c.name,
            c.detail
        ));
    }
    let failed: Vec<&str> = checks.iter().filter(|c| !c.ok).map(|c| c.name).collect();
    if failed.is_empty() {
        say(&format!("VERIFIED: {what} is in the log as registered."));
        0
    } else {
        say(&format!("NOT VERIFIED: failed {}", failed.join(", ")));
        EXIT_FAILED
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
    if let Some(key) = &report.demo_key {
        print_demo_key(key);
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

fn print_demo_key(key: &str) {
    say(&format!(
        "The demo's purchasing catalogue (source `{}`, kind `{}`) registered its orders through the API with this key, shown once:",
        server::procurement_demo::SOURCE,
        server::procurement_demo::KIND
    ));
    say(&format!("  {key}"));
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
