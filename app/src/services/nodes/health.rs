//! The health of the network's nodes: a round asks every admitted node at once (bounded), keeps
//! one sample each, and moves each node's alert (one mail to its liaison and its collective's
//! leaders when it has been down or lagging for `MINGA_NODE_DOWN_AFTER`, one when it is back);
//! compaction folds the raw samples into hourly aggregates and drops what is past its keeping.
//! The figures the pages show (lag, peers, latency, availability) are read from both.

use super::super::mail::{self, Message};
use super::admission::leaders_of;
use crate::AppState;
use crate::db::Ts;
use crate::domain::nodes::{Alert, Enode, NodeType, Notice, lag, quantile};
use crate::error::AppResult;
use crate::services::node_probe::{Answer, NodeRpc, Probe};
use chrono::{DateTime, Duration, DurationRound, Utc};
use sqlx::{FromRow, SqliteConnection, SqlitePool};
use std::collections::HashMap;
use std::sync::Arc;

pub use super::figures::{Health, Reach, figures};

/// A node the poller asks.
#[derive(Clone, Debug, FromRow)]
struct Target {
    id: i64,
    name: String,
    rpc_url: String,
    enode: String,
    node_type: NodeType,
    collective_id: i64,
    liaison_name: String,
    liaison_email: String,
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub polled: usize,
    pub up: usize,
    pub head: Option<u64>,
    pub mails: usize,
}

/// The answer's state, as stored beside a figure that may be missing for a reason.
fn answer_state<T>(a: &Answer<T>) -> &'static str {
    match a {
        Answer::Value(_) => "value",
        Answer::NotSupported => "not_supported",
        Answer::ApiDisabled => "api_disabled",
        Answer::Failed(_) => "failed",
    }
}

/// Asks every admitted node (but those on reserved names, see [`super::reserved_host`]), at
/// most `concurrency` at once, and keeps what they said.
pub async fn poll_round(state: &AppState, rpc: Arc<dyn NodeRpc>) -> AppResult<Round> {
    let mut targets: Vec<Target> = sqlx::query_as(
        "SELECT id, name, rpc_url, enode, node_type, collective_id, liaison_name, liaison_email
         FROM nodes WHERE status = 'admitted' ORDER BY id",
    )
    .fetch_all(&state.db)
    .await?;
    targets.retain(|t| !super::reserved_host(&t.rpc_url));
    let settings = &state.settings.nodes;
    let limit = Arc::new(tokio::sync::Semaphore::new(settings.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for t in &targets {
        let (rpc, limit, url) = (rpc.clone(), limit.clone(), t.rpc_url.clone());
        let (id, validator) = (t.id, t.node_type == NodeType::Validator);
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (id, rpc.probe(&url, validator).await)
        });
    }
    let mut probes: HashMap<i64, Probe> = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok((id, probe)) = done {
            probes.insert(id, probe);
        }
    }
    let now = Utc::now();
    let head = probes
        .values()
        .filter_map(|p| p.block.value().copied())
        .max();
    // the signer metrics of the round (every validator reports the same window): the blocks
    // each signer proposed
    let metrics: Option<HashMap<String, u64>> = probes.values().find_map(|p| {
        p.signers.as_ref()?.value().map(|m| {
            m.iter()
                .map(|s| (s.address.to_ascii_lowercase(), s.proposed))
                .collect()
        })
    });
    let proposals = |t: &Target| -> Option<(i64, i64, i64)> {
        let m = metrics
            .as_ref()
            .filter(|_| t.node_type == NodeType::Validator)?;
        let address = Enode::parse(&t.enode).ok()?.address();
        let total: u64 = m.values().sum();
        Some((
            m.get(&address).copied().unwrap_or(0) as i64,
            total as i64,
            m.len() as i64,
        ))
    };
    let mut tx = crate::db::begin_write(&state.db).await?;
    let mut round = Round {
        polled: probes.len(),
        up: probes.values().filter(|p| p.up()).count(),
        head,
        mails: 0,
    };
    for chunk in targets.chunks(80) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO node_samples (node_id, at, up, block, head, peers, latency_ms, syncing, client, peers_state,
                                       proposed, proposed_of, signers) ",
        );
        q.push_values(
            chunk
                .iter()
                .filter_map(|t| probes.get(&t.id).map(|p| (t, p))),
            |mut b, (t, p)| {
                let proposed = proposals(t);
                b.push_bind(t.id)
                    .push_bind(Ts(now))
                    .push_bind(p.up())
                    .push_bind(p.block.value().map(|b| *b as i64))
                    .push_bind(head.map(|h| h as i64))
                    .push_bind(p.peers.value().map(|n| *n as i64))
                    .push_bind(p.latency_ms.map(|l| l as i64))
                    .push_bind(p.syncing.value().copied())
                    .push_bind(p.client_version.value().cloned())
                    .push_bind(answer_state(&p.peers))
                    .push_bind(proposed.map(|x| x.0))
                    .push_bind(proposed.map(|x| x.1))
                    .push_bind(proposed.map(|x| x.2));
            },
        );
        if chunk.iter().any(|t| probes.contains_key(&t.id)) {
            q.push(" ON CONFLICT (node_id, at) DO NOTHING");
            q.build().execute(&mut *tx).await?;
        }
    }
    hour_under_way(&mut tx, &targets, &probes, head, now).await?;
    // a node answering for the first time is deployed (apart from its admission)
    let first_up: Vec<i64> = targets
        .iter()
        .filter(|t| probes.get(&t.id).is_some_and(|p| p.up()))
        .map(|t| t.id)
        .collect();
    for chunk in first_up.chunks(200) {
        let mut q = sqlx::QueryBuilder::new(
            "UPDATE nodes SET deployment = 'deployed' WHERE deployment = 'provisioned' AND id IN (",
        );
        let mut ids = q.separated(", ");
        for id in chunk {
            ids.push_bind(id);
        }
        q.push(")");
        q.build().execute(&mut *tx).await?;
    }
    let grace = Duration::from_std(settings.down_after).unwrap_or(Duration::minutes(5));
    for t in &targets {
        let Some(p) = probes.get(&t.id) else { continue };
        let behind = head.and_then(|h| lag(h, p.block.value().copied()));
        let well = p.up() && behind.is_none_or(|l| l <= settings.lag_alert);
        let before = alert_of(&mut tx, t.id).await?;
        let (after, notice) = before.observe(now, well, grace);
        if after != before {
            store_alert(&mut tx, t.id, after).await?;
        }
        if let Some(notice) = notice {
            round.mails += tell(&mut tx, state, t, notice, behind).await?;
        }
    }
    tx.commit().await?;
    state.node_figures.round_written();
    if round.mails > 0 {
        state.mail_pending.notify_one();
    }
    Ok(round)
}

