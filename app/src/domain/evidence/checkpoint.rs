//! C2SP tlog-checkpoint (`origin\nsize\nbase64(root)\n`) signed as a C2SP signed-note with
//! Ed25519, using the maintained `tlog_tiles` and `signed_note` crates. The verifier key is
//! `name+hex(key id)+base64(0x01 ‖ public key)`, key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[..4].

use super::Hash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use signed_note::{Note, Signer, StandardSigner, StandardVerifier, VerifierList};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("the verifier key is malformed")]
    BadKey,
    #[error("the signed note is malformed")]
    BadNote,
    #[error("the note is not signed by the given key")]
    BadSignature,
    #[error("the note is not a well-formed checkpoint")]
    BadCheckpoint,
    #[error("the key name `{0}` is not a valid note name")]
    BadName(String),
}

/// A checkpoint as read from a verified note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// The log's signing key.
pub struct LogKey {
    signer: StandardSigner,
    verifier_key: String,
}

impl LogKey {
    /// The key in the signed-note text form `PRIVATE+KEY+name+id+base64(0x01 ‖ seed)` for a
    /// 32-byte Ed25519 seed.
    pub fn encode_private(name: &str, seed: &[u8; 32]) -> Result<String, CheckpointError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(CheckpointError::BadName(name.into()));
        }
        let signing = ed25519_dalek::SigningKey::from_bytes(seed);
        let mut public = vec![1u8];
        public.extend_from_slice(signing.verifying_key().as_bytes());
        let mut private = vec![1u8];
        private.extend_from_slice(seed);
        Ok(format!(
            "PRIVATE+KEY+{name}+{:08x}+{}",
            signed_note::key_id(name, &public),
            STANDARD.encode(private)
        ))
    }

    pub fn from_private(text: &str) -> Result<LogKey, CheckpointError> {
        let text = text.trim();
        let signer = StandardSigner::new(text).map_err(|_| CheckpointError::BadKey)?;
        // PRIVATE+KEY+name+id+base64: the base64 itself may hold '+'
        let seed = text
            .splitn(5, '+')
            .nth(4)
            .and_then(|b| STANDARD.decode(b).ok())
            .ok_or(CheckpointError::BadKey)?;
        let seed: [u8; 32] = seed
            .get(1..)
            .and_then(|s| s.try_into().ok())
            .ok_or(CheckpointError::BadKey)?;
        let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
        let verifier_key =
            signed_note::new_ed25519_verifier_key(signer.name(), &signing.verifying_key());
        Ok(LogKey {
            signer,
            verifier_key,
        })
    }

    pub fn name(&self) -> &str {
        self.signer.name()
    }

    /// The public verifier key, as published at `/log/key`.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    /// The signed note of the checkpoint for a tree of `size` with `root`.
    pub fn sign(&self, size: u64, root: &Hash) -> Result<String, CheckpointError> {
        let text = checkpoint_text(self.name(), size, root)?;
        let mut note = Note::new(text.as_bytes(), &[]).map_err(|_| CheckpointError::BadNote)?;
        note.add_sigs(&[&self.signer])
            .map_err(|_| CheckpointError::BadNote)?;
        String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::BadNote)
    }
}

/// The checkpoint body: origin, decimal size, base64 root, each ending in a newline.
pub fn checkpoint_text(origin: &str, size: u64, root: &Hash) -> Result<String, CheckpointError> {
    let cp = tlog_tiles::Checkpoint::new(origin, size, tlog_tiles::Hash(root.0), "")
        .map_err(|_| CheckpointError::BadCheckpoint)?;
    String::from_utf8(cp.to_bytes()).map_err(|_| CheckpointError::BadCheckpoint)
}

