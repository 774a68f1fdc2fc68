//! The public figures of `/stats`: per day and source system, evidences registered and those
//! covered by an anchor (the procurement seed's 100 % target) with the time from registration to
//! the first anchor (p50, p95); the share of public evidences someone verified (page views
//! counted per evidence, nothing about who); and the governance figures — meetings held with
//! quorum, agreements open and overdue, reports filed on time, the nodes' availability.

use crate::AppState;
use crate::db::Ts;
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqlitePool;
use std::collections::BTreeMap;

/// One day's evidences of one source system.
#[derive(Clone, Debug, PartialEq)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub source: String,
    pub registered: i64,
    pub anchored: i64,
    /// Seconds from registration to the first anchor covering it, of those anchored.
    pub p50: Option<i64>,
    pub p95: Option<i64>,
}

/// A node's share of samples in which it answered, over the window.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeAvailability {
    pub id: i64,
    pub name: String,
    pub samples: i64,
    pub up: i64,
}

impl NodeAvailability {
    pub fn percent(&self) -> f64 {
        if self.samples == 0 {
            0.0
        } else {
            100.0 * self.up as f64 / self.samples as f64
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Figures {
    pub days: Vec<DayFigures>,
    pub public_evidences: i64,
    pub verified: i64,
    pub views: i64,
    pub meetings_held: i64,
    pub meetings_with_quorum: i64,
    pub agreements_open: i64,
    pub agreements_overdue: i64,
    pub reports_filed: i64,
    pub reports_on_time: i64,
    pub nodes: Vec<NodeAvailability>,
}

impl Figures {
    /// All sources of a day together: (day, registered, anchored).
    pub fn per_day(&self) -> Vec<(NaiveDate, i64, i64)> {
        let mut by_day: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
        for d in &self.days {
            let e = by_day.entry(d.day).or_default();
            e.0 += d.registered;
            e.1 += d.anchored;
        }
        by_day.into_iter().map(|(d, (r, a))| (d, r, a)).collect()
    }

    pub fn registered(&self) -> i64 {
        self.days.iter().map(|d| d.registered).sum()
    }

    pub fn anchored(&self) -> i64 {
        self.days.iter().map(|d| d.anchored).sum()
    }
}

/// The `q`-quantile (0..=1) of sorted values, nearest rank.
pub fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

type EvidenceTimes = (String, String, Option<String>);

/// The evidences registered over the last `days` days (today included), by day and source.
async fn evidence_days(db: &SqlitePool, since: NaiveDate) -> AppResult<Vec<DayFigures>> {
    // each evidence with the time of the first completed anchor covering it (one whose tree
    // includes its index); the dumps of the open data count like any other entry
    let rows: Vec<EvidenceTimes> = sqlx::query_as(
        "SELECT e.source, e.registered_at,
                (SELECT MIN(a.anchored_at) FROM anchors a WHERE a.state = 'done' AND a.tree_size > e.idx)
         FROM evidences e WHERE e.registered_at >= ? ORDER BY e.idx",
    )
    .bind(since.format("%Y-%m-%d").to_string())
    .fetch_all(db)
    .await?;
    let mut groups: BTreeMap<(NaiveDate, String), (i64, Vec<i64>)> = BTreeMap::new();
    for (source, registered_at, anchored_at) in rows {
        let Some(at) = parse_time(&registered_at) else {
            continue;
        };
        let group = groups.entry((at.date_naive(), source)).or_default();
        group.0 += 1;
        if let Some(anchored) = anchored_at.as_deref().and_then(parse_time) {
            group.1.push((anchored - at).num_seconds().max(0));
        }
    }
    Ok(groups
        .into_iter()
        .map(|((day, source), (registered, mut waits))| {
            waits.sort_unstable();
            DayFigures {
                day,
                source,
                registered,
                anchored: waits.len() as i64,
                p50: quantile(&waits, 0.5),
                p95: quantile(&waits, 0.95),
            }
        })
        .collect())
}

/// Whether a held meeting's recorded quorum was met.
fn quorum_met(quorum_json: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(quorum_json)
        .ok()
        .and_then(|q| q["quorum"]["met"].as_bool())
        .unwrap_or(false)
}

/// The figures over the last `days` days (the governance counts are over all time, the nodes'
/// availability over the window).
pub async fn figures(state: &AppState, days: i64) -> AppResult<Figures> {
    let db = &state.db;
    let today = Ts::now().0.date_naive();
    let since = today - chrono::Duration::days(days - 1);
    let mut f = Figures {
        days: evidence_days(db, since).await?,
        ..Figures::default()
    };
    (f.public_evidences, f.verified, f.views) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(v.evidence_idx), COALESCE(SUM(v.views), 0)
         FROM evidences e
         LEFT JOIN evidence_visibility p ON p.source = e.source AND p.kind = e.kind
         LEFT JOIN evidence_visits v ON v.evidence_idx = e.idx
         WHERE (e.source = 'portal' AND e.kind LIKE 'governance.%') OR p.public = 1",
    )
    .fetch_one(db)
    .await?;
    let held: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT quorum_json FROM meetings WHERE status = 'held'")
            .fetch_all(db)
            .await?;
    f.meetings_held = held.len() as i64;
    f.meetings_with_quorum = held
        .iter()
        .filter(|(q,)| q.as_deref().is_some_and(quorum_met))
        .count() as i64;
    let day = today.format("%Y-%m-%d").to_string();
    (f.agreements_open, f.agreements_overdue) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END), 0)
         FROM agreements WHERE status = 'open'",
    )
    .bind(&day)
    .fetch_one(db)
    .await?;
    (f.reports_filed, f.reports_on_time) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN substr(filed_at, 1, 10) <= due_on THEN 1 ELSE 0 END), 0)
         FROM reports WHERE status = 'filed'",
    )
    .fetch_one(db)
    .await?;
    let nodes: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT n.id, n.name, COALESCE(SUM(h.samples), 0), COALESCE(SUM(h.up_samples), 0)
         FROM nodes n LEFT JOIN node_hourly h ON h.node_id = n.id AND h.hour >= ?
         WHERE n.status = 'admitted' GROUP BY n.id, n.name ORDER BY n.id",
    )
    .bind(since.format("%Y-%m-%d").to_string())
    .fetch_all(db)
    .await?;
    f.nodes = nodes
        .into_iter()
        .map(|(id, name, samples, up)| NodeAvailability {
            id,
            name,
            samples,
            up,
        })
        .collect();
    Ok(f)
}