/// Adds the round to each node's aggregate of the hour under way (samples, those up, the worst
/// lag, the fewest peers), so that the pages read a node's last 24 hours from 24 aggregates and
/// never scan the hour's raw samples. The compaction rewrites the hour from the raw samples once
/// it is over (the latency quantiles only then). Portable SQL: `CASE`, not two-argument `MAX`.
async fn hour_under_way(
    conn: &mut SqliteConnection,
    targets: &[Target],
    probes: &HashMap<i64, Probe>,
    head: Option<u64>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
    for chunk in targets.chunks(80) {
        let rows: Vec<(&Target, &Probe)> = chunk
            .iter()
            .filter_map(|t| probes.get(&t.id).map(|p| (t, p)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO node_hourly (node_id, hour, samples, up_samples, lag_max, peers_min) ",
        );
        q.push_values(rows, |mut b, (t, p)| {
            let lag = match (head, p.block.value()) {
                (Some(h), Some(b)) => Some(h.saturating_sub(*b) as i64),
                _ => None,
            };
            b.push_bind(t.id)
                .push_bind(Ts(hour))
                .push_bind(1i64)
                .push_bind(i64::from(p.up()))
                .push_bind(lag)
                .push_bind(p.peers.value().map(|n| *n as i64));
        });
        q.push(
            " ON CONFLICT (node_id, hour) DO UPDATE SET samples = node_hourly.samples + 1,
                up_samples = node_hourly.up_samples + excluded.up_samples,
                lag_max = CASE WHEN excluded.lag_max IS NULL THEN node_hourly.lag_max
                               WHEN node_hourly.lag_max IS NULL OR excluded.lag_max > node_hourly.lag_max THEN excluded.lag_max
                               ELSE node_hourly.lag_max END,
                peers_min = CASE WHEN excluded.peers_min IS NULL THEN node_hourly.peers_min
                                 WHEN node_hourly.peers_min IS NULL OR excluded.peers_min < node_hourly.peers_min THEN excluded.peers_min
                                 ELSE node_hourly.peers_min END",
        );
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn alert_of(conn: &mut SqliteConnection, node_id: i64) -> AppResult<Alert> {
    let row: Option<(String, Option<Ts>)> =
        sqlx::query_as("SELECT state, since FROM node_alerts WHERE node_id = ?")
            .bind(node_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        Some((state, Some(since))) => match state.as_str() {
            "troubled" => Alert::Troubled(since.0),
            "alerted" => Alert::Alerted(since.0),
            "recovering" => Alert::Recovering(since.0),
            _ => Alert::Quiet,
        },
        _ => Alert::Quiet,
    })
}

async fn store_alert(conn: &mut SqliteConnection, node_id: i64, alert: Alert) -> AppResult<()> {
    let (state, since) = match alert {
        Alert::Quiet => ("quiet", None),
        Alert::Troubled(s) => ("troubled", Some(s)),
        Alert::Alerted(s) => ("alerted", Some(s)),
        Alert::Recovering(s) => ("recovering", Some(s)),
    };
    sqlx::query(
        "INSERT INTO node_alerts (node_id, state, since, alerted, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (node_id) DO UPDATE SET state = ?2, since = ?3, alerted = ?4, updated_at = ?5",
    )
    .bind(node_id)
    .bind(state)
    .bind(since.map(Ts))
    .bind(matches!(alert, Alert::Alerted(_) | Alert::Recovering(_)))
    .bind(Ts::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Mails the liaison and the collective's leaders that the node is down (or lagging) or back.
async fn tell(
    conn: &mut SqliteConnection,
    state: &AppState,
    t: &Target,
    notice: Notice,
    behind: Option<u64>,
) -> AppResult<usize> {
    let mut to = vec![(t.liaison_name.clone(), t.liaison_email.clone())];
    to.extend(leaders_of(&mut *conn, t.collective_id).await?);
    to.retain(|(_, e)| !e.is_empty());
    to.dedup_by(|a, b| a.1.eq_ignore_ascii_case(&b.1));
    let url = format!(
        "{}/network/nodes/{}",
        state.settings.public_url.trim_end_matches('/'),
        t.id
    );
    let minutes = state.settings.nodes.down_after.as_secs() / 60;
    let (subject, body) = match notice {
        Notice::Down => (
            format!("Nodo con problemas / Node in trouble: {}", t.name),
            match behind {
                Some(l) if l > state.settings.nodes.lag_alert => format!(
                    "El nodo «{}» va {l} bloques por detrás de la red desde hace al menos {minutes} minutos.\n{url}\n\nThe node \"{}\" has been {l} blocks behind the network for at least {minutes} minutes.\n{url}\n",
                    t.name, t.name
                ),
                _ => format!(
                    "El nodo «{}» no responde desde hace al menos {minutes} minutos.\n{url}\n\nThe node \"{}\" has not answered for at least {minutes} minutes.\n{url}\n",
                    t.name, t.name
                ),
            },
        ),
        Notice::Recovered => (
            format!("Nodo recuperado / Node recovered: {}", t.name),
            format!(
                "El nodo «{}» vuelve a funcionar con normalidad.\n{url}\n\nThe node \"{}\" is working normally again.\n{url}\n",
                t.name, t.name
            ),
        ),
    };
    let kind = match notice {
        Notice::Down => "down",
        Notice::Recovered => "recovered",
    };
    let mut sent = 0;
    let at = Utc::now().timestamp();
    for (name, email) in to {
        let queued = mail::queue(
            &mut *conn,
            &Message {
                to_address: email,
                to_name: name,
                subject: subject.clone(),
                body_text: body.clone(),
                ics: None,
                topic: format!("node-health/{}/{kind}/{at}", t.id),
            },
        )
        .await?;
        sent += usize::from(queued);
    }
    Ok(sent)
}

/// Folds the raw samples of the hours before `now`'s into hourly aggregates (again, for the last
/// `MINGA_NODE_RAW_DAYS`: idempotent), then drops raw samples and aggregates past their keeping.
/// Returns how many hourly rows were written.
pub async fn compact(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let settings = &state.settings.nodes;
    let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
    let from = hour - Duration::hours(2);
    let rows: Vec<RawRow> = sqlx::query_as(
        "SELECT node_id, at, up, block, head, peers, latency_ms FROM node_samples
         WHERE at >= ? AND at < ? ORDER BY node_id, at",
    )
    .bind(Ts(from))
    .bind(Ts(hour))
    .fetch_all(&state.db)
    .await?;
    let mut groups: HashMap<(i64, DateTime<Utc>), Vec<RawRow>> = HashMap::new();
    for r in rows {
        let h = r.at.0.duration_trunc(Duration::hours(1)).unwrap_or(r.at.0);
        groups.entry((r.node_id, h)).or_default().push(r);
    }
    let mut tx = crate::db::begin_write(&state.db).await?;
    let written = groups.len();
    for ((node, h), samples) in groups {
        let ups = samples.iter().filter(|s| s.up).count();
        let lags: Vec<i64> = samples
            .iter()
            .filter_map(|s| Some(s.head?.saturating_sub(s.block?)))
            .collect();
        let latencies: Vec<u32> = samples
            .iter()
            .filter_map(|s| u32::try_from(s.latency_ms?).ok())
            .collect();
        sqlx::query(
            "INSERT INTO node_hourly (node_id, hour, samples, up_samples, lag_max, peers_min, latency_p50, latency_p95)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (node_id, hour) DO UPDATE SET samples = ?3, up_samples = ?4, lag_max = ?5, peers_min = ?6,
                 latency_p50 = ?7, latency_p95 = ?8",
        )
        .bind(node)
        .bind(Ts(h))
        .bind(samples.len() as i64)
        .bind(ups as i64)
        .bind(lags.iter().max().copied())
        .bind(samples.iter().filter_map(|s| s.peers).min())
        .bind(quantile(&latencies, 0.5).map(i64::from))
        .bind(quantile(&latencies, 0.95).map(i64::from))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM node_samples WHERE at < ?")
        .bind(Ts(now - Duration::days(i64::from(settings.raw_days))))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM node_hourly WHERE hour < ?")
        .bind(Ts(now - Duration::days(i64::from(settings.hourly_days))))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.node_figures.history_written();
    Ok(written)
}

#[derive(Clone, Debug, FromRow)]
struct RawRow {
    node_id: i64,
    at: Ts,
    up: bool,
    block: Option<i64>,
    head: Option<i64>,
    peers: Option<i64>,
    latency_ms: Option<i64>,
}

/// One hourly aggregate, as a chart reads it.
#[derive(FromRow)]
struct HourRow {
    hour: Ts,
    samples: i64,
    up_samples: i64,
    lag_max: Option<i64>,
    peers_min: Option<i64>,
    latency_p50: Option<i64>,
}

/// When the node first reported the block it reports now (the last new block it saw).
pub async fn last_new_block(db: &SqlitePool, node_id: i64, block: i64) -> AppResult<Option<Ts>> {
    Ok(
        sqlx::query_scalar("SELECT MIN(at) FROM node_samples WHERE node_id = ? AND block = ?")
            .bind(node_id)
            .bind(block)
            .fetch_one(db)
            .await?,
    )
}

/// One point of a node's chart: the hour (or the sample's time) and the figure.
pub type Point = (DateTime<Utc>, f64);

/// A node's series over the span ending `now`: from the raw samples for a span of up to 7 days,
/// from the hourly aggregates beyond. Returns (lag, peers, latency, availability per hour).
pub async fn series(
    db: &SqlitePool,
    node_id: i64,
    span: Duration,
    now: DateTime<Utc>,
) -> AppResult<[Vec<Point>; 4]> {
    let from = now - span;
    if span <= Duration::days(7) {
        let rows: Vec<RawRow> = sqlx::query_as(
            "SELECT node_id, at, up, block, head, peers, latency_ms FROM node_samples
             WHERE node_id = ? AND at >= ? ORDER BY at",
        )
        .bind(node_id)
        .bind(Ts(from))
        .fetch_all(db)
        .await?;
        // thinned to at most ~300 points a chart
        let step = (rows.len() / 300).max(1);
        let rows: Vec<&RawRow> = rows.iter().step_by(step).collect();
        let lag = rows
            .iter()
            .filter_map(|r| Some((r.at.0, r.head?.saturating_sub(r.block?) as f64)))
            .collect();
        let peers = rows
            .iter()
            .filter_map(|r| Some((r.at.0, r.peers? as f64)))
            .collect();
        let latency = rows
            .iter()
            .filter_map(|r| Some((r.at.0, r.latency_ms? as f64)))
            .collect();
        let up = rows
            .iter()
            .map(|r| (r.at.0, if r.up { 100.0 } else { 0.0 }))
            .collect();
        return Ok([lag, peers, latency, up]);
    }
    let rows: Vec<HourRow> = sqlx::query_as(
        "SELECT hour, samples, up_samples, lag_max, peers_min, latency_p50 FROM node_hourly
         WHERE node_id = ? AND hour >= ? ORDER BY hour",
    )
    .bind(node_id)
    .bind(Ts(from))
    .fetch_all(db)
    .await?;
    let lag = rows
        .iter()
        .filter_map(|r| Some((r.hour.0, r.lag_max? as f64)))
        .collect();
    let peers = rows
        .iter()
        .filter_map(|r| Some((r.hour.0, r.peers_min? as f64)))
        .collect();
    let latency = rows
        .iter()
        .filter_map(|r| Some((r.hour.0, r.latency_p50? as f64)))
        .collect();
    let up = rows
        .iter()
        .filter(|r| r.samples > 0)
        .map(|r| (r.hour.0, 100.0 * r.up_samples as f64 / r.samples as f64))
        .collect();
    Ok([lag, peers, latency, up])
}

/// Runs what the worker runs, once (the command line and the tests): a round, then compaction.
pub async fn round_and_compact(state: &AppState, rpc: Arc<dyn NodeRpc>) -> AppResult<Round> {
    let round = poll_round(state, rpc).await?;
    compact(state, Utc::now()).await?;
    Ok(round)
}
