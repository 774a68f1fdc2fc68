//! Time-stamping checkpoints with an RFC 3161 authority over HTTP: a `TimeStampReq` over the
//! SHA-256 of the checkpoint text, with a nonce and `certReq`; the response is kept only if its
//! status is granted, its imprint and nonce are ours, its signed attributes bind the TSTInfo,
//! the signature verifies with the signing certificate, and that certificate is for
//! time-stamping and chains to the configured trust anchor. The token (DER) is kept.
//!
//! Signatures: RSA PKCS #1 v1.5 with SHA-256 (what public TSAs commonly use).

use app::domain::evidence::Hash;
use app::services::anchors::{AnchorBackend, BoxFuture, Followed, Progress, Sealed, Sealing};
use app::settings::TsaSettings;
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::ID_KP_TIME_STAMPING;
use const_oid::db::rfc5912::{ID_SHA_256, SHA_256_WITH_RSA_ENCRYPTION};
use der::asn1::{Int, OctetString};
use der::{Any, Decode, Encode};
use rsa::pkcs8::DecodePublicKey;
use rsa::sha2::{Digest, Sha256};
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use x509_cert::Certificate;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

pub struct TsaAnchor {
    name: String,
    url: String,
    trust: Vec<Certificate>,
    http: alloy::transports::http::reqwest::Client,
}

impl TsaAnchor {
    pub fn new(settings: &TsaSettings) -> anyhow::Result<TsaAnchor> {
        let pem = std::fs::read(&settings.ca_file)
            .map_err(|e| anyhow::anyhow!("MINGA_TSA_CA {}: {e}", settings.ca_file.display()))?;
        let trust = Certificate::load_pem_chain(&pem).map_err(|e| {
            anyhow::anyhow!(
                "MINGA_TSA_CA {} holds no PEM certificate: {e}",
                settings.ca_file.display()
            )
        })?;
        if trust.is_empty() {
            anyhow::bail!(
                "MINGA_TSA_CA {} holds no certificate",
                settings.ca_file.display()
            );
        }
        Ok(TsaAnchor {
            name: settings.name.clone(),
            url: settings.url.clone(),
            trust,
            http: alloy::transports::http::reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()?,
        })
    }

    async fn stamp(&self, sealing: &Sealing) -> Result<Progress, String> {
        let digest = Hash::of(sealing.note.as_bytes());
        let nonce = nonce()?;
        let request = request_der(&digest, &nonce)?;
        let response = self
            .http
            .post(&self.url)
            .header("content-type", "application/timestamp-query")
            .body(request)
            .send()
            .await
            .map_err(|e| format!("asking the TSA: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("the TSA answered HTTP {}", response.status()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("reading the TSA's answer: {e}"))?;
        let stamp = check_response(&body, &digest, &nonce, &self.trust)?;
        Ok(Progress::Done(Sealed {
            token: Some(stamp.token),
            stamped_at: Some(stamp.time),
            ..Sealed::default()
        }))
    }
}

impl AnchorBackend for TsaAnchor {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "rfc3161"
    }

    fn anchor<'a>(&'a self, sealing: &'a Sealing) -> BoxFuture<'a, Result<Progress, String>> {
        Box::pin(self.stamp(sealing))
    }

    fn follow<'a>(&'a self, _tx_hash: &'a str) -> BoxFuture<'a, Result<Followed, String>> {
        Box::pin(async { Err("a time-stamp has no transaction to follow".to_string()) })
    }
}

/// 8 random bytes, positive as a DER INTEGER.
fn nonce() -> Result<Vec<u8>, String> {
    let mut n = app::services::secrets::random_bytes::<8>().map_err(|e| e.to_string())?;
    n[0] = (n[0] & 0x7f) | 0x01;
    Ok(n.to_vec())
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA_256,
        parameters: Some(Any::null()),
    }
}

/// The DER `TimeStampReq` for `digest` (SHA-256) with `nonce`, asking for the certificate.
pub fn request_der(digest: &Hash, nonce: &[u8]) -> Result<Vec<u8>, String> {
    TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: sha256_algorithm(),
            hashed_message: OctetString::new(digest.0.to_vec()).map_err(|e| e.to_string())?,
        },
        req_policy: None,
        nonce: Some(Int::new(nonce).map_err(|e| e.to_string())?),
        cert_req: true,
        extensions: None,
    }
    .to_der()
    .map_err(|e| format!("encoding the request: {e}"))
}

