//! The RFC 9162 Merkle tree: leaf and node hashes, appending with the right-edge frontier,
//! inclusion and consistency proofs (§2.1.3, §2.1.4) and their verification.
//!
//! Storage is by complete subtree: node `(level, index)` covers leaves
//! `[index·2^level, (index+1)·2^level)` and never changes once complete — the layout tiles use.
//! A proof first names the complete nodes it needs ([`inclusion_nodes`], [`consistency_nodes`]:
//! O(log n) of them), the caller reads them in one go, then the proof is assembled from them.

use super::Hash;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// `SHA-256(0x00 ‖ data)`: the hash of a leaf.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    Hash(h.finalize().into())
}

/// `SHA-256(0x01 ‖ left ‖ right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// The hash of the empty tree, `SHA-256("")`.
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

/// A complete subtree: `level` 0 is a leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub level: u8,
    pub index: u64,
}

impl Node {
    /// A single integer key for storage: level in the top bits, index below.
    pub fn key(self) -> i64 {
        ((u64::from(self.level) << 48) | self.index) as i64
    }

    pub fn from_key(key: i64) -> Node {
        let k = key as u64;
        Node {
            level: (k >> 48) as u8,
            index: k & ((1 << 48) - 1),
        }
    }
}

/// The complete subtrees that make up the range `[start, end)` as the RFC's tree shapes it:
/// the binary decomposition of its length, largest first. `start` must be aligned to the
/// largest chunk, which holds for every range the RFC's recursion produces.
fn chunks(start: u64, end: u64) -> Vec<Node> {
    let mut out = Vec::new();
    let mut at = start;
    let mut len = end - start;
    while len > 0 {
        let level = 63 - len.leading_zeros() as u8;
        out.push(Node {
            level,
            index: at >> level,
        });
        at += 1 << level;
        len -= 1 << level;
    }
    out
}

/// The largest power of two smaller than `n` (n ≥ 2).
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// The ranges whose hashes form the inclusion proof of leaf `m` in a tree of `n` leaves, in
/// proof order (nearest the leaf first).
fn inclusion_ranges(m: u64, start: u64, end: u64, out: &mut Vec<(u64, u64)>) {
    if end - start <= 1 {
        return;
    }
    let k = split(end - start);
    if m < start + k {
        inclusion_ranges(m, start, start + k, out);
        out.push((start + k, end));
    } else {
        inclusion_ranges(m, start + k, end, out);
        out.push((start, start + k));
    }
}

/// The ranges of the consistency proof between sizes `m` and the range's end (RFC 9162 SUBPROOF).
fn consistency_ranges(m: u64, start: u64, end: u64, complete: bool, out: &mut Vec<(u64, u64)>) {
    if m == end {
        if !complete {
            out.push((start, end));
        }
        return;
    }
    let k = split(end - start);
    if m <= start + k {
        consistency_ranges(m, start, start + k, complete, out);
        out.push((start + k, end));
    } else {
        consistency_ranges(m, start + k, end, false, out);
        out.push((start, start + k));
    }
}

fn nodes_of(ranges: &[(u64, u64)]) -> Vec<Node> {
    let mut nodes: Vec<Node> = ranges.iter().flat_map(|(s, e)| chunks(*s, *e)).collect();
    nodes.sort_unstable();
    nodes.dedup();
    nodes
}

/// Why a proof cannot be built or does not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("sizes must satisfy 0 < first ≤ second (got {first}, {second})")]
    BadSizes { first: u64, second: u64 },
    #[error("stored node {0:?} is missing")]
    MissingNode(Node),
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
    #[error("the proof has the wrong length")]
    WrongLength,
}

/// The stored nodes an inclusion proof of leaf `m` in tree size `n` is built from.
pub fn inclusion_nodes(m: u64, n: u64) -> Result<Vec<Node>, ProofError> {
    if m >= n {
        return Err(ProofError::IndexOutOfRange { index: m, size: n });
    }
    let mut ranges = Vec::new();
    inclusion_ranges(m, 0, n, &mut ranges);
    Ok(nodes_of(&ranges))
}

