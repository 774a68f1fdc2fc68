//! The shared pieces of every page: the layout, form fields with their errors, notices.

pub mod charts;
mod form;
mod governance;
mod layout;
mod offices;
pub mod qr;

pub use form::{
    CsrfInput, ErrorSummary, Field, FormErrors, MULTILINE_FIELDS, SelectField, TextArea,
    textarea_html,
};
pub use governance::{VerifiedBadge, term_text};
pub use layout::{Layout, Notice};
pub use offices::OfficeTable;
