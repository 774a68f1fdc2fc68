//! One module per capability. A service takes the pool and typed input, checks the role, calls
//! the domain, writes in one transaction and records the audit entry. Pages and the JSON API
//! both call services; neither writes SQL.

pub mod accounts;
pub mod advisory;
pub mod anchors;
pub mod attempts;
pub mod audit;
pub mod authority;
pub mod bootstrap;
pub mod calls;
pub mod collective_requests;
pub mod complaints;
pub mod consultations;
pub mod ethics;
pub mod evidence;
pub mod identity;
pub mod institutions;
pub mod mail;
pub mod meetings;
pub mod memberships;
pub mod minutes;
pub mod network;
pub mod node_probe;
pub mod nodes;
pub mod nominations;
pub mod offices;
pub mod oidc;
pub mod open_data;
pub mod projects;
pub mod reporting;
pub mod search;
pub mod seats;
pub mod second_factor;
pub mod secrets;
pub mod sessions;
pub mod stats;
pub mod votes;

use crate::AppError;
use crate::domain::roles::Role;
use crate::web::CurrentUser;

/// Refuses unless the user holds one of `roles` today.
pub fn require_any(user: &CurrentUser, roles: &[Role]) -> Result<(), AppError> {
    if roles.iter().any(|r| user.roles.contains(r)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