/// The stored nodes a consistency proof from size `m` to size `n` is built from.
pub fn consistency_nodes(m: u64, n: u64) -> Result<Vec<Node>, ProofError> {
    if m == 0 || m > n {
        return Err(ProofError::BadSizes {
            first: m,
            second: n,
        });
    }
    let mut ranges = Vec::new();
    if m < n {
        consistency_ranges(m, 0, n, true, &mut ranges);
    }
    Ok(nodes_of(&ranges))
}

/// The stored nodes whose fold is the root of a tree of `n` leaves.
pub fn root_nodes(n: u64) -> Vec<Node> {
    chunks(0, n)
}

fn range_hash(start: u64, end: u64, nodes: &HashMap<Node, Hash>) -> Result<Hash, ProofError> {
    let parts = chunks(start, end);
    let mut acc: Option<Hash> = None;
    for node in parts.iter().rev() {
        let h = *nodes.get(node).ok_or(ProofError::MissingNode(*node))?;
        acc = Some(match acc {
            None => h,
            Some(right) => node_hash(&h, &right),
        });
    }
    Ok(acc.unwrap_or_else(empty_root))
}

/// The inclusion proof (RFC 9162 PATH) of leaf `m` in tree size `n`, from the stored `nodes`.
pub fn inclusion_proof(
    m: u64,
    n: u64,
    nodes: &HashMap<Node, Hash>,
) -> Result<Vec<Hash>, ProofError> {
    if m >= n {
        return Err(ProofError::IndexOutOfRange { index: m, size: n });
    }
    let mut ranges = Vec::new();
    inclusion_ranges(m, 0, n, &mut ranges);
    ranges
        .iter()
        .map(|(s, e)| range_hash(*s, *e, nodes))
        .collect()
}

/// The consistency proof (RFC 9162 PROOF) from size `m` to size `n`.
pub fn consistency_proof(
    m: u64,
    n: u64,
    nodes: &HashMap<Node, Hash>,
) -> Result<Vec<Hash>, ProofError> {
    if m == 0 || m > n {
        return Err(ProofError::BadSizes {
            first: m,
            second: n,
        });
    }
    let mut ranges = Vec::new();
    if m < n {
        consistency_ranges(m, 0, n, true, &mut ranges);
    }
    ranges
        .iter()
        .map(|(s, e)| range_hash(*s, *e, nodes))
        .collect()
}

