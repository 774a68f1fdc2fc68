//! The nodes' figures kept between polls: `/network` and `nodes.json` read every node's figures
//! on every view. Two parts change at two paces (see [`super::figures`]):
//!
//! - each node's **past hours** (availability before the hour under way) change only when the
//!   hour turns or the compaction rewrites an hour: kept per node for the hour and the history's
//!   generation, warmed by the poller right after its hourly compaction ([`warm`]), so no view
//!   sums a month of aggregates;
//! - the **latest sample and the hour under way** change with every poll round: they are read
//!   (one primary-key lookup pair per node) and added to the kept past; the figures so assembled
//!   are kept for the same nodes, reach, hour and round generation. The poller assembles those
//!   the network's pages read right after each round ([`warm_round`]), so a view computes
//!   nothing unless it comes between a round's commit and that step.

use super::figures::{Health, Past, Reach, assemble, hour_of, latest, past};
use crate::AppState;
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How many sets of figures are kept (a few pages read a few sets of nodes).
const KEPT: usize = 16;

type Key = (Reach, u64);
type Figures = Arc<HashMap<i64, Health>>;
/// Figures with the round generation and the hour they were computed at.
type Entry = (u64, DateTime<Utc>, Figures);

/// The past hours of the nodes asked about so far, for one hour and history generation (every
/// node asked about has an entry: one without aggregates has the empty [`Past`]).
#[derive(Default)]
struct Pasts {
    generation: u64,
    hour: Option<DateTime<Utc>>,
    nodes: HashMap<i64, Past>,
}

#[derive(Default)]
pub struct FiguresCache {
    round: AtomicU64,
    history: AtomicU64,
    kept: Mutex<HashMap<Key, Entry>>,
    pasts: Mutex<Pasts>,
}

impl FiguresCache {
    /// A poll round was written: the latest samples and the hour under way changed.
    pub fn round_written(&self) {
        self.round.fetch_add(1, Ordering::AcqRel);
    }

    /// Past hours were written (the compaction, a history loaded): everything kept is stale.
    pub fn history_written(&self) {
        self.history.fetch_add(1, Ordering::AcqRel);
        self.round.fetch_add(1, Ordering::AcqRel);
    }
}

fn key(ids: &[i64], reach: Reach) -> Key {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ids.hash(&mut h);
    (reach, h.finish())
}

/// The past hours of every node in `ids` before `hour`, summing only those of nodes not kept yet
/// (always over the month, which serves both reaches).
async fn pasts(
    state: &AppState,
    conn: &mut SqliteConnection,
    ids: &[i64],
    hour: DateTime<Utc>,
) -> AppResult<HashMap<i64, Past>> {
    let cache = &state.node_figures;
    // read before summing: history written meanwhile leaves the sums stale, and they are not kept
    let generation = cache.history.load(Ordering::Acquire);
    let mut out = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    if let Ok(mut kept) = cache.pasts.lock() {
        if kept.generation != generation || kept.hour != Some(hour) {
            *kept = Pasts {
                generation,
                hour: Some(hour),
                nodes: HashMap::new(),
            };
        }
        for id in ids {
            match kept.nodes.get(id) {
                Some(p) => {
                    out.insert(*id, *p);
                }
                None => missing.push(*id),
            }
        }
    } else {
        missing = ids.to_vec();
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let fresh = past(conn, &missing, hour, Reach::Month).await?;
    let mut kept = cache.pasts.lock().ok();
    let keep = kept
        .as_ref()
        .is_some_and(|k| k.generation == generation && k.hour == Some(hour));
    for id in missing {
        let p = fresh.get(&id).copied().unwrap_or_default();
        if keep && let Some(k) = kept.as_mut() {
            k.nodes.insert(id, p);
        }
        out.insert(id, p);
    }
    Ok(out)
}

/// Sums the past hours of every node in operation for the hour under way, so that the first
/// view of the hour does not: the poller calls it after its hourly compaction.
pub async fn warm(state: &AppState, now: DateTime<Utc>) -> AppResult<usize> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM nodes WHERE status = 'admitted'")
        .fetch_all(&state.db)
        .await?;
    let mut conn = state.db.acquire().await?;
    Ok(pasts(state, &mut conn, &ids, hour_of(now)).await?.len())
}

/// The nodes `/network`'s table figures: those in operation (a suspended or retired node is no
/// longer asked).
pub fn in_operation(all: &[super::NodeRow]) -> Vec<i64> {
    all.iter()
        .filter(|n| n.status == crate::domain::nodes::NodeStatus::Admitted)
        .map(|n| n.id)
        .collect()
}

/// Assembles the figures the network's pages read — `/network` (the nodes in operation, over a
/// day) and `nodes.json` (every node on the network, over a month) — so that their next views
/// find them kept: the poller calls it after each round.
pub async fn warm_round(state: &AppState, now: DateTime<Utc>) -> AppResult<()> {
    let all = super::on_network(&state.db, None).await?;
    figures_kept(state, &in_operation(&all), now, Reach::Day).await?;
    let every: Vec<i64> = all.iter().map(|n| n.id).collect();
    figures_kept(state, &every, now, Reach::Month).await?;
    Ok(())
}

/// The figures of every node in `ids` at `now` (see [`super::figures::figures`]), from the kept
/// past hours and, after a poll round, the latest samples; reused while no round was written and
/// the hour has not turned.
pub async fn figures_kept(
    state: &AppState,
    ids: &[i64],
    now: DateTime<Utc>,
    reach: Reach,
) -> AppResult<Figures> {
    let cache = &state.node_figures;
    let hour = hour_of(now);
    let key = key(ids, reach);
    // read before computing: a round written meanwhile leaves these figures stale, and the next
    // view computes them again
    let round = cache.round.load(Ordering::Acquire);
    if let Ok(kept) = cache.kept.lock()
        && let Some((g, h, f)) = kept.get(&key)
        && *g == round
        && *h == hour
    {
        return Ok(f.clone());
    }
    let computed = if ids.is_empty() {
        Arc::new(HashMap::new())
    } else {
        let mut conn = state.db.acquire().await?;
        let past = pasts(state, &mut conn, ids, hour).await?;
        let latest = latest(&mut conn, ids, hour).await?;
        Arc::new(assemble(ids, &latest, &past, reach))
    };
    if let Ok(mut kept) = cache.kept.lock() {
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(key, (round, hour, computed.clone()));
    }
    Ok(computed)
}
