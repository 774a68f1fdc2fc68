//! Pieces of the governance pages: the badge that links a decision to its verification page,
//! and a seat's term.

use crate::i18n::Tr;
use crate::services::seats::SeatHolder;
use leptos::prelude::*;

/// "Verified decision" linking to `/v/{id}` once the decision is in the log; "being registered"
/// until the publisher has registered it (a second or so).
#[component]
pub fn VerifiedBadge(evidence_id: Option<String>, t: &'static Tr) -> impl IntoView {
    match evidence_id {
        Some(id) => view! {
            <a class="badge badge-verified" href=format!("/v/{id}") title=id.clone()>
                <span aria-hidden="true">"✓ "</span>{t.gov_verified_decision}
            </a>
        }
        .into_any(),
        None => view! { <span class="badge badge-pending">{t.decisions_pending}</span> }.into_any(),
    }
}

/// "2026-03-01 – 2027-02-28".
pub fn term_text(h: &SeatHolder, t: &'static Tr) -> String {
    format!(
        "{} – {}",
        h.starts_on.format("%Y-%m-%d"),
        h.ends_on.map_or_else(
            || t.offices_open_ended.to_string(),
            |e| e.format("%Y-%m-%d").to_string()
        )
    )
}
