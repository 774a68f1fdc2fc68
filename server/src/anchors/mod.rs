//! The anchor backends configured in the settings (none in the embedded default).

pub mod eth;
pub mod report;
pub mod tsa;

use app::services::anchors::AnchorBackend;
use app::settings::Settings;
use std::sync::Arc;

/// Builds every configured backend; a misconfigured one is an error at start, not a silent skip.
pub async fn configured(settings: &Settings) -> anyhow::Result<Vec<Arc<dyn AnchorBackend>>> {
    let mut out: Vec<Arc<dyn AnchorBackend>> = Vec::new();
    for eth in &settings.eth {
        out.push(Arc::new(eth::EthAnchor::connect(eth).await?));
    }
    for tsa in &settings.tsa {
        out.push(Arc::new(tsa::TsaAnchor::new(tsa)?));
    }
    Ok(out)
}
