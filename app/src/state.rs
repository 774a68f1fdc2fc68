//! What every request handler and worker shares: the database, the settings and the keys.

use crate::settings::Settings;
use sqlx::SqlitePool;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: SqlitePool,
    pub settings: Settings,
    /// Secret for the HMAC that binds a form's CSRF token to the browser's cookie.
    pub csrf_key: [u8; 32],
}

impl AppState {
    pub fn new(db: SqlitePool, settings: Settings, csrf_key: [u8; 32]) -> Self {
        AppState(Arc::new(Inner {
            db,
            settings,
            csrf_key,
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
