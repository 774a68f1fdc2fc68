//! The rules of the network as plain functions over plain data: no database, no HTTP, no clock
//! (the caller passes `today` or `now`). Each rule returns a typed refusal a person can read.

pub mod accounts;
pub mod advisory;
pub mod atom;
pub mod complaints;
pub mod consultations;
pub mod csv;
pub mod documents;
pub mod evidence;
pub mod governance;
pub mod ics;
pub mod meetings;
pub mod minutes;
pub mod nodes;
pub mod projects;
pub mod reporting;
pub mod roles;
pub mod throttle;
pub mod totp;
pub mod voting;
