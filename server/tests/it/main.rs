//! Integration tests: the real server on a random port, a fresh on-disk SQLite per test,
//! driven over HTTP like a browser would (cookies, CSRF tokens, redirects).

mod access;
mod accounts;
mod advisory;
mod anchors;
mod api_doc;
mod backup;
mod consultations;
mod escaping;
mod ethics;
mod evidence;
mod evidence_security;
mod governance;
mod identity;
mod mail;
mod meetings;
mod minutes;
mod node_admission;
mod node_capital;
mod node_health;
mod nodes;
mod nominations;
mod oidc;
mod open_data;
mod ops;
mod projects;
mod reporting;
mod roles;
mod security;
mod support;
mod timestamps;
mod visitors;
