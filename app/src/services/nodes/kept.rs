//! The nodes' figures kept between polls: `/network` and `nodes.json` read every node's figures
//! on every view, but those change only when the poller writes a round, when the hourly
//! compaction runs, or when the hour turns (the windows are whole hours). The writers bump a
//! generation; a view reuses the figures computed for the same nodes, reach, hour and generation,
//! and computes them again otherwise.

use super::health::{Health, Reach, figures};
use crate::AppState;
use crate::error::AppResult;
use chrono::{DateTime, Duration, DurationRound, Utc};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How many sets of figures are kept (a few pages read a few sets of nodes).
const KEPT: usize = 16;

type Key = (Reach, u64);
type Figures = Arc<HashMap<i64, Health>>;
/// Figures with the generation and the hour they were computed at.
type Entry = (u64, DateTime<Utc>, Figures);

#[derive(Default)]
pub struct FiguresCache {
    generation: AtomicU64,
    kept: Mutex<HashMap<Key, Entry>>,
}

impl FiguresCache {
    /// Samples or aggregates were written: what is kept is stale.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

fn key(ids: &[i64], reach: Reach) -> Key {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ids.hash(&mut h);
    (reach, h.finish())
}

/// [`figures`], reused while nothing was written and the hour has not turned.
pub async fn figures_kept(
    state: &AppState,
    ids: &[i64],
    now: DateTime<Utc>,
    reach: Reach,
) -> AppResult<Figures> {
    let cache = &state.node_figures;
    let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
    let key = key(ids, reach);
    // read before computing: a round written meanwhile leaves these figures stale, and the next
    // view computes them again
    let generation = cache.generation.load(Ordering::Acquire);
    if let Ok(kept) = cache.kept.lock()
        && let Some((g, h, f)) = kept.get(&key)
        && *g == generation
        && *h == hour
    {
        return Ok(f.clone());
    }
    let computed = Arc::new(figures(&state.db, ids, now, reach).await?);
    if let Ok(mut kept) = cache.kept.lock() {
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(key, (generation, hour, computed.clone()));
    }
    Ok(computed)
}
