//! The figures of the nodes as `/network`, a node's page and `nodes.json` show them: the latest
//! sample, and availability over 24 h, 7 d and 30 d as the share of samples that found the node
//! up. Availability is summed from the hourly aggregates in two parts that change at different
//! paces: the full hours before the hour under way ([`past`]: changed only when the hour turns or
//! the compaction rewrites an hour, so [`super::kept`] keeps it), and the hour under way, whose
//! aggregate each poll round adds itself to, read with the latest sample ([`latest`]). A span the
//! poller did not run counts neither way.

use crate::db::Ts;
use crate::domain::nodes::proposes_too_little;
use crate::error::AppResult;
use chrono::{DateTime, Duration, DurationRound, Utc};
use sqlx::{FromRow, SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// A node's figures as the pages show them.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Health {
    pub up: Option<bool>,
    pub last_seen: Option<String>,
    pub block: Option<i64>,
    pub lag: Option<i64>,
    pub peers: Option<i64>,
    pub latency_ms: Option<i64>,
    pub client: Option<String>,
    pub availability_24h: Option<f64>,
    pub availability_7d: Option<f64>,
    pub availability_30d: Option<f64>,
    /// A validator's blocks proposed in the signer metrics' window, of how many, among how
    /// many signers; and whether that is too few (more than two standard deviations below 1/N).
    pub proposed: Option<i64>,
    pub proposed_of: Option<i64>,
    pub signers: Option<i64>,
    pub proposes_too_little: bool,
}

/// How far back availability is computed: a day (the network's table) or also a week and a
/// month (a node's page, `nodes.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reach {
    Day,
    Month,
}

/// A node's samples, and those that found it up, over the full hours before an hour: the 23 of
/// the last day, the last 7 days' and the last 30 days' (with [`Reach::Day`], only the first
/// pair is summed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, FromRow)]
pub struct Past {
    d1_n: i64,
    d1_up: i64,
    d7_n: i64,
    d7_up: i64,
    d30_n: i64,
    d30_up: i64,
}

#[derive(FromRow)]
struct PastRow {
    node_id: i64,
    #[sqlx(flatten)]
    past: Past,
}

/// A node's latest sample, with its hour under way's aggregate (samples, up).
#[derive(Clone, Debug, FromRow)]
pub struct Latest {
    node_id: i64,
    at: Ts,
    up: bool,
    block: Option<i64>,
    head: Option<i64>,
    peers: Option<i64>,
    latency_ms: Option<i64>,
    client: Option<String>,
    proposed: Option<i64>,
    proposed_of: Option<i64>,
    signers: Option<i64>,
    hour_n: Option<i64>,
    hour_up: Option<i64>,
}

/// The hour `now` is in (the hour under way).
pub fn hour_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(Duration::hours(1)).unwrap_or(now)
}

/// The full hours before `hour` of every node in `ids` that has any: one statement per 400
/// nodes, reading each node's span through the aggregates' primary key.
pub async fn past(
    conn: &mut SqliteConnection,
    ids: &[i64],
    hour: DateTime<Utc>,
    reach: Reach,
) -> AppResult<HashMap<i64, Past>> {
    let day = hour - Duration::hours(23);
    let from = match reach {
        Reach::Day => day,
        Reach::Month => hour - Duration::days(30),
    };
    let mut out = HashMap::new();
    for chunk in ids.chunks(400) {
        let mut q = sqlx::QueryBuilder::new("SELECT node_id, SUM(CASE WHEN hour >= ");
        q.push_bind(Ts(day))
            .push(" THEN samples ELSE 0 END) AS d1_n, SUM(CASE WHEN hour >= ")
            .push_bind(Ts(day))
            .push(" THEN up_samples ELSE 0 END) AS d1_up, SUM(CASE WHEN hour >= ")
            .push_bind(Ts(hour - Duration::days(7)))
            .push(" THEN samples ELSE 0 END) AS d7_n, SUM(CASE WHEN hour >= ")
            .push_bind(Ts(hour - Duration::days(7)))
            .push(
                " THEN up_samples ELSE 0 END) AS d7_up, SUM(samples) AS d30_n, SUM(up_samples) AS d30_up
             FROM node_hourly WHERE node_id IN (",
            );
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id);
        }
        q.push(") AND hour >= ")
            .push_bind(Ts(from))
            .push(" AND hour < ")
            .push_bind(Ts(hour))
            .push(" GROUP BY node_id");
        for r in q.build_query_as::<PastRow>().fetch_all(&mut *conn).await? {
            out.insert(r.node_id, r.past);
        }
    }
    Ok(out)
}

