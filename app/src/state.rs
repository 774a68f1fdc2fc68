//! What every request handler and worker shares: the database, the settings, the keys and the
//! evidence log's writer.

use crate::services::evidence::Log;
use crate::settings::Settings;
use sqlx::SqlitePool;
use std::ops::Deref;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: SqlitePool,
    pub settings: Settings,
    /// Secret for the HMAC that binds a form's CSRF token to the browser's cookie.
    pub csrf_key: [u8; 32],
    /// The evidence log: its sequencer and signing key.
    pub log: Log,
    /// Woken when a decision was recorded, so the publisher registers it at once.
    pub decisions_pending: Notify,
    /// Woken when mail was queued (after the commit), so the mail worker delivers it at once.
    pub mail_pending: Notify,
    /// Woken when a vote closed, so that what a meeting's motion decided (minutes approved, a
    /// leader elected) is carried out at once.
    pub motions_pending: Notify,
    /// What the verification page keeps between views (checkpoint, checks, QR images).
    pub views: crate::services::evidence::views::ViewCache,
    /// The nodes' figures between polls (`/network`, `nodes.json`).
    pub node_figures: crate::services::nodes::kept::FiguresCache,
    /// What asks nodes over JSON-RPC (set once by the server; without it a request's endpoint
    /// is not probed).
    pub node_rpc: std::sync::OnceLock<Arc<dyn crate::services::node_probe::NodeRpc>>,
    /// The OpenID providers people may sign in with, their metadata and keys kept between uses.
    pub oidc: crate::services::oidc::Providers,
}

impl AppState {
    pub fn new(db: SqlitePool, settings: Settings, csrf_key: [u8; 32], log: Log) -> Self {
        let oidc = crate::services::oidc::Providers::new(&settings.oidc);
        AppState(Arc::new(Inner {
            oidc,
            db,
            settings,
            csrf_key,
            log,
            decisions_pending: Notify::new(),
            mail_pending: Notify::new(),
            motions_pending: Notify::new(),
            views: Default::default(),
            node_figures: Default::default(),
            node_rpc: std::sync::OnceLock::new(),
        }))
    }
}

impl AppState {
    /// Wakes the decision publisher and the mail worker once a transaction that recorded a
    /// decision or queued mail has committed (woken before the commit, they would find nothing
    /// new and sleep until their next pass).
    pub fn committed(&self) {
        self.decisions_pending.notify_one();
        self.mail_pending.notify_one();
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
