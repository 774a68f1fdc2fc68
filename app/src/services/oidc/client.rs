//! The relying party's side of OpenID Connect, over the `openidconnect` crate: the provider's
//! metadata and keys discovered from its issuer (kept, and fetched again when an ID token names a
//! key id they lack: the provider rotated its key), the authorization code flow with PKCE (S256),
//! `state` and `nonce`, and the ID token checked (signature, issuer, audience, expiry, nonce,
//! `at_hash`) before its claims are believed. The e-mail address comes from the userinfo endpoint
//! (a provider may leave it out of the ID token).

use super::Refusal;
use crate::settings::OidcSettings;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm, CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
    CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AdditionalProviderMetadata, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl,
    RequestTokenError, Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::RwLock;

/// What the discovery document says beyond the core fields: whether the provider names itself in
/// the authorization response (RFC 9207), so that a response without `iss` is refused.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct IssParameter {
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}
impl AdditionalProviderMetadata for IssParameter {}

type Metadata = ProviderMetadata<
    IssParameter,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type Rp = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A sign-in sent to the provider: where the browser goes, and what the callback must match.
pub struct Started {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Who the provider says signed in, once the ID token is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The provider asserted a second factor (`amr` holds `mfa`, `otp` or `hwk`; RFC 8176).
    pub mfa: bool,
}

/// One configured provider.
pub struct Provider {
    pub settings: OidcSettings,
    http: reqwest::Client,
    metadata: RwLock<Option<Metadata>>,
}

impl Provider {
    pub fn new(settings: OidcSettings) -> Result<Provider, reqwest::Error> {
        let http = reqwest::Client::builder()
            // following a redirect from a provider's endpoint would open the portal to SSRF
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Provider {
            settings,
            http,
            metadata: RwLock::new(None),
        })
    }

    /// The provider's metadata and keys: those kept, or discovered again (`fresh`).
    async fn metadata(&self, fresh: bool) -> Result<Metadata, Refusal> {
        if !fresh && let Some(kept) = self.metadata.read().await.as_ref() {
            return Ok(kept.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| Refusal::ProviderDown(format!("issuer URL: {e}")))?;
        let found = Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| Refusal::ProviderDown(format!("discovery: {}", chain(&e))))?;
        *self.metadata.write().await = Some(found.clone());
        Ok(found)
    }

    fn client(&self, metadata: Metadata, redirect: &str) -> Result<Rp, Refusal> {
        let redirect = RedirectUrl::new(redirect.to_string())
            .map_err(|e| Refusal::ProviderDown(format!("redirect URL: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// The authorization request: code flow, PKCE S256, a fresh `state` and `nonce`.
    pub async fn start(&self, redirect: &str, lang: &str) -> Result<Started, Refusal> {
        let client = self.client(self.metadata(false).await?, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .add_extra_param("ui_locales", lang)
            .url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Whether the provider promised to name itself in its authorization responses.
    pub async fn sends_iss(&self) -> Result<bool, Refusal> {
        Ok(self
            .metadata(false)
            .await?
            .additional_metadata()
            .authorization_response_iss_parameter_supported)
    }

    /// Exchanges the code (with the PKCE verifier) and checks the ID token against `nonce`;
    /// then asks userinfo for the address.
    pub async fn finish(
        &self,
        redirect: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, Refusal> {
        let client = self.client(self.metadata(false).await?, redirect)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| Refusal::ProviderDown(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                // the provider refused the code: used already, expired, or not this client's
                RequestTokenError::ServerResponse(r) => Refusal::CodeRefused(format!(
                    "{}: {}",
                    r.error().as_ref(),
                    r.error_description().cloned().unwrap_or_default()
                )),
                other => Refusal::ProviderDown(format!("token endpoint: {}", chain(&other))),
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| Refusal::TokenInvalid("no ID token in the token response".into()))?;
        let nonce = Nonce::new(nonce.to_string());
        let (client, claims) = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => (client.clone(), claims.clone()),
            // a key id the kept keys lack: the provider rotated its key; fetch them again, once
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                let client = self.client(self.metadata(true).await?, redirect)?;
                let claims = id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(token_refusal)?
                    .clone();
                (client, claims)
            }
            Err(e) => return Err(token_refusal(e)),
        };
        // the access token is the one the ID token was issued with
        if let Some(expected) = claims.access_token_hash() {
            let verifier = client.id_token_verifier();
            let alg = id_token
                .signing_alg()
                .map_err(|e| Refusal::TokenInvalid(format!("at_hash: {e}")))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| Refusal::TokenInvalid(format!("at_hash: {e}")))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key)
                .map_err(|e| Refusal::TokenInvalid(format!("at_hash: {e}")))?;
            if actual != *expected {
                return Err(Refusal::TokenInvalid("at_hash does not match".into()));
            }
        }
        let subject = claims.subject().to_string();
        let mfa = claims.auth_method_refs().is_some_and(|methods| {
            methods
                .iter()
                .any(|m| matches!(m.as_str(), "mfa" | "otp" | "hwk"))
        });
        let mut identity = Identity {
            issuer: claims.issuer().to_string(),
            subject: subject.clone(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            mfa,
        };
        // userinfo, for the subject the ID token named (a provider that omits it is fine)
        if let Ok(request) = client.user_info(
            tokens.access_token().clone(),
            Some(openidconnect::SubjectIdentifier::new(subject)),
        ) {
            let info: CoreUserInfoClaims = request
                .request_async(&self.http)
                .await
                .map_err(|e| Refusal::ProviderDown(format!("userinfo: {}", chain(&e))))?;
            if let Some(email) = info.email() {
                identity.email = Some(email.to_string());
                identity.email_verified = info.email_verified().unwrap_or(false);
            }
            if identity.name.is_none() {
                identity.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
            }
        }
        Ok(identity)
    }
}

fn token_refusal(e: ClaimsVerificationError) -> Refusal {
    match e {
        ClaimsVerificationError::Expired(d) => Refusal::TokenExpired(d),
        ClaimsVerificationError::InvalidNonce(d) => Refusal::WrongNonce(d),
        ClaimsVerificationError::InvalidIssuer(d) => Refusal::UnknownIssuer(d),
        other => Refusal::TokenInvalid(chain(&other)),
    }
}

/// An error with its causes, for the audit trail.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s.chars().take(500).collect()
}
