//! A single item's proof: the items of an evidence (e.g. the quotations of a purchase order) are
//! the leaves of its items tree (DESIGN.md: each item's RFC 8785 form, leaf
//! `SHA-256(0x00 ‖ item)`, nodes `SHA-256(0x01 ‖ left ‖ right)`), whose root the log entry
//! carries. The proof gives an item's position, its leaf hash and the RFC 9162 inclusion path to
//! the items root, with the evidence's receipt, so whoever holds only their own item (a supplier
//! and their quotation) can check that it belongs to the order and that the order is in the log.

use super::receipt::{self, Check, Receipt};
use super::{Hash, jcs, merkle};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemProof {
    /// The format's version (1).
    pub v: u32,
    /// The evidence's id.
    pub evidence: String,
    /// The item's zero-based position among the evidence's items.
    pub position: u64,
    /// How many items the evidence has (the items tree's size).
    pub items: u64,
    /// The item's leaf hash.
    pub item_hash: Hash,
    pub items_root: Hash,
    /// The inclusion path, the leaf's sibling first (RFC 9162).
    pub path: Vec<Hash>,
    /// The item itself, for public kinds (otherwise its holder supplies it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Value>,
    /// The evidence's receipt, once it is in a signed checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
}

/// The proof of the item at `position` among `items` (none beyond the last).
pub fn prove(evidence: &str, items: &[Value], position: u64) -> Option<ItemProof> {
    let size = items.len() as u64;
    let mut frontier = merkle::Frontier::default();
    let mut nodes = std::collections::HashMap::new();
    for item in items {
        nodes.extend(frontier.append(merkle::leaf_hash(&jcs::canonicalize(item))));
    }
    let path = merkle::inclusion_proof(position, size, &nodes).ok()?;
    let item = items.get(usize::try_from(position).ok()?)?;
    Some(ItemProof {
        v: 1,
        evidence: evidence.to_string(),
        position,
        items: size,
        item_hash: merkle::leaf_hash(&jcs::canonicalize(item)),
        items_root: frontier.root(),
        path,
        item: None,
        receipt: None,
    })
}

/// Checks the proof: the item (the one given, else the one inside) hashes to the leaf, the path
/// leads from it to the items root, and — with the receipt — the entry in the log carries that
/// root and count, and the receipt's own checks hold.
pub fn verify(
    proof: &ItemProof,
    item: Option<&Value>,
    verifier_key: Option<&str>,
    document: Option<&[u8]>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut push =
        |name: &'static str, result: Result<String, String>| checks.push(Check::of(name, result));
    push(
        "item",
        match item.or(proof.item.as_ref()) {
            None => Err("no item to check: give the one you hold (--item)".into()),
            Some(value) => {
                let leaf = merkle::leaf_hash(&jcs::canonicalize(value));
                if leaf == proof.item_hash {
                    Ok(format!("the item hashes to the leaf {leaf}"))
                } else {
                    Err(format!(
                        "the item hashes to {leaf}, the proof is for {}",
                        proof.item_hash
                    ))
                }
            }
        },
    );
    push(
        "items",
        merkle::verify_inclusion(
            proof.position,
            proof.items,
            &proof.item_hash,
            &proof.path,
            &proof.items_root,
        )
        .map(|()| {
            format!(
                "item {} of {} is in the items tree with root {}",
                proof.position + 1,
                proof.items,
                proof.items_root
            )
        })
        .map_err(|e| format!("the item's inclusion proof fails: {e}")),
    );
    match &proof.receipt {
        None => push(
            "evidence",
            Err("no receipt: the evidence is not yet in a signed checkpoint".into()),
        ),
        Some(r) => {
            push(
                "evidence",
                if r.entry.items_root == Some(proof.items_root) && r.entry.items == proof.items {
                    Ok(format!(
                        "the log's entry {} carries this items root and {} items",
                        r.index, r.entry.items
                    ))
                } else {
                    Err("the log's entry carries another items root or count".into())
                },
            );
            checks.extend(receipt::verify(r, verifier_key, document));
        }
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence::receipt::tests::receipt_for;
    use serde_json::json;

    fn failed(checks: &[Check]) -> Vec<&'static str> {
        checks.iter().filter(|c| !c.ok).map(|c| c.name).collect()
    }

    fn quotations(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| json!({"supplier": format!("Proveedor {i}"), "total": format!("{}.00", 1000 + i)}))
            .collect()
    }

    #[test]
    fn every_item_of_every_tree_size_proves_to_the_root_the_entry_carries() {
        for n in 1..=9 {
            let items = quotations(n);
            let root = jcs::items_root(&items).expect("root");
            for position in 0..n as u64 {
                let proof = prove("ev", &items, position).expect("proof");
                assert_eq!(proof.items_root, root, "{n} {position}");
                let mine = &items[position as usize];
                let checks = verify(&proof, Some(mine), None, None);
                assert_eq!(
                    failed(&checks),
                    vec!["evidence"],
                    "{n} {position}: {checks:?}"
                );
            }
            assert!(prove("ev", &items, n as u64).is_none());
        }
    }

    #[test]
    fn another_item_or_path_is_refused_and_the_receipt_ties_the_root_to_the_log() {
        let items = quotations(3);
        let mut proof = prove("ev", &items, 1).expect("proof");
        // another quotation, or the same one with another total, is not the leaf
        let forged = json!({"supplier": "Proveedor 1", "total": "999.00"});
        assert_eq!(
            failed(&verify(&proof, Some(&forged), None, None)),
            vec!["item", "evidence"]
        );
        assert_eq!(
            failed(&verify(&proof, None, None, None)),
            vec!["item", "evidence"]
        );
        proof.item = Some(items[1].clone());
        assert_eq!(failed(&verify(&proof, None, None, None)), vec!["evidence"]);
        let mut bad = proof.clone();
        bad.path[0].0[0] ^= 1;
        assert!(failed(&verify(&bad, None, None, None)).contains(&"items"));
        // with a receipt whose entry carries this root: every check holds
        let (mut r, key) = receipt_for(b"doc");
        r.entry.items_root = Some(proof.items_root);
        r.entry.items = 3;
        proof.receipt = Some(r.clone());
        let checks = verify(&proof, None, Some(&key), None);
        // the receipt's entry was changed, so its own entry and inclusion checks fail; the tie holds
        assert_eq!(failed(&checks), vec!["entry", "inclusion"], "{checks:?}");
        r.entry.items_root = Some(Hash::of(b"another tree"));
        proof.receipt = Some(r);
        assert!(failed(&verify(&proof, None, Some(&key), None)).contains(&"evidence"));
        // it travels as JSON
        let json = serde_json::to_string(&proof).expect("json");
        assert_eq!(
            serde_json::from_str::<ItemProof>(&json).expect("parse"),
            proof
        );
    }
}