/// The root of a tree of `n` leaves from its stored nodes.
pub fn root(n: u64, nodes: &HashMap<Node, Hash>) -> Result<Hash, ProofError> {
    range_hash(0, n, nodes)
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    path: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Checks a consistency proof between two tree heads (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    path: &[Hash],
) -> Result<(), ProofError> {
    if first == 0 || first > second {
        return Err(ProofError::BadSizes { first, second });
    }
    if first == second {
        if !path.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    if path.is_empty() {
        return Err(ProofError::WrongLength);
    }
    let mut path: Vec<Hash> = path.to_vec();
    if first.is_power_of_two() {
        path.insert(0, *first_root);
    }
    let (mut fnode, mut snode) = (first - 1, second - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *first_root || sr != *second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// The right edge of a tree: one complete subtree per set bit of its size, largest first.
/// Appending a leaf needs only this, and yields the nodes to store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<(Node, Hash)>,
}

impl Frontier {
    /// Rebuilds the frontier of a tree of `size` leaves from its stored nodes
    /// (those of [`root_nodes`]).
    pub fn from_nodes(size: u64, nodes: &HashMap<Node, Hash>) -> Result<Frontier, ProofError> {
        let parts = root_nodes(size)
            .into_iter()
            .map(|n| {
                nodes
                    .get(&n)
                    .map(|h| (n, *h))
                    .ok_or(ProofError::MissingNode(n))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Frontier { size, nodes: parts })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf; returns every node that became complete (the leaf first), to be stored.
    pub fn append(&mut self, leaf: Hash) -> Vec<(Node, Hash)> {
        let mut new = vec![(
            Node {
                level: 0,
                index: self.size,
            },
            leaf,
        )];
        let mut carry = (
            Node {
                level: 0,
                index: self.size,
            },
            leaf,
        );
        while let Some((left, lh)) = self.nodes.last().copied() {
            if left.level != carry.0.level {
                break;
            }
            self.nodes.pop();
            carry = (
                Node {
                    level: left.level + 1,
                    index: left.index >> 1,
                },
                node_hash(&lh, &carry.1),
            );
            new.push(carry);
        }
        self.nodes.push(carry);
        self.size += 1;
        new
    }

    pub fn root(&self) -> Hash {
        let mut acc: Option<Hash> = None;
        for (_, h) in self.nodes.iter().rev() {
            acc = Some(match acc {
                None => *h,
                Some(right) => node_hash(h, &right),
            });
        }
        acc.unwrap_or_else(empty_root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// MTH straight from RFC 9162 §2.1.1, as the reference.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn build(n: u64) -> (Vec<Hash>, HashMap<Node, Hash>, Frontier) {
        let mut f = Frontier::default();
        let mut stored = HashMap::new();
        let mut leaves = Vec::new();
        for i in 0..n {
            let leaf = leaf_hash(format!("entry {i}").as_bytes());
            leaves.push(leaf);
            stored.extend(f.append(leaf));
        }
        (leaves, stored, f)
    }

    fn hex(s: &str) -> Hash {
        Hash::from_hex(s).expect("hex")
    }

    #[test]
    fn known_hashes() {
        // the empty tree and a leaf of the empty string, as in RFC 6962/9162 test vectors
        assert_eq!(
            empty_root(),
            hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            leaf_hash(b""),
            hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        );
    }

    #[test]
    fn rfc_example_tree_of_seven() {
        // the 7-leaf tree of RFC 9162 §2.1.5: proofs have the shapes the RFC gives
        let (leaves, stored, f) = build(7);
        assert_eq!(f.root(), mth(&leaves));
        // the inclusion proof for d0 is [b, h, l]; for d3 it is [c, g, l]; for d4 [f, j, k]; for d6 [i, k]
        let p = inclusion_proof(0, 7, &stored).expect("proof");
        assert_eq!(p, vec![leaves[1], mth(&leaves[2..4]), mth(&leaves[4..7])]);
        let p = inclusion_proof(3, 7, &stored).expect("proof");
        assert_eq!(p, vec![leaves[2], mth(&leaves[0..2]), mth(&leaves[4..7])]);
        let p = inclusion_proof(4, 7, &stored).expect("proof");
        assert_eq!(p, vec![leaves[5], leaves[6], mth(&leaves[0..4])]);
        let p = inclusion_proof(6, 7, &stored).expect("proof");
        assert_eq!(p, vec![mth(&leaves[4..6]), mth(&leaves[0..4])]);
        // consistency: between hash0 (3) and hash (7) is [c, d, g, l]; 4→7 is [l]; 6→7 is [i, j, k]
        let c = consistency_proof(3, 7, &stored).expect("proof");
        assert_eq!(
            c,
            vec![leaves[2], leaves[3], mth(&leaves[0..2]), mth(&leaves[4..7])]
        );
        assert_eq!(
            consistency_proof(4, 7, &stored).expect("proof"),
            vec![mth(&leaves[4..7])]
        );
        let c = consistency_proof(6, 7, &stored).expect("proof");
        assert_eq!(c, vec![mth(&leaves[4..6]), leaves[6], mth(&leaves[0..4])]);
    }

    #[test]
    fn proofs_read_few_nodes() {
        // O(log n) stored nodes for any leaf of a 10-million-leaf tree
        let n = 10_000_000;
        for m in [0, 1, 4_999_999, 9_999_998, 9_999_999] {
            let needed = inclusion_nodes(m, n).expect("nodes").len();
            assert!(needed <= 2 * 24, "{needed} nodes for leaf {m}");
        }
        assert!(consistency_nodes(1_234_567, n).expect("nodes").len() <= 2 * 24);
    }

    #[test]
    fn bad_arguments_are_refused() {
        let (leaves, stored, f) = build(5);
        assert_eq!(
            inclusion_nodes(5, 5),
            Err(ProofError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert!(consistency_nodes(0, 5).is_err() && consistency_nodes(6, 5).is_err());
        assert_eq!(
            verify_inclusion(5, 5, &leaves[0], &[], &f.root()),
            Err(ProofError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert_eq!(consistency_proof(5, 5, &stored), Ok(vec![]));
        assert_eq!(verify_consistency(5, 5, &f.root(), &f.root(), &[]), Ok(()));
        assert_eq!(
            verify_consistency(5, 5, &f.root(), &leaves[0], &[]),
            Err(ProofError::RootMismatch)
        );
        let mut partial = stored.clone();
        partial.remove(&Node { level: 0, index: 4 });
        assert_eq!(
            inclusion_proof(0, 5, &partial),
            Err(ProofError::MissingNode(Node { level: 0, index: 4 }))
        );
        assert_eq!(
            Node::from_key(
                Node {
                    level: 7,
                    index: 123_456
                }
                .key()
            ),
            Node {
                level: 7,
                index: 123_456
            }
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn every_inclusion_proof_verifies_and_every_tampered_one_fails(n in 1u64..300, m_seed in any::<u64>(), flip in any::<(usize, u8)>()) {
            let (leaves, stored, f) = build(n);
            let root = mth(&leaves);
            prop_assert_eq!(f.root(), root);
            prop_assert_eq!(super::root(n, &stored).expect("root"), root);
            let m = m_seed % n;
            let needed = inclusion_nodes(m, n).expect("nodes");
            let only: HashMap<Node, Hash> = needed.iter().map(|k| (*k, stored[k])).collect();
            let proof = inclusion_proof(m, n, &only).expect("proof from the named nodes alone");
            prop_assert!(verify_inclusion(m, n, &leaves[m as usize], &proof, &root).is_ok());
            // an independent implementation (Go's sumdb/tlog, as ported by tlog_tiles) agrees
            let tl: Vec<tlog_tiles::Hash> = proof.iter().map(|h| tlog_tiles::Hash(h.0)).collect();
            prop_assert!(tlog_tiles::check_record(&tl, n, tlog_tiles::Hash(root.0), m, tlog_tiles::Hash(leaves[m as usize].0)).is_ok());
            // tampering: another leaf, another index, a flipped bit, a dropped or added step
            let other = (m + 1) % n;
            if other != m {
                prop_assert!(verify_inclusion(m, n, &leaves[other as usize], &proof, &root).is_err());
            }
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let (i, bit) = flip;
                let i = i % bad.len();
                bad[i].0[usize::from(bit) % 32] ^= 1 << (bit % 8);
                prop_assert!(verify_inclusion(m, n, &leaves[m as usize], &bad, &root).is_err());
                prop_assert!(verify_inclusion(m, n, &leaves[m as usize], &proof[..proof.len() - 1], &root).is_err());
            }
            let mut longer = proof.clone();
            longer.push(root);
            prop_assert!(verify_inclusion(m, n, &leaves[m as usize], &longer, &root).is_err());
        }

        #[test]
        fn every_consistency_proof_verifies_and_every_tampered_one_fails(n in 1u64..300, m_seed in any::<u64>(), flip in any::<(usize, u8)>()) {
            let (leaves, stored, _) = build(n);
            let m = 1 + m_seed % n;
            let (old, new) = (mth(&leaves[..m as usize]), mth(&leaves));
            let needed = consistency_nodes(m, n).expect("nodes");
            let only: HashMap<Node, Hash> = needed.iter().map(|k| (*k, stored[k])).collect();
            let proof = consistency_proof(m, n, &only).expect("proof from the named nodes alone");
            prop_assert!(verify_consistency(m, n, &old, &new, &proof).is_ok());
            let tl: Vec<tlog_tiles::Hash> = proof.iter().map(|h| tlog_tiles::Hash(h.0)).collect();
            prop_assert!(tlog_tiles::check_tree(&tl, n, tlog_tiles::Hash(new.0), m, tlog_tiles::Hash(old.0)).is_ok());
            if m < n {
                let mut bad = proof.clone();
                let (i, bit) = flip;
                let i = i % bad.len();
                bad[i].0[usize::from(bit) % 32] ^= 1 << (bit % 8);
                prop_assert!(verify_consistency(m, n, &old, &new, &bad).is_err());
                // a rewritten old head is caught
                let forged_old = node_hash(&old, &old);
                prop_assert!(verify_consistency(m, n, &forged_old, &new, &proof).is_err());
                prop_assert!(verify_consistency(m, n, &old, &new, &proof[..proof.len() - 1]).is_err());
            }
        }
    }
}