/// The latest sample of every node in `ids` that has one, with the aggregate of the hour under
/// way (`hour`): one statement per 400 nodes, each row two primary-key lookups.
pub async fn latest(
    conn: &mut SqliteConnection,
    ids: &[i64],
    hour: DateTime<Utc>,
) -> AppResult<HashMap<i64, Latest>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(400) {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT s.node_id, s.at, s.up, s.block, s.head, s.peers, s.latency_ms, s.client, s.proposed,
                    s.proposed_of, s.signers, h.samples AS hour_n, h.up_samples AS hour_up
             FROM nodes n JOIN node_samples s ON s.node_id = n.id
              AND s.at = (SELECT MAX(at) FROM node_samples m WHERE m.node_id = n.id)
             LEFT JOIN node_hourly h ON h.node_id = n.id AND h.hour = ",
        );
        q.push_bind(Ts(hour)).push(" WHERE n.id IN (");
        let mut list = q.separated(", ");
        for id in chunk {
            list.push_bind(id);
        }
        q.push(")");
        for r in q.build_query_as::<Latest>().fetch_all(&mut *conn).await? {
            out.insert(r.node_id, r);
        }
    }
    Ok(out)
}

/// The figures of every node in `ids` from its latest sample and its past hours.
pub fn assemble(
    ids: &[i64],
    latest: &HashMap<i64, Latest>,
    past: &HashMap<i64, Past>,
    reach: Reach,
) -> HashMap<i64, Health> {
    let share = |n: i64, up: i64| (n > 0).then(|| up as f64 / n as f64);
    ids.iter()
        .map(|id| {
            let mut h = Health::default();
            let (mut now_n, mut now_up) = (0, 0);
            if let Some(last) = latest.get(id) {
                (now_n, now_up) = (last.hour_n.unwrap_or(0), last.hour_up.unwrap_or(0));
                h.up = Some(last.up);
                h.last_seen = Some(last.at.to_db());
                h.block = last.block;
                h.lag = match (last.head, last.block) {
                    (Some(head), Some(b)) => Some(head.saturating_sub(b)),
                    _ => None,
                };
                h.peers = last.peers;
                h.latency_ms = last.latency_ms;
                h.client = last.client.clone();
                h.proposed = last.proposed;
                h.proposed_of = last.proposed_of;
                h.signers = last.signers;
                h.proposes_too_little = match (last.proposed, last.proposed_of, last.signers) {
                    (Some(p), Some(total), Some(n)) => proposes_too_little(
                        p.max(0) as u64,
                        total.max(0) as u64,
                        n.max(0) as u64,
                        2.0,
                    ),
                    _ => false,
                };
            }
            let p = past.get(id).copied().unwrap_or_default();
            h.availability_24h = share(p.d1_n + now_n, p.d1_up + now_up);
            if reach == Reach::Month {
                h.availability_7d = share(p.d7_n + now_n, p.d7_up + now_up);
                h.availability_30d = share(p.d30_n + now_n, p.d30_up + now_up);
            }
            (*id, h)
        })
        .collect()
}

/// The figures of every node in `ids` at `now`, computed afresh (the pages read them through
/// [`super::kept::figures_kept`]).
pub async fn figures(
    db: &SqlitePool,
    ids: &[i64],
    now: DateTime<Utc>,
    reach: Reach,
) -> AppResult<HashMap<i64, Health>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let hour = hour_of(now);
    let mut conn = db.acquire().await?;
    let past = past(&mut conn, ids, hour, reach).await?;
    let latest = latest(&mut conn, ids, hour).await?;
    Ok(assemble(ids, &latest, &past, reach))
}
