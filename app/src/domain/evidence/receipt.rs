//! The self-contained receipt of an evidence and its offline check: entry → link hash,
//! inclusion proof → root, checkpoint signature, checkpoint ↔ proof, document hash.
//! `minga verify` runs exactly this; anyone can re-implement it from DESIGN.md.

use super::checkpoint::{self, Checkpoint};
use super::entry::Entry;
use super::{Hash, merkle};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inclusion {
    pub tree_size: u64,
    pub root: Hash,
    pub path: Vec<Hash>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub v: u32,
    pub id: String,
    pub index: u64,
    pub entry: Entry,
    pub link_hash: Hash,
    pub inclusion: Inclusion,
    /// The signed checkpoint note the inclusion proof leads to.
    pub checkpoint: String,
    #[serde(default)]
    pub anchors: Vec<Anchor>,
}

/// A checkpoint sealed outside the log (a chain transaction, a time-stamp) that covers the
/// evidence, with the consistency proof from it to the receipt's checkpoint when they differ.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// `ethereum` or `rfc3161`.
    #[serde(rename = "type")]
    pub kind: String,
    pub tree_size: u64,
    pub root: Hash,
    /// RFC 9162 consistency proof from `tree_size` to the receipt's `inclusion.tree_size`
    /// (empty when they are the same).
    #[serde(default)]
    pub consistency: Vec<Hash>,
    /// Where to find it: `chain_id`, `tx_hash`, `block_number`, `block_time`, `explorer`, …
    #[serde(flatten)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl Anchor {
    /// A short human description: the chain and transaction, or the time-stamp.
    pub fn describe(&self) -> String {
        match (self.detail("chain_id"), self.detail("tx_hash")) {
            (Some(chain), Some(tx)) => format!("chain {chain}, transaction {tx}"),
            _ => self.kind.clone(),
        }
    }

    /// One of the details as plain text (strings without their JSON quotes).
    pub fn detail(&self, key: &str) -> Option<String> {
        self.details.get(key).map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// The anchored tree contains entry `index` and is the tree of `inclusion` or a prefix of it
    /// (by the anchor's consistency proof).
    pub fn covers(&self, index: u64, inclusion: &Inclusion) -> Result<(), String> {
        if self.tree_size <= index {
            Err(format!(
                "the anchored tree of {} entries does not contain entry {index}",
                self.tree_size
            ))
        } else if self.tree_size == inclusion.tree_size {
            if self.root == inclusion.root {
                Ok(())
            } else {
                Err(format!(
                    "the anchored root {} is not the checkpoint's",
                    self.root
                ))
            }
        } else {
            merkle::verify_consistency(
                self.tree_size,
                inclusion.tree_size,
                &self.root,
                &inclusion.root,
                &self.consistency,
            )
            .map_err(|e| format!("the consistency proof fails: {e}"))
        }
    }
}

/// One step of the verification and how it went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

