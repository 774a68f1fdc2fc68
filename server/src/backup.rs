//! `minga backup DIR` and `minga restore DIR`: a consistent copy of a running portal that an
//! operator can restore, and a restore that refuses a copy which is not exactly what was made.
//!
//! The copy is the database as of one instant (SQLite's `VACUUM INTO`, a read transaction that
//! does not stop writers), then the documents and the keys. Documents are content-addressed and
//! written durably before their entry is acknowledged, so every document the copied database
//! refers to is already on disk when the files are copied after it; files added meanwhile are
//! copied too and are harmless. `SHA256SUMS` lists every file with its SHA-256, in the format
//! `sha256sum -c` reads; `backup.json` says what the copy holds (log size, last checkpoint).

use crate::restrict;
use anyhow::{Context, bail};
use app::settings::Settings;
use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub const MANIFEST: &str = "SHA256SUMS";
pub const INFO: &str = "backup.json";
pub const DATABASE: &str = "minga.db";

/// What a backup holds.
#[derive(Debug)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    pub tree_size: i64,
    pub evidences: i64,
}

/// The database file behind `settings` (only SQLite files can be copied this way).
fn database_path(settings: &Settings) -> anyhow::Result<PathBuf> {
    let url = settings.database_url();
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        bail!("only a SQLite database can be backed up this way (MINGA_DATABASE_URL is {url})");
    };
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        bail!("the database {url} is not a file");
    }
    Ok(PathBuf::from(path))
}

async fn open(path: &Path, read_only: bool) -> anyhow::Result<SqliteConnection> {
    SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(30))
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// Takes a consistent copy of the portal behind `settings` into `dir` (new or empty).
pub async fn backup(settings: &Settings, dir: &Path) -> anyhow::Result<Summary> {
    let source = database_path(settings)?;
    if !source.is_file() {
        bail!("there is no database at {}", source.display());
    }
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!(
            "{} is not empty; a backup goes into a new directory",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    restrict(dir, 0o700)?;

    // the database as of one instant, while the portal keeps writing
    let target = dir.join(DATABASE);
    let mut conn = open(&source, false).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target.to_string_lossy().as_ref())
        .execute(&mut conn)
        .await
        .context("copying the database (VACUUM INTO)")?;
    conn.close().await?;
    let mut copy = open(&target, true).await?;
    let (tree_size, evidences, checkpoint): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COALESCE((SELECT MAX(tree_size) FROM checkpoints), 0),
                (SELECT COUNT(*) FROM evidences),
                (SELECT note FROM checkpoints ORDER BY tree_size DESC LIMIT 1)",
    )
    .fetch_one(&mut copy)
    .await
    .context("reading the copied database")?;
    copy.close().await?;

    // then the files: documents (content-addressed, immutable) and keys
    for (from, name) in [
        (settings.documents_dir(), "documents"),
        (settings.keys_dir(), "keys"),
    ] {
        if from.is_dir() {
            copy_tree(&from, &dir.join(name))?;
        }
    }
    restrict(&dir.join("keys"), 0o700).ok();
    let info = serde_json::json!({
        "format": "minga-backup/1",
        "created_at": app::db::Ts::now().to_db(),
        "minga": env!("CARGO_PKG_VERSION"),
        "database": DATABASE,
        "tree_size": tree_size,
        "evidences": evidences,
        "checkpoint": checkpoint,
    });
    write_durably(
        &dir.join(INFO),
        serde_json::to_string_pretty(&info)?.as_bytes(),
    )?;

    let sums = hash_tree(dir)?;
    let mut manifest = String::new();
    let mut bytes = 0;
    for (path, (hash, size)) in &sums {
        manifest.push_str(&format!("{hash}  {path}\n"));
        bytes += size;
    }
    write_durably(&dir.join(MANIFEST), manifest.as_bytes())?;
    Ok(Summary {
        files: sums.len(),
        bytes,
        tree_size,
        evidences,
    })
}

