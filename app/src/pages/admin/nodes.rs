//! `/admin/nodes/import`: the administrator imports the nodes of a network that already runs
//! from a CSV file (`name,enode,rpc_url,type,collective,institution`); each becomes an admitted
//! node by a `governance.node-imported` decision naming who imported it.

use crate::components::{CsrfInput, ErrorSummary, FormErrors, Layout};
use crate::pages::refused_form;
use crate::services::authority::Admin;
use crate::services::nodes::exports;
use crate::web::{Ctx, Upload, page, read_uploads, redirect};
use crate::{AppError, AppState};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

/// The largest CSV accepted (some thousands of nodes).
pub const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;

pub async fn get(State(_state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    Admin::check(ctx.user.as_ref())?;
    let done = ctx
        .path
        .split_once("imported=")
        .and_then(|(_, n)| n.split('&').next()?.parse::<i64>().ok());
    render(&ctx, done, FormErrors::default(), StatusCode::OK)
}

pub async fn post(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Multipart,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    let user = ctx.require_user()?.clone();
    let parts = read_uploads(&ctx, mp, MAX_CSV_BYTES as u64).await?;
    let file = parts.into_iter().find_map(|p| match p {
        Upload::File { name, bytes, .. } if name == "file" => Some(bytes),
        _ => None,
    });
    let text = file
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    match exports::import(&state, &admin, user.person_id, &text, &ctx.actor()).await {
        Ok(ids) => Ok(redirect(&format!(
            "/admin/nodes/import?imported={}",
            ids.len()
        ))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(&ctx, None, refused.errors.clone(), refused.status).map(|r| refused.finish(r))
        }
    }
}

fn render(
    ctx: &Ctx,
    done: Option<i64>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let t = ctx.t();
    let file_error = errors.get("file");
    let described = file_error.as_ref().map(|_| "file-error");
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.node_import_title>
                <p><a href="/network">{t.node_network_title}</a></p>
                <h1>{t.node_import_title}</h1>
                {done.map(|n| view! { <div class="notice" role="status">{t.node_import_done.fill(n, &[])}</div> })}
                <p>{t.node_import_intro}</p>
                <ErrorSummary errors=errors.clone() t=t/>
                <form method="post" action="/admin/nodes/import" enctype="multipart/form-data" class="narrow" novalidate>
                    <CsrfInput ctx=ctx.clone()/>
                    <div class=if file_error.is_some() { "field field-invalid" } else { "field" }>
                        <label for="file">{t.node_import_file}</label>
                        {file_error.clone().map(|e| view! { <p class="field-error" id="file-error">{e}</p> })}
                        <input id="file" name="file" type="file" accept="text/csv,.csv" required=true
                            aria-describedby=described aria-invalid=file_error.is_some().then_some("true")/>
                    </div>
                    <button type="submit" class="button">{t.node_import_submit}</button>
                </form>
            </Layout>
        },
    ))
}