impl Check {
    /// A check from its outcome: the detail of a pass, or of a failure.
    pub fn of(name: &'static str, result: Result<String, String>) -> Check {
        let (ok, detail) = match result {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        Check { name, ok, detail }
    }
}

/// Runs every check; a check that cannot run (no key, no document) says so and fails
/// (`document` absent means the document check is skipped, not failed).
pub fn verify(
    receipt: &Receipt,
    verifier_key: Option<&str>,
    document: Option<&[u8]>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut push =
        |name: &'static str, result: Result<String, String>| checks.push(Check::of(name, result));

    let link = receipt.entry.link_hash();
    push(
        "entry",
        if link == receipt.link_hash {
            Ok(format!("the entry's leaf hash is the link hash {link}"))
        } else {
            Err(format!(
                "the entry hashes to {link}, not to the receipt's link hash {}",
                receipt.link_hash
            ))
        },
    );

    let inc = &receipt.inclusion;
    push(
        "inclusion",
        merkle::verify_inclusion(receipt.index, inc.tree_size, &link, &inc.path, &inc.root)
            .map(|()| {
                format!(
                    "entry {} is in the tree of {} entries with root {}",
                    receipt.index, inc.tree_size, inc.root
                )
            })
            .map_err(|e| format!("the inclusion proof fails: {e}")),
    );

    let signed: Result<Checkpoint, String> = match verifier_key {
        Some(key) => checkpoint::verify(&receipt.checkpoint, key)
            .map_err(|e| format!("checkpoint signature: {e}")),
        None => Err(
            "no verifier key given: the checkpoint's signature cannot be checked (use --key)"
                .into(),
        ),
    };
    push(
        "signature",
        signed
            .as_ref()
            .map(|c| format!("the checkpoint is signed by the log {}", c.origin))
            .map_err(Clone::clone),
    );

    let cp = signed
        .or_else(|_| checkpoint::parse_unverified(&receipt.checkpoint).map_err(|e| e.to_string()));
    push(
        "checkpoint",
        match cp {
            Ok(cp) if cp.size == inc.tree_size && cp.root == inc.root => Ok(format!(
                "the checkpoint commits to size {} and root {}",
                cp.size, cp.root
            )),
            Ok(cp) => Err(format!(
                "the checkpoint says size {} root {}, the proof size {} root {}",
                cp.size, cp.root, inc.tree_size, inc.root
            )),
            Err(e) => Err(format!("the checkpoint cannot be read: {e}")),
        },
    );

    for anchor in &receipt.anchors {
        let covers = anchor.covers(receipt.index, inc);
        // a time-stamp seals the anchored checkpoint's text: it must say the anchor's size and root
        let covers = covers.and_then(|()| match anchor.details.get("checkpoint").and_then(|v| v.as_str()) {
            None => Ok(()),
            Some(text) => {
                let parsed = match verifier_key {
                    Some(key) => checkpoint::verify(text, key).map_err(|e| format!("the anchored checkpoint: {e}")),
                    None => checkpoint::parse_unverified(text).map_err(|e| format!("the anchored checkpoint: {e}")),
                }?;
                if parsed.size == anchor.tree_size && parsed.root == anchor.root {
                    Ok(())
                } else {
                    Err(format!(
                        "the anchored checkpoint says size {} root {}, the anchor size {} root {}",
                        parsed.size, parsed.root, anchor.tree_size, anchor.root
                    ))
                }
            }
        });
        push(
            "anchor",
            covers
                .map(|()| {
                    format!(
                        "{}: seals the tree of {} entries (root {}), which contains this entry and is consistent with the checkpoint",
                        anchor.describe(),
                        anchor.tree_size,
                        anchor.root
                    )
                })
                .map_err(|e| format!("{}: {e}", anchor.describe())),
        );
    }

    if let Some(bytes) = document {
        let h = Hash::of(bytes);
        push(
            "document",
            match receipt.entry.document_hash {
                Some(expected) if expected == h => {
                    Ok(format!("the document hashes to {h}, as registered"))
                }
                Some(expected) => Err(format!(
                    "the document hashes to {h}, but {expected} was registered"
                )),
                None => Err("no document was registered with this evidence".into()),
            },
        );
    }
    checks
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::evidence::checkpoint::LogKey;
    use std::collections::HashMap;

    /// A receipt for the fourth of five entries (the one with `doc`), and the verifier key.
    pub(crate) fn receipt_for(doc: &[u8]) -> (Receipt, String) {
        let key =
            LogKey::from_private(&LogKey::encode_private("test.example/log", &[3; 32]).expect("k"))
                .expect("k");
        let mut f = merkle::Frontier::default();
        let mut stored = HashMap::new();
        let mut entries = Vec::new();
        for i in 0..5u64 {
            let e = Entry {
                v: 1,
                kind: "purchase-order".into(),
                source: "catalogo".into(),
                reference: format!("OC-{i}"),
                data_hash: Hash::of(format!("{i}").as_bytes()),
                document_hash: (i == 3).then(|| Hash::of(doc)),
                items_root: None,
                items: 0,
                registered_at: "2026-11-22T10:00:00Z".into(),
            };
            stored.extend(f.append(e.link_hash()));
            entries.push(e);
        }
        let note = key.sign(5, &f.root()).expect("sign");
        let r = Receipt {
            v: 1,
            id: "abc".into(),
            index: 3,
            entry: entries[3].clone(),
            link_hash: entries[3].link_hash(),
            inclusion: Inclusion {
                tree_size: 5,
                root: f.root(),
                path: merkle::inclusion_proof(3, 5, &stored).expect("p"),
            },
            checkpoint: note,
            anchors: vec![],
        };
        (r, key.verifier_key().to_string())
    }

    fn failed(checks: &[Check]) -> Vec<&'static str> {
        checks.iter().filter(|c| !c.ok).map(|c| c.name).collect()
    }

