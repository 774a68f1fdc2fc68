//! `/network/requests/new`: the adhesion form with the letter of intent (any signed-in account,
//! for its institution or for itself); the same form, prefilled, amends a returned request.

use super::{host_name, type_name};
use crate::components::{
    CsrfInput, ErrorSummary, Field, FormErrors, Layout, SelectField, TextArea,
};
use crate::domain::nodes::{HostKind, NodeType};
use crate::i18n::fill;
use crate::pages::refused_form;
use crate::services::network;
use crate::services::nodes::{self, NodeRow, RequestForm};
use crate::web::{CsrfForm, Ctx, page, read_form_with_file, redirect};
use crate::{AppError, AppState};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;

/// The largest request accepted: the letter and the form's framing.
pub const MAX_FORM_BYTES: usize = nodes::MAX_LETTER_BYTES + 128 * 1024;

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    let form = RequestForm {
        on_behalf: "institution".into(),
        ..Default::default()
    };
    render(
        &state,
        &ctx,
        &form,
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: Multipart,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    let (form, letter): (RequestForm, _) =
        read_form_with_file(&ctx, mp, nodes::MAX_LETTER_BYTES as u64 + 1, "letter").await?;
    let upload = letter.as_ref().map(|(f, b)| (f.as_str(), b.as_slice()));
    match nodes::submit(&state, &who, &form, upload, &ctx.actor()).await {
        Ok(id) => Ok(redirect(&format!("/network/requests/{id}?sent=1"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                &form,
                None,
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

/// The applicant sends a returned request again, amended.
pub async fn resubmit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<Response, AppError> {
    let who = ctx.signed()?;
    match nodes::resubmit(&state, &who, id, &form, &ctx.actor()).await {
        Ok(()) => Ok(redirect(&format!("/network/requests/{id}"))),
        Err(e) => {
            let refused = refused_form(e, ctx.t())?;
            render(
                &state,
                &ctx,
                &form,
                Some(id),
                refused.errors.clone(),
                refused.status,
            )
            .await
            .map(|r| refused.finish(r))
        }
    }
}

/// The form a returned request is amended with, as it was filed.
pub fn form_of(n: &NodeRow) -> RequestForm {
    RequestForm {
        name: n.name.clone(),
        on_behalf: if n.institution_id.is_some() {
            "institution".into()
        } else {
            "self".into()
        },
        collective: n.collective_id.to_string(),
        node_type: n.node_type.as_str().into(),
        enode: n.enode.clone(),
        rpc_url: n.rpc_url.clone(),
        host_kind: n.host_kind.as_str().into(),
        os: n.os.clone(),
        ram_mb: n.ram_mb.to_string(),
        disk_gb: n.disk_gb.to_string(),
        location: n.location.clone(),
        projects: n.projects.clone(),
        liaison_name: n.liaison_name.clone(),
        liaison_position: n.liaison_position.clone(),
        liaison_email: n.liaison_email.clone(),
        liaison_phone: n.liaison_phone.clone(),
    }
}

/// The request form: new (`amends` None, with the letter) or amending a returned request.
pub async fn render(
    state: &AppState,
    ctx: &Ctx,
    form: &RequestForm,
    amends: Option<i64>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let view = form_view(state, ctx, form, amends, &errors).await?;
    let t = ctx.t();
    let title = if amends.is_some() {
        t.node_resubmit_title
    } else {
        t.node_request_title
    };
    let ctx = ctx.clone();
    Ok(page(
        status,
        view! {
            <Layout ctx=ctx.clone() title=title>
                <p><a href="/network">{t.node_network_title}</a></p>
                <h1>{title}</h1>
                {view}
            </Layout>
        },
    ))
}

/// The form itself (also shown inside a returned request's page).
pub async fn form_view(
    state: &AppState,
    ctx: &Ctx,
    form: &RequestForm,
    amends: Option<i64>,
    errors: &FormErrors,
) -> Result<AnyView, AppError> {
    let t = ctx.t();
    let user = ctx.require_user()?.clone();
    let institution = nodes::institution_of(&state.db, user.person_id).await?;
    let choose = (String::new(), t.node_request_choose.to_string());
    let collectives: Vec<(String, String)> = std::iter::once(choose.clone())
        .chain(
            network::collective_choices(&state.db)
                .await?
                .into_iter()
                .map(|(id, es, en)| {
                    (
                        id.to_string(),
                        match ctx.lang {
                            crate::i18n::Lang::Es => es,
                            crate::i18n::Lang::En => en,
                        },
                    )
                }),
        )
        .collect();
    let types: Vec<(String, String)> = std::iter::once(choose.clone())
        .chain(
            NodeType::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), type_name(*k, t).to_string())),
        )
        .collect();
    let hosts: Vec<(String, String)> = std::iter::once(choose)
        .chain(
            HostKind::ALL
                .iter()
                .map(|k| (k.as_str().to_string(), host_name(*k, t).to_string())),
        )
        .collect();
    let mut behalf = vec![("self".to_string(), t.node_request_for_self.to_string())];
    if let Some(name) = &institution {
        behalf.insert(
            0,
            (
                "institution".to_string(),
                fill(t.node_request_for_institution, &[("name", name)]),
            ),
        );
    }
    let r = &state.settings.nodes.requirements;
    let kinds: Vec<&str> = r.kinds.iter().map(|k| host_name(*k, t)).collect();
    let os = format!(
        "{} {}",
        r.os_name,
        r.os_min_version
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(".")
    );
    let requirements = fill(
        t.node_request_requirements,
        &[
            ("kinds", &kinds.join(" / ")),
            ("os", &os),
            ("ram", &r.min_ram_mb),
            ("disk", &r.min_disk_gb),
        ],
    );
    let labels = vec![
        ("name", t.node_request_name),
        ("on_behalf", t.node_request_on_behalf),
        ("collective", t.node_request_collective),
        ("node_type", t.node_request_type),
        ("enode", t.node_request_enode),
        ("rpc_url", t.node_request_rpc),
        ("host_kind", t.node_request_host),
        ("os", t.node_request_os),
        ("ram_mb", t.node_request_ram),
        ("disk_gb", t.node_request_disk),
        ("location", t.node_request_location),
        ("projects", t.node_request_projects),
        ("liaison_name", t.node_request_liaison_name),
        ("liaison_position", t.node_request_liaison_position),
        ("liaison_email", t.node_request_liaison_email),
        ("liaison_phone", t.node_request_liaison_phone),
        ("letter", t.node_request_letter),
    ];
    let (action, enctype) = match amends {
        Some(id) => (
            format!("/network/requests/{id}/resubmit"),
            "application/x-www-form-urlencoded",
        ),
        None => ("/network/requests".to_string(), "multipart/form-data"),
    };
    let letter_error = errors.get("letter");
    let letter = amends.is_none().then(|| {
        let described = letter_error.as_ref().map(|_| "letter-error");
        view! {
            <div class=if letter_error.is_some() { "field field-invalid" } else { "field" }>
                <label for="letter">{t.node_request_letter}</label>
                {letter_error.clone().map(|e| view! { <p class="field-error" id="letter-error">{e}</p> })}
                <input id="letter" name="letter" type="file" accept="application/pdf,.pdf" required=true
                    aria-describedby=described aria-invalid=letter_error.is_some().then_some("true")/>
            </div>
        }
    });
    let submit = if amends.is_some() {
        t.node_resubmit
    } else {
        t.node_request_submit
    };
    let ctx = ctx.clone();
    Ok(view! {
        <p>{t.node_request_intro}</p>
        <p class="hint">{requirements}</p>
        <ErrorSummary errors=errors.clone() t=t labels=labels/>
        <form method="post" action=action enctype=enctype class="narrow" novalidate>
            <CsrfInput ctx=ctx.clone()/>
            <SelectField label=t.node_request_on_behalf name="on_behalf" options=behalf selected=form.on_behalf.clone() error=errors.get("on_behalf")/>
            <Field label=t.node_request_name name="name" value=form.name.clone() error=errors.get("name") required=true/>
            <SelectField label=t.node_request_collective name="collective" options=collectives selected=form.collective.clone() error=errors.get("collective")/>
            <SelectField label=t.node_request_type name="node_type" options=types selected=form.node_type.clone() error=errors.get("node_type")/>
            <Field label=t.node_request_enode name="enode" value=form.enode.clone() error=errors.get("enode") hint=t.node_request_enode_hint.to_string() required=true/>
            <Field label=t.node_request_rpc name="rpc_url" kind="url" value=form.rpc_url.clone() error=errors.get("rpc_url") hint=t.node_request_rpc_hint.to_string() required=true/>
            <SelectField label=t.node_request_host name="host_kind" options=hosts selected=form.host_kind.clone() error=errors.get("host_kind")/>
            <Field label=t.node_request_os name="os" value=form.os.clone() error=errors.get("os") required=true/>
            <Field label=t.node_request_ram name="ram_mb" kind="number" value=form.ram_mb.clone() error=errors.get("ram_mb") required=true/>
            <Field label=t.node_request_disk name="disk_gb" kind="number" value=form.disk_gb.clone() error=errors.get("disk_gb") required=true/>
            <Field label=t.node_request_location name="location" value=form.location.clone() error=errors.get("location") required=true/>
            <TextArea label=t.node_request_projects name="projects" value=form.projects.clone() error=errors.get("projects") rows=3/>
            <fieldset>
                <legend>{t.node_request_liaison}</legend>
                <Field label=t.node_request_liaison_name name="liaison_name" value=form.liaison_name.clone() error=errors.get("liaison_name") required=true/>
                <Field label=t.node_request_liaison_position name="liaison_position" value=form.liaison_position.clone() error=errors.get("liaison_position") required=true/>
                <Field label=t.node_request_liaison_email name="liaison_email" kind="email" value=form.liaison_email.clone() error=errors.get("liaison_email") required=true/>
                <Field label=t.node_request_liaison_phone name="liaison_phone" kind="tel" value=form.liaison_phone.clone() error=errors.get("liaison_phone") required=true/>
            </fieldset>
            {letter}
            <button type="submit" class="button">{submit}</button>
        </form>
    }
    .into_any())
}