/// A checked time-stamp: the token (a CMS `ContentInfo`, DER) and its time.
#[derive(Debug)]
pub struct Stamp {
    pub token: Vec<u8>,
    pub time: chrono::DateTime<chrono::Utc>,
}

/// Checks a `TimeStampResp` for `digest` and `nonce` against the trust anchors.
pub fn check_response(
    der: &[u8],
    digest: &Hash,
    nonce: &[u8],
    trust: &[Certificate],
) -> Result<Stamp, String> {
    let response = TimeStampResp::from_der(der)
        .map_err(|e| format!("the answer is not a TimeStampResp: {e}"))?;
    use cmpv2::status::PkiStatus;
    if !matches!(
        response.status.status,
        PkiStatus::Accepted | PkiStatus::GrantedWithMods
    ) {
        return Err(format!(
            "the TSA refused: status {:?}",
            response.status.status
        ));
    }
    let token = response
        .time_stamp_token
        .ok_or("the TSA granted but sent no token")?;
    let stamp = check_token(&token, Some(nonce), trust)?;
    if stamp.1 != *digest {
        return Err(format!(
            "the token stamps {}, not the checkpoint's digest {digest}",
            stamp.1
        ));
    }
    Ok(Stamp {
        token: token.to_der().map_err(|e| e.to_string())?,
        time: stamp.0,
    })
}

/// Checks a time-stamp token (its signature, signed attributes, certificate and chain) and
/// returns its time and the digest it stamps. `nonce`, when given, must be the token's.
pub fn check_token(
    token: &ContentInfo,
    nonce: Option<&[u8]>,
    trust: &[Certificate],
) -> Result<(chrono::DateTime<chrono::Utc>, Hash), String> {
    if token.content_type != ID_SIGNED_DATA {
        return Err("the token is not CMS SignedData".into());
    }
    let signed = SignedData::from_der(&token.content.to_der().map_err(|e| e.to_string())?)
        .map_err(|e| format!("the token's SignedData cannot be read: {e}"))?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err("the token does not hold a TSTInfo".into());
    }
    let econtent = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the token's TSTInfo is missing")?;
    let tst_der = econtent.value();
    let tst = TstInfo::from_der(tst_der).map_err(|e| format!("the TSTInfo cannot be read: {e}"))?;
    if tst.message_imprint.hash_algorithm.oid != ID_SHA_256 {
        return Err("the token's imprint is not SHA-256".into());
    }
    let stamped = Hash::from_slice(tst.message_imprint.hashed_message.as_bytes())
        .ok_or("the token's imprint is not 32 bytes")?;
    if let Some(expected) = nonce {
        let got = tst.nonce.as_ref().map(|n| n.as_bytes().to_vec());
        if got.as_deref() != Some(strip_zeros(expected)) {
            return Err(
                "the token's nonce is not the request's (a replayed or foreign answer)".into(),
            );
        }
    }

    let signer = match signed.signer_infos.0.as_slice() {
        [one] => one,
        _ => return Err("the token must have exactly one signer".into()),
    };
    let certs: Vec<&Certificate> = signed
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(cert) => Some(cert),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let cert = certs
        .iter()
        .copied()
        .chain(trust.iter())
        .find(|c| identifies(&signer.sid, c))
        .ok_or("the signing certificate is neither in the token nor a trust anchor")?;

    // the signed attributes bind the TSTInfo: its content type and digest
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or("the signer has no signed attributes")?;
    let attr = |oid: ObjectIdentifier| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let content_type = attr(ID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
        .ok_or("the signed attributes lack the content type")?;
    if content_type != ID_CT_TST_INFO {
        return Err("the signed content type is not TSTInfo".into());
    }
    let message_digest = attr(ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or("the signed attributes lack the message digest")?;
    if signer.digest_alg.oid != ID_SHA_256 {
        return Err("the signer's digest is not SHA-256".into());
    }
    if message_digest.as_bytes() != Sha256::digest(tst_der).as_slice() {
        return Err("the signed digest is not the TSTInfo's: the token was altered".into());
    }
    let signed_bytes = attrs.to_der().map_err(|e| e.to_string())?;
    verify_rsa(
        cert,
        &signer.signature_algorithm.oid,
        &signed_bytes,
        signer.signature.as_bytes(),
    )
    .map_err(|e| format!("the token's signature: {e}"))?;

    // the signing certificate: for time-stamping, valid then, issued by a trust anchor
    let eku = cert
        .tbs_certificate
        .get::<ExtendedKeyUsage>()
        .map_err(|e| e.to_string())?
        .ok_or("the signing certificate has no extended key usage")?;
    if !eku.1.0.contains(&ID_KP_TIME_STAMPING) {
        return Err("the signing certificate is not for time-stamping".into());
    }
    let time = chrono::DateTime::from_timestamp(
        i64::try_from(tst.gen_time.to_unix_duration().as_secs()).unwrap_or(0),
        0,
    )
    .ok_or("the token's time is out of range")?;
    let validity = &cert.tbs_certificate.validity;
    let (from, until) = (
        validity.not_before.to_unix_duration().as_secs(),
        validity.not_after.to_unix_duration().as_secs(),
    );
    let at = tst.gen_time.to_unix_duration().as_secs();
    if at < from || at > until {
        return Err("the signing certificate was not valid at the token's time".into());
    }
    chains_to(cert, trust)?;
    Ok((time, stamped))
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == cert.tbs_certificate.issuer
                && ias.serial_number == cert.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => cert
            .tbs_certificate
            .get::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .is_some_and(|(_, own)| own.0 == ski.0),
    }
}