/// What is wrong with a backup directory, if anything: every file listed with its hash, and
/// nothing else there.
pub fn check(dir: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST))
        .with_context(|| format!("{} has no {MANIFEST}: not a Minga backup", dir.display()))?;
    let mut listed = BTreeMap::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        match line.split_once("  ") {
            Some((hash, path)) if hash.len() == 64 && safe_relative(path) => {
                listed.insert(path.to_string(), hash.to_string());
            }
            _ => problems.push(format!("{MANIFEST} line {}: unreadable", n + 1)),
        }
    }
    if !listed.contains_key(DATABASE) {
        problems.push(format!("{MANIFEST} does not list {DATABASE}"));
    }
    let found = hash_tree(dir)?;
    for (path, hash) in &listed {
        match found.get(path) {
            None => problems.push(format!("{path}: missing")),
            Some((actual, _)) if actual != hash => {
                problems.push(format!("{path}: its SHA-256 is not the one listed"))
            }
            Some(_) => {}
        }
    }
    for path in found.keys() {
        if !listed.contains_key(path) {
            problems.push(format!("{path}: not listed in {MANIFEST}"));
        }
    }
    Ok(problems)
}

/// Restores the backup in `dir` into the data directory of `settings`, which must hold no
/// database yet. Refuses (changing nothing) a backup that [`check`] finds anything wrong with.
pub async fn restore(settings: &Settings, dir: &Path) -> anyhow::Result<Summary> {
    let problems = check(dir)?;
    if !problems.is_empty() {
        bail!(
            "the backup in {} does not match its manifest; nothing was restored:\n  {}",
            dir.display(),
            problems.join("\n  ")
        );
    }
    let target = database_path(settings)?;
    if target.exists() {
        bail!(
            "{} already holds a database; restore into an empty data directory (move the old one aside first)",
            target.display()
        );
    }
    let data_dir = &settings.data_dir;
    std::fs::create_dir_all(data_dir)?;
    for (name, to) in [
        ("documents", settings.documents_dir()),
        ("keys", settings.keys_dir()),
    ] {
        let from = dir.join(name);
        if from.is_dir() {
            copy_tree(&from, &to)?;
        }
    }
    restrict(&settings.keys_dir(), 0o700).ok();
    // the database last, under a temporary name: a portal started on a half-restored directory
    // finds no database rather than a database without its files
    let partial = target.with_extension("db.restoring");
    copy_file(&dir.join(DATABASE), &partial)?;
    let mut conn = open(&partial, true).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    let (tree_size, evidences): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE((SELECT MAX(tree_size) FROM checkpoints), 0), (SELECT COUNT(*) FROM evidences)",
    )
    .fetch_one(&mut conn)
    .await?;
    conn.close().await?;
    if verdict != "ok" {
        let _ = std::fs::remove_file(&partial);
        bail!("the copied database fails SQLite's integrity check: {verdict}");
    }
    std::fs::rename(&partial, &target)?;
    sync_dir(target.parent().unwrap_or(data_dir))?;
    let files = hash_tree(dir)?.len();
    Ok(Summary {
        files,
        bytes: 0,
        tree_size,
        evidences,
    })
}

/// A manifest path: relative, `/`-separated, no `..` nor empty parts.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

/// Every regular file under `root` (but the manifest) by its `/`-separated relative path, with
/// its SHA-256 and size.
fn hash_tree(root: &Path) -> anyhow::Result<BTreeMap<String, (String, u64)>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let relative = path
                    .strip_prefix(root)?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if relative == MANIFEST {
                    continue;
                }
                out.insert(relative, sha256_file(&path)?);
            }
        }
    }
    Ok(out)
}

fn sha256_file(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// Copies the regular files under `from` into `to`, keeping the layout; temporary files (a
/// leading dot: documents being written) are left out.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            copy_file(&entry.path(), &to.join(&name))?;
        }
    }
    sync_dir(to)
}

fn copy_file(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    std::fs::File::open(to)?.sync_all()?;
    Ok(())
}

fn write_durably(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file =
        std::fs::File::create(path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn manifest_paths_stay_inside_the_backup() {
        assert!(safe_relative("minga.db"));
        assert!(safe_relative("documents/ab/abcd"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "documents/../../x",
            "a//b",
            "./a",
        ] {
            assert!(!safe_relative(bad), "{bad}");
        }
    }
}
