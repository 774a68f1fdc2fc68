//! `/admin/api-keys`: the keys source systems submit evidences with. A new key is shown once.

use crate::components::{CsrfInput, ErrorSummary, Field, FormErrors, Layout};
use crate::i18n::datetime;
use crate::pages::refused_form;
use crate::services::authority::Admin;
use crate::services::evidence::api_keys;
use crate::web::{CsrfForm, Ctx, NoFields, page, redirect};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct KeyForm {
    source: String,
    kinds: String,
    public: String,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    Admin::check(ctx.user.as_ref())?;
    render(
        &state,
        &ctx,
        &KeyForm {
            public: "on".into(),
            ..KeyForm::default()
        },
        FormErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<KeyForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    match api_keys::create(
        &state,
        &admin,
        &form.source,
        &form.kinds,
        form.public == "on",
        &ctx.actor(),
    )
    .await
    {
        // shown in the answer to the POST itself, never stored in clear, never in a URL
        Ok((_, key)) => {
            render(
                &state,
                &ctx,
                &KeyForm::default(),
                FormErrors::default(),
                Some(key),
                StatusCode::CREATED,
            )
            .await
        }
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                &form,
                refused.errors.clone(),
                None,
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    api_keys::revoke(&state.db, &admin, id, &ctx.actor()).await?;
    Ok(redirect("/admin/api-keys"))
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct VisibilityForm {
    source: String,
    kind: String,
    public: String,
}

/// Shows or hides one source's records of one kind (an administrator's deliberate change).
pub async fn set_visibility(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<VisibilityForm>,
) -> Result<Response, AppError> {
    let admin = Admin::check(ctx.user.as_ref())?;
    api_keys::set_visibility(
        &state.db,
        &admin,
        &form.source,
        &form.kind,
        form.public == "1",
        &ctx.actor(),
    )
    .await?;
    Ok(redirect("/admin/api-keys#visibility-title"))
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    form: &KeyForm,
    errors: FormErrors,
    new_key: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = ctx.clone();
    let form = form.clone();
    let t = ctx.t();
    let keys = api_keys::list(&state.db).await?;
    let visibility = api_keys::visibility(&state.db).await?;
    let visibility_rows = visibility
        .into_iter()
        .map(|v| {
            let fixed = v.source == "portal" && v.kind.starts_with("governance.");
            let (state_text, button, next) = if v.public {
                (t.apikeys_visibility_public, t.apikeys_visibility_hide, "0")
            } else {
                (t.apikeys_visibility_private, t.apikeys_visibility_show, "1")
            };
            let form = (!fixed).then(|| {
                view! {
                    <form method="post" action="/admin/api-keys/visibility" class="inline-form">
                        <CsrfInput ctx=ctx.clone()/>
                        <input type="hidden" name="source" value=v.source.clone()/>
                        <input type="hidden" name="kind" value=v.kind.clone()/>
                        <input type="hidden" name="public" value=next/>
                        <button type="submit" class="button button-secondary">{button}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <th scope="row">{v.source}</th>
                    <td><code>{v.kind}</code></td>
                    <td>{state_text}</td>
                    <td>{datetime(v.changed_at.0)}</td>
                    <td>{form}</td>
                </tr>
            }
        })
        .collect_view();
    let rows = keys
        .into_iter()
        .map(|k| {
            let kinds: Vec<String> = serde_json::from_str(&k.kinds).unwrap_or_default();
            let revoke = k.revoked_at.is_none().then(|| {
                view! {
                    <form method="post" action=format!("/admin/api-keys/{}/revoke", k.id) class="inline-form">
                        <CsrfInput ctx=ctx.clone()/>
                        <button type="submit" class="button button-secondary">{t.apikeys_revoke}</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <th scope="row">{k.source}</th>
                    <td><code>{format!("minga_{}_…", k.prefix)}</code></td>
                    <td>{kinds.join(", ")}</td>
                    <td>{datetime(k.created_at.0)}</td>
                    <td>{k.last_used_at.map(|l| datetime(l.0)).unwrap_or_else(|| "—".into())}</td>
                    <td>{match k.revoked_at { Some(r) => format!("{} {}", t.apikeys_revoked, datetime(r.0)), None => t.admin_account_enabled.to_string() }}</td>
                    <td>{revoke}</td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=t.apikeys_title>
                <h1>{t.apikeys_title}</h1>
                <p>{t.apikeys_intro}</p>
                {new_key.map(|key| view! {
                    <div class="notice" role="status">
                        <p><strong>{t.apikeys_new_key}</strong></p>
                        <p><code class="secret">{key}</code></p>
                        <p>{t.apikeys_new_key_once}</p>
                    </div>
                })}
                <div class="table-scroll" role="region" aria-label=t.apikeys_title tabindex="0">
                    <table>
                        <thead><tr>
                            <th scope="col">{t.apikeys_source}</th>
                            <th scope="col">{t.apikeys_prefix}</th>
                            <th scope="col">{t.apikeys_kinds}</th>
                            <th scope="col">{t.col_created}</th>
                            <th scope="col">{t.apikeys_last_used}</th>
                            <th scope="col">{t.col_state}</th>
                            <th scope="col">{t.col_actions}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <h2 id="visibility-title">{t.apikeys_visibility_title}</h2>
                <p>{t.apikeys_visibility_intro}</p>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="visibility-title">
                    <table>
                        <thead><tr>
                            <th scope="col">{t.apikeys_source}</th>
                            <th scope="col">{t.apikeys_kind}</th>
                            <th scope="col">{t.apikeys_visibility}</th>
                            <th scope="col">{t.apikeys_visibility_changed}</th>
                            <th scope="col">{t.col_actions}</th>
                        </tr></thead>
                        <tbody>{visibility_rows}</tbody>
                    </table>
                </div>
                <section aria-labelledby="new-key-title" class="narrow">
                    <h2 id="new-key-title">{t.apikeys_create_title}</h2>
                    <ErrorSummary errors=errors.clone() t=t labels=vec![("source", t.apikeys_source), ("kinds", t.apikeys_kinds)]/>
                    <form method="post" action="/admin/api-keys" novalidate>
                        <CsrfInput ctx=ctx.clone()/>
                        <Field label=t.apikeys_source name="source" value=form.source.clone() error=errors.get("source") hint=t.apikeys_source_hint.to_string() required=true/>
                        <Field label=t.apikeys_kinds name="kinds" value=form.kinds.clone() error=errors.get("kinds") hint=t.apikeys_kinds_hint.to_string() required=true/>
                        <div class="field checkbox">
                            <input id="public" name="public" type="checkbox" checked=form.public == "on"/>
                            <label for="public">{t.apikeys_public}</label>
                        </div>
                        <button type="submit" class="button">{t.apikeys_create_submit}</button>
                    </form>
                </section>
            </Layout>
        },
    ))
}
