//! What the verification page keeps between views. Evidences never change once registered and a
//! checkpoint never changes once signed, so what `/v/{id}` derives from them — the re-derived
//! hashes, the leaf, the inclusion proof, the checkpoint's signature, the audit's findings — is
//! kept per (entry, checkpoint, finished audit run) and derived again only when one of those
//! moves: a newer checkpoint, or a new audit run (the audit re-hashes every entry, document and
//! node, so tampering with the stored data shows once it has run, as it did before the page
//! stopped redoing the work on every view). QR images are kept per evidence id.

use crate::domain::evidence::Hash;
use crate::domain::evidence::receipt::Inclusion;
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::StoredCheck;
use super::store::CheckpointRow;

/// At most this many QR images; past it the map starts afresh (a plain bound: an image costs a
/// millisecond or two to redo).
const CAPACITY: usize = 4096;

/// At most this many kept verifications, and at most about `BUDGET` bytes of them: past either
/// the map starts afresh. A typical one weighs about a kilobyte, so the pages of the last
/// tens of thousands of entries viewed are served without redoing their checks; an evidence may
/// carry many items, and many such ones must not hold gigabytes.
const CHECKED_CAPACITY: usize = 65_536;
const BUDGET: usize = 64 << 20;

/// The latest signed checkpoint with its signature checked once.
#[derive(Debug)]
pub struct Latest {
    pub row: CheckpointRow,
    /// What the signed note says (size, root) when its signature verifies under the log's key.
    pub signed: Option<(u64, Hash)>,
}

/// The verification of one entry against one checkpoint as of one audit run.
#[derive(Debug)]
pub struct Checked {
    pub items_json: Vec<String>,
    pub inclusion: Option<Inclusion>,
    /// Every check but the audit's.
    pub checks: Vec<StoredCheck>,
    /// The findings of the audit run the key names that touch the entry; `None` when that run
    /// did not cover it (or there was none).
    pub audit: Option<Vec<String>>,
}

impl Checked {
    /// About how many bytes it holds.
    fn weight(&self) -> usize {
        256 + self.items_json.iter().map(|i| i.len() + 24).sum::<usize>()
            + self.inclusion.as_ref().map_or(0, |i| i.path.len() * 32)
            + self
                .checks
                .iter()
                .map(|c| c.detail.len() + 48)
                .sum::<usize>()
            + self
                .audit
                .iter()
                .flatten()
                .map(|f| f.len() + 24)
                .sum::<usize>()
    }
}

/// (entry index, checkpoint tree size or 0, finished audit run or 0).
pub type CheckedKey = (i64, i64, i64);

#[derive(Default)]
pub struct ViewCache {
    latest: Mutex<Option<Arc<Latest>>>,
    checked: Mutex<(HashMap<CheckedKey, Arc<Checked>>, usize)>,
    qr: Mutex<HashMap<(String, &'static str), Bytes>>,
    /// Views of each evidence's page since the last flush (by entry index; nothing about who).
    visits: Mutex<HashMap<i64, u64>>,
}

fn bounded_insert<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key, value);
}

impl ViewCache {
    /// Counts one view of the page of the evidence at `index`.
    pub fn count_visit(&self, index: i64) {
        if let Ok(mut map) = self.visits.lock() {
            *map.entry(index).or_default() += 1;
        }
    }

    /// The views counted since the last call (see `services::stats::flush_visits`).
    pub fn take_visits(&self) -> HashMap<i64, u64> {
        self.visits
            .lock()
            .map(|mut map| std::mem::take(&mut *map))
            .unwrap_or_default()
    }

    /// The kept checkpoint, if it is the one of `tree_size`.
    pub fn latest(&self, tree_size: i64) -> Option<Arc<Latest>> {
        let guard = self.latest.lock().ok()?;
        guard
            .as_ref()
            .filter(|l| l.row.tree_size == tree_size)
            .cloned()
    }

