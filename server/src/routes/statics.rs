//! The stylesheet and the public files, compiled into the binary so that it runs from anywhere.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("../../../style/minga.css");
const FAVICON: &str = include_str!("../../../public/favicon.svg");
const ROBOTS: &str = include_str!("../../../public/robots.txt");

pub async fn stylesheet() -> impl IntoResponse {
    // the URL carries the version, so the file can be cached for good
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLESHEET,
    )
}

pub async fn favicon() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/svg+xml"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
}

pub async fn robots() -> impl IntoResponse {
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], ROBOTS)
}
