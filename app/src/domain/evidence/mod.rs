//! The evidence engine's formats, as DESIGN.md "The evidence engine" fixes them: canonical JSON
//! (RFC 8785), the three hashes, the entry, the RFC 9162 Merkle tree and its proofs, C2SP
//! checkpoints, signed notes and tiles, and the self-contained receipt with its offline check.
//! Pure functions: outside verifiers re-implement exactly these.

pub mod checkpoint;
pub mod entry;
pub mod item_proof;
pub mod jcs;
pub mod merkle;
pub mod receipt;
pub mod submission;
pub mod tiles;
pub mod tlog_proof;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::fmt;

/// A SHA-256 value: lowercase hex in JSON, base64 in checkpoints.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(s: &str) -> Option<Hash> {
        let bytes = hex::decode(s.trim()).ok()?;
        Some(Hash(bytes.try_into().ok()?))
    }

    pub fn from_slice(b: &[u8]) -> Option<Hash> {
        Some(Hash(b.try_into().ok()?))
    }

    pub fn of(data: &[u8]) -> Hash {
        use sha2::Digest;
        Hash(sha2::Sha256::digest(data).into())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl serde::Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> serde::Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() != 64 || s.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(serde::de::Error::custom("expected 64 lowercase hex digits"));
        }
        Hash::from_hex(&s)
            .ok_or_else(|| serde::de::Error::custom("expected 64 lowercase hex digits"))
    }
}
