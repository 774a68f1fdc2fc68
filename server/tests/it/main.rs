//! Integration tests: the real server on a random port, a fresh on-disk SQLite per test,
//! driven over HTTP like a browser would (cookies, CSRF tokens, redirects).

mod accounts;
mod advisory;
mod anchors;
mod evidence;
mod governance;
mod mail;
mod meetings;
mod minutes;
mod nominations;
mod ops;
mod roles;
mod support;
mod timestamps;