    pub fn keep_latest(&self, latest: Latest) -> Arc<Latest> {
        let latest = Arc::new(latest);
        if let Ok(mut guard) = self.latest.lock() {
            // a slower view must not put back an older checkpoint
            if guard
                .as_ref()
                .is_none_or(|l| l.row.tree_size <= latest.row.tree_size)
            {
                *guard = Some(latest.clone());
            }
        }
        latest
    }

    pub fn checked(&self, key: CheckedKey) -> Option<Arc<Checked>> {
        self.checked.lock().ok()?.0.get(&key).cloned()
    }

    pub fn keep_checked(&self, key: CheckedKey, checked: Checked) -> Arc<Checked> {
        let weight = checked.weight();
        let checked = Arc::new(checked);
        if weight > BUDGET / 16 {
            // one very large entry is derived again on each view rather than crowd out the rest
            return checked;
        }
        if let Ok(mut guard) = self.checked.lock() {
            let (map, bytes) = &mut *guard;
            if *bytes + weight > BUDGET {
                map.clear();
                *bytes = 0;
            }
            if map.len() >= CHECKED_CAPACITY {
                map.clear();
                *bytes = 0;
            }
            if map.insert(key, checked.clone()).is_none() {
                *bytes += weight;
            }
        }
        checked
    }

    /// The QR image (`svg` or `png`) of an evidence's page, if it was made before.
    pub fn qr(&self, id: &str, format: &'static str) -> Option<Bytes> {
        self.qr.lock().ok()?.get(&(id.to_string(), format)).cloned()
    }

    pub fn keep_qr(&self, id: &str, format: &'static str, image: Vec<u8>) -> Bytes {
        let image = Bytes::from(image);
        if let Ok(mut map) = self.qr.lock() {
            bounded_insert(&mut map, (id.to_string(), format), image.clone());
        }
        image
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latest(size: i64) -> Latest {
        Latest {
            row: CheckpointRow {
                tree_size: size,
                root_hash: vec![0; 32],
                note: String::new(),
                signed_at: crate::db::Ts::now(),
            },
            signed: None,
        }
    }

    #[test]
    fn an_older_checkpoint_never_replaces_a_newer_one() {
        let cache = ViewCache::default();
        cache.keep_latest(latest(10));
        cache.keep_latest(latest(7));
        assert!(cache.latest(10).is_some());
        assert!(cache.latest(7).is_none());
        cache.keep_latest(latest(12));
        assert!(cache.latest(10).is_none() && cache.latest(12).is_some());
    }

    #[test]
    fn the_maps_stay_bounded_and_images_are_kept_by_id_and_format() {
        let cache = ViewCache::default();
        for n in 0..(CHECKED_CAPACITY as i64 + 10) {
            cache.keep_checked(
                (n, 1, 0),
                Checked {
                    items_json: Vec::new(),
                    inclusion: None,
                    checks: Vec::new(),
                    audit: None,
                },
            );
        }
        assert!(cache.checked.lock().expect("lock").0.len() <= CHECKED_CAPACITY);
        // a few very large entries: kept within the byte budget, the largest not at all
        let big = |n: usize| Checked {
            items_json: vec!["x".repeat(1 << 20); n],
            inclusion: None,
            checks: Vec::new(),
            audit: None,
        };
        for n in 0..200 {
            cache.keep_checked((n, 2, 0), big(3));
        }
        {
            let guard = cache.checked.lock().expect("lock");
            assert!(guard.1 <= BUDGET && !guard.0.is_empty(), "{}", guard.1);
        }
        let kept = cache.keep_checked((9999, 2, 0), big(8));
        assert_eq!(kept.items_json.len(), 8, "answered all the same");
        assert!(cache.checked((9999, 2, 0)).is_none(), "but not kept");
        assert!(cache.qr("abc", "svg").is_none());
        cache.keep_qr("abc", "svg", b"<svg/>".to_vec());
        assert_eq!(cache.qr("abc", "svg").expect("kept").as_ref(), b"<svg/>");
        assert!(cache.qr("abc", "png").is_none());
    }
}