    #[test]
    fn a_good_receipt_passes_every_check() {
        let (r, key) = receipt_for(b"%PDF-1.7 orden");
        let checks = verify(&r, Some(&key), Some(b"%PDF-1.7 orden"));
        assert_eq!(failed(&checks), Vec::<&str>::new(), "{checks:?}");
        assert_eq!(checks.len(), 5);
        // round trip through JSON
        let json = serde_json::to_string(&r).expect("json");
        let back: Receipt = serde_json::from_str(&json).expect("parse");
        assert_eq!(failed(&verify(&back, Some(&key), None)), Vec::<&str>::new());
    }

    #[test]
    fn each_tampering_names_the_check_that_fails() {
        let (r, key) = receipt_for(b"doc");
        let mut t = r.clone();
        t.entry.reference = "OC-999".into();
        assert_eq!(
            failed(&verify(&t, Some(&key), None)),
            vec!["entry", "inclusion"]
        );
        let mut t = r.clone();
        t.inclusion.path[0].0[0] ^= 1;
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["inclusion"]);
        let mut t = r.clone();
        t.checkpoint = t.checkpoint.replace("\n5\n", "\n6\n");
        assert_eq!(
            failed(&verify(&t, Some(&key), None)),
            vec!["signature", "checkpoint"]
        );
        assert_eq!(failed(&verify(&r, None, None)), vec!["signature"]);
        assert_eq!(
            failed(&verify(&r, Some(&key), Some(b"forged"))),
            vec!["document"]
        );
    }

    #[test]
    fn anchors_are_checked_by_consistency_with_the_checkpoint() {
        let (mut r, key) = receipt_for(b"doc");
        // rebuild the tree to get the root of its first 4 entries and the proof 4 → 5
        let mut f = merkle::Frontier::default();
        let mut stored = HashMap::new();
        for i in 0..5u64 {
            let mut e = r.entry.clone();
            e.reference = format!("OC-{i}");
            e.data_hash = Hash::of(format!("{i}").as_bytes());
            e.document_hash = (i == 3).then(|| Hash::of(b"doc"));
            stored.extend(f.append(e.link_hash()));
        }
        let root4 = merkle::root(4, &stored).expect("root");
        let details: serde_json::Map<String, serde_json::Value> =
            serde_json::from_value(serde_json::json!({"chain_id": 31337, "tx_hash": "0xabc"}))
                .expect("map");
        r.anchors = vec![
            Anchor {
                kind: "ethereum".into(),
                tree_size: 4,
                root: root4,
                consistency: merkle::consistency_proof(4, 5, &stored).expect("proof"),
                details: details.clone(),
            },
            Anchor {
                kind: "ethereum".into(),
                tree_size: 5,
                root: r.inclusion.root,
                consistency: vec![],
                details,
            },
        ];
        let checks = verify(&r, Some(&key), None);
        assert_eq!(failed(&checks), Vec::<&str>::new(), "{checks:?}");
        assert_eq!(checks.iter().filter(|c| c.name == "anchor").count(), 2);
        // JSON keeps the details flat beside the fields
        let json = serde_json::to_value(&r).expect("json");
        assert_eq!(json["anchors"][0]["type"], "ethereum");
        assert_eq!(json["anchors"][0]["chain_id"], 31337);
        let back: Receipt = serde_json::from_value(json).expect("parse");
        assert_eq!(back, r);

        let mut t = r.clone();
        t.anchors[0].root.0[0] ^= 1;
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["anchor"]);
        let mut t = r.clone();
        t.anchors[1].root.0[0] ^= 1;
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["anchor"]);
        let mut t = r;
        t.anchors[0].tree_size = 3; // no longer contains entry 3
        assert_eq!(failed(&verify(&t, Some(&key), None)), vec!["anchor"]);
    }
}