/// Adds the views counted since the last flush to `evidence_visits`.
pub async fn flush_visits(state: &AppState) -> AppResult<usize> {
    let counted = state.views.take_visits();
    if counted.is_empty() {
        return Ok(0);
    }
    let day = Ts::now().0.format("%Y-%m-%d").to_string();
    let mut tx = crate::db::begin_write(&state.db).await?;
    for (idx, views) in &counted {
        sqlx::query(
            "INSERT INTO evidence_visits (evidence_idx, views, first_day, last_day) VALUES (?, ?, ?, ?)
             ON CONFLICT (evidence_idx) DO UPDATE SET views = evidence_visits.views + excluded.views,
                                                     last_day = excluded.last_day",
        )
        .bind(idx)
        .bind(i64::try_from(*views).unwrap_or(i64::MAX))
        .bind(&day)
        .bind(&day)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(counted.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[7], 0.95), Some(7));
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.5), Some(50));
        assert_eq!(quantile(&v, 0.95), Some(95));
        assert_eq!(quantile(&[1, 2, 3, 4], 0.5), Some(2));
    }

    #[test]
    fn a_meetings_quorum_is_read_from_its_record() {
        assert!(quorum_met(r#"{"quorum": {"met": true}}"#));
        assert!(!quorum_met(r#"{"quorum": {"met": false}}"#));
        assert!(!quorum_met("not json"));
    }
}
