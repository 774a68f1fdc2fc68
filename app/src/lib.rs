//! Minga's application: the domain rules (pure), the services that apply them to the database,
//! and the server-rendered pages (Leptos components rendered on the server, forms that post
//! without JavaScript).

pub mod components;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod pdf;
pub mod services;
pub mod settings;
pub mod state;
pub mod web;

pub use error::AppError;
pub use state::AppState;