/// Verifies a signed checkpoint note with a verifier key and reads the checkpoint.
pub fn verify(note: &str, verifier_key: &str) -> Result<Checkpoint, CheckpointError> {
    let verifier =
        StandardVerifier::new(verifier_key.trim()).map_err(|_| CheckpointError::BadKey)?;
    let note = Note::from_bytes(note.as_bytes()).map_err(|_| CheckpointError::BadNote)?;
    note.verify(&VerifierList::new(vec![Box::new(verifier)]))
        .map_err(|_| CheckpointError::BadSignature)?;
    parse_text(note.text())
}

/// Reads the checkpoint in a note's text, without checking any signature.
pub fn parse_unverified(note: &str) -> Result<Checkpoint, CheckpointError> {
    let note = Note::from_bytes(note.as_bytes()).map_err(|_| CheckpointError::BadNote)?;
    parse_text(note.text())
}

fn parse_text(text: &[u8]) -> Result<Checkpoint, CheckpointError> {
    let cp =
        tlog_tiles::Checkpoint::from_bytes(text).map_err(|_| CheckpointError::BadCheckpoint)?;
    Ok(Checkpoint {
        origin: cp.origin().to_string(),
        size: cp.size(),
        root: Hash(cp.hash().0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_whose_base64_holds_a_plus_round_trip() {
        // find seeds whose encodings contain '+', which splitting naively on '+' would break
        let mut found = 0;
        for b in 0..=255u8 {
            let private = LogKey::encode_private("log.example", &[b; 32]).expect("key");
            let key = LogKey::from_private(&private).expect("parse");
            if private
                .splitn(5, '+')
                .nth(4)
                .is_some_and(|p| p.contains('+'))
                || key
                    .verifier_key()
                    .splitn(3, '+')
                    .nth(2)
                    .is_some_and(|p| p.contains('+'))
            {
                found += 1;
                let note = key.sign(1, &Hash([b; 32])).expect("sign");
                assert!(verify(&note, key.verifier_key()).is_ok());
            }
        }
        assert!(found > 0, "some seed gives a '+' in its base64");
    }

    #[test]
    fn sign_and_verify_a_checkpoint() {
        let private = LogKey::encode_private("minga.example/log", &[7u8; 32]).expect("key");
        let key = LogKey::from_private(&private).expect("parse");
        let vkey = key.verifier_key().to_string();
        let parts: Vec<&str> = vkey.splitn(3, '+').collect();
        assert_eq!(parts[0], "minga.example/log");
        // key id = first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)
        let public = STANDARD.decode(parts[2]).expect("b64");
        assert_eq!(public.len(), 33);
        assert_eq!(public[0], 1);
        let mut pre = b"minga.example/log\n".to_vec();
        pre.extend_from_slice(&public);
        assert_eq!(parts[1], hex::encode(&Hash::of(&pre).0[..4]));

        let root = Hash([9u8; 32]);
        let note = key.sign(42, &root).expect("sign");
        let (body, sig) = note
            .split_once("\n\n")
            .expect("blank line before signatures");
        assert_eq!(body, format!("minga.example/log\n42\n{}", root.base64()));
        assert!(sig.starts_with("— minga.example/log "), "{sig}");
        assert_eq!(
            verify(&note, &vkey),
            Ok(Checkpoint {
                origin: "minga.example/log".into(),
                size: 42,
                root
            })
        );
        assert_eq!(parse_unverified(&note).map(|c| c.size), Ok(42));

        // a rewritten size, another key, a broken key
        assert_eq!(
            verify(&note.replace("\n42\n", "\n43\n"), &vkey),
            Err(CheckpointError::BadSignature)
        );
        let other = LogKey::from_private(
            &LogKey::encode_private("minga.example/log", &[8u8; 32]).expect("key"),
        )
        .expect("parse");
        assert_eq!(
            verify(&note, other.verifier_key()),
            Err(CheckpointError::BadSignature)
        );
        assert_eq!(verify(&note, "nonsense"), Err(CheckpointError::BadKey));
        assert!(LogKey::encode_private("has space", &[1; 32]).is_err());
    }
}