/// The certificate is a trust anchor, or is signed by one.
fn chains_to(cert: &Certificate, trust: &[Certificate]) -> Result<(), String> {
    if trust.iter().any(|t| t == cert) {
        return Ok(());
    }
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let signature = cert
        .signature
        .as_bytes()
        .ok_or("the certificate's signature is not whole bytes")?;
    for anchor in trust
        .iter()
        .filter(|t| t.tbs_certificate.subject == cert.tbs_certificate.issuer)
    {
        if verify_rsa(anchor, &cert.signature_algorithm.oid, &tbs, signature).is_ok() {
            return Ok(());
        }
    }
    Err(
        "the signing certificate does not chain to the configured trust anchor (MINGA_TSA_CA)"
            .into(),
    )
}

fn verify_rsa(
    cert: &Certificate,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    if *algorithm != SHA_256_WITH_RSA_ENCRYPTION && *algorithm != RSA_ENCRYPTION {
        return Err(format!(
            "signature algorithm {algorithm} is not supported (RSA with SHA-256 is)"
        ));
    }
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    let key = RsaPublicKey::from_public_key_der(&spki)
        .map_err(|e| format!("the certificate's key is not RSA: {e}"))?;
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(message),
        signature,
    )
    .map_err(|_| "the signature does not verify".to_string())
}

/// `minga verify --tsa-cert`: the anchor's token is a valid time-stamp by a TSA chaining to
/// `trust`, over the SHA-256 of the anchored checkpoint's text carried in the receipt.
pub fn check_receipt_anchor(
    anchor: &app::domain::evidence::receipt::Anchor,
    trust: &[Certificate],
) -> Result<String, String> {
    use base64::Engine;
    let token = anchor
        .details
        .get("token")
        .and_then(|v| v.as_str())
        .ok_or("the time-stamp anchor carries no token")?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| "the token is not base64")?;
    let info = ContentInfo::from_der(&der).map_err(|e| format!("the token cannot be read: {e}"))?;
    let (time, stamped) = check_token(&info, None, trust)?;
    let text = anchor
        .details
        .get("checkpoint")
        .and_then(|v| v.as_str())
        .ok_or("the time-stamp anchor carries no checkpoint text")?;
    let expected = Hash::of(text.as_bytes());
    if stamped != expected {
        return Err(format!(
            "the token stamps {stamped}, not the anchored checkpoint ({expected})"
        ));
    }
    Ok(format!(
        "a trusted TSA stamped the checkpoint of {} entries at {}",
        anchor.tree_size,
        time.format("%Y-%m-%dT%H:%M:%SZ")
    ))
}
