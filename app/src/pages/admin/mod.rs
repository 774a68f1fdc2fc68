//! The administrator's pages: accounts and their offices, and the audit trail.

pub mod accounts;
pub mod anchors;
pub mod api_keys;
pub mod audit;
pub mod institutions;
pub mod mail;
pub mod nodes;
