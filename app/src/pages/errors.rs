//! The error page (404, 403, 500…) in the visitor's language.

use crate::components::Layout;
use crate::error::ErrorForPage;
use crate::i18n::Lang;
use crate::web::{Ctx, page};
use axum::response::Response;
use leptos::prelude::*;

pub fn error_page(ctx: &Ctx, err: &ErrorForPage) -> Response {
    let ctx = ctx.clone();
    let t = ctx.t();
    let (title, detail) = match ctx.lang {
        Lang::Es => err.details[0].clone(),
        Lang::En => err.details[1].clone(),
    };
    let status = err.status;
    let reference =
        (status.is_server_error() && !ctx.request_id.is_empty()).then(|| ctx.request_id.clone());
    let back = (err.slug == "csrf").then_some(t.error_csrf_back);
    page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title.clone()>
                <section class="error-page" aria-labelledby="error-title">
                    <p class="status-code">{status.as_u16()}</p>
                    <h1 id="error-title">{title}</h1>
                    <p>{detail}</p>
                    {reference.map(|r| view! { <p class="hint">{t.error_reference}" "<code>{r}</code></p> })}
                    {back.map(|b| view! { <p>{b}</p> })}
                    <p><a href="/">{t.error_home_link}</a></p>
                </section>
            </Layout>
        },
    )
}
