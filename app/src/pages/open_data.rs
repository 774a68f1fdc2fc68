//! `/data`: the open data catalogue page, each dataset's live files (`/data/<slug>.csv`,
//! `/data/<slug>.json`, streamed), the latest dump's files (`/data/dumps/<n>/<file>`), the
//! DCAT-AP catalogue (`/data/catalog.jsonld`), and the "download" links the registers' pages show.

use crate::i18n::{Lang, Tr, fill};
use crate::services::open_data::dump::{self, DumpRow};
use crate::services::open_data::{self, DATASETS, Dataset, Format, catalog, datasets};
use crate::web::{Ctx, page};
use crate::{AppError, AppState};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE,
};
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;

fn title(d: &Dataset, lang: Lang) -> &'static str {
    match lang {
        Lang::Es => d.title_es,
        Lang::En => d.title_en,
    }
}

/// "Download open data: Meetings (CSV · JSON) …" for the datasets `page` shows.
#[component]
pub fn DataLinks(t: &'static Tr, lang: Lang, page: &'static str) -> impl IntoView {
    let links = datasets::of_page(page)
        .map(|d| {
            let name = title(d, lang);
            let file = |format: Format| {
                let ext = format.extension();
                view! {
                    <a href=format!("/data/{}.{ext}", d.slug)
                       aria-label=fill(t.data_file_label, &[("title", &name), ("format", &ext.to_uppercase())])
                       download="">{ext.to_uppercase()}</a>
                }
            };
            view! { <li>{name}" ("{file(Format::Csv)}" · "{file(Format::Json)}")"</li> }
        })
        .collect_view();
    view! {
        <nav class="data-links" aria-label=t.data_title>
            <span>{t.data_download}</span>" "
            <ul>{links}</ul>
            " "<a href="/data">{t.data_title}</a>
        </nav>
    }
}

/// Parses `<slug>.<csv|json>`.
fn dataset_file(file: &str) -> Option<(&'static Dataset, Format)> {
    let (slug, ext) = file.rsplit_once('.')?;
    Some((datasets::find(slug)?, Format::of(ext)?))
}

fn download_headers(format: Format, filename: &str) -> [(axum::http::HeaderName, String); 4] {
    [
        (CONTENT_TYPE, format.media_type().to_string()),
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
        // open data is read by other sites' scripts too
        (ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
        (CACHE_CONTROL, "public, max-age=60".to_string()),
    ]
}

/// `/data/<slug>.<csv|json>`: the register as it is now, streamed.
pub async fn file(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let (dataset, format) = dataset_file(&file).ok_or(AppError::NotFound)?;
    let body = Body::from_stream(open_data::stream(state.db.clone(), dataset, format));
    Ok((download_headers(format, &format!("minga-{file}")), body).into_response())
}

/// `/data/dumps/<n>/<file>`: a file of the latest dump, byte for byte as the manifest hashed it.
pub async fn dump_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let latest = dump::latest(&state.db).await?.ok_or(AppError::NotFound)?;
    let format = match name.rsplit_once('.') {
        Some((_, ext)) => Format::of(ext).ok_or(AppError::NotFound)?,
        None => return Err(AppError::NotFound),
    };
    let path = if latest.id == id {
        // the latest dump's files are all on disk: another name is not one of them
        Some(dump::file_path(&state, &latest, &name).ok_or(AppError::NotFound)?)
    } else {
        None
    };
    let Some(path) = path else {
        // an older dump: its files are only in its archive, whose evidence is in the log
        let t = ctx.t();
        let evidence: Option<String> =
            sqlx::query_scalar("SELECT evidence_id FROM open_data_dumps WHERE id = ?")
                .bind(id)
                .fetch_optional(&state.db)
                .await?;
        let Some(evidence) = evidence else {
            return Err(AppError::NotFound);
        };
        return Ok(page(
            StatusCode::GONE,
            view! {
                <crate::components::Layout ctx=ctx.clone() title=t.data_title>
                    <h1>{t.data_title}</h1>
                    <p>{t.data_dump_gone}</p>
                    <p><a href=format!("/v/{evidence}")>{t.data_dump_evidence}</a></p>
                </crate::components::Layout>
            },
        ));
    };
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok((
        download_headers(format, &format!("minga-{id}-{name}")),
        bytes,
    )
        .into_response())
}

/// `/data/catalog.jsonld`: the DCAT-AP catalogue.
pub async fn catalog_jsonld(State(state): State<AppState>) -> Result<Response, AppError> {
    let latest = dump::latest(&state.db).await?;
    let doc = catalog::catalog(
        &state.settings.public_url,
        &state.settings.open_data_licence,
        latest.as_ref(),
    );
    Ok((
        [
            (CONTENT_TYPE, "application/ld+json"),
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (CACHE_CONTROL, "public, max-age=60"),
        ],
        serde_json::to_string_pretty(&doc).map_err(AppError::internal)?,
    )
        .into_response())
}

fn dump_section(t: &'static Tr, latest: Option<&DumpRow>) -> impl IntoView + use<> {
    let body = match latest {
        Some(d) => {
            let files = d.manifest().map_or(0, |m| m.files.len());
            let at = d.created_at.0.format("%Y-%m-%d %H:%M UTC").to_string();
            view! {
                <p>{fill(t.data_dump_latest, &[("at", &at), ("files", &files)])}</p>
                <ul>
                    <li><a href=format!("/api/v1/evidence/{}/document", d.evidence_id) download="">
                        {fill(t.data_dump_archive, &[("name", &d.archive_name)])}
                    </a></li>
                    <li><a href=format!("/v/{}", d.evidence_id)>{t.data_dump_evidence}</a></li>
                    <li><a href=format!("/data/dumps/{}/manifest.json", d.id)>"manifest.json"</a></li>
                </ul>
            }
            .into_any()
        }
        None => view! { <p>{t.data_dump_none}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="dump-title">
            <h2 id="dump-title">{t.data_dump_title}</h2>
            <p>{t.data_dump_text}</p>
            {body}
            <p class="hint">{t.data_verify_hint}</p>
        </section>
    }
}

/// `/data`: every dataset with its files, its figures in the latest dump and its columns.
pub async fn index(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let t = ctx.t();
    let lang = ctx.lang;
    let latest = dump::latest(&state.db).await?;
    let manifest = latest.as_ref().and_then(DumpRow::manifest);
    let licence = state.settings.open_data_licence.clone();
    let rows = DATASETS
        .iter()
        .map(|d| {
            let name = title(d, lang);
            let csv = format!("{}.csv", d.slug);
            let entry = manifest
                .as_ref()
                .and_then(|m| m.files.iter().find(|f| f.name == csv).cloned());
            let about = match lang {
                Lang::Es => d.about_es,
                Lang::En => d.about_en,
            };
            let columns = d
                .columns
                .iter()
                .map(|c| {
                    view! {
                        <tr><th scope="row"><code>{c.name}</code></th>
                        <td>{match lang { Lang::Es => c.es, Lang::En => c.en }}</td></tr>
                    }
                })
                .collect_view();
            let caption = fill(t.data_columns, &[("title", &name)]);
            view! {
                <section aria-labelledby=format!("ds-{}", d.slug) class="dataset">
                    <h3 id=format!("ds-{}", d.slug)>{name}</h3>
                    <p>{about}</p>
                    <dl class="facts">
                        <dt>{t.data_col_files}</dt>
                        <dd>
                            <a href=format!("/data/{}.csv", d.slug) download=""
                               aria-label=fill(t.data_file_label, &[("title", &name), ("format", &"CSV")])>"CSV"</a>
                            " · "
                            <a href=format!("/data/{}.json", d.slug) download=""
                               aria-label=fill(t.data_file_label, &[("title", &name), ("format", &"JSON")])>"JSON"</a>
                        </dd>
                        <dt>{t.data_on_page}</dt>
                        <dd><a href=d.page>{d.page}</a></dd>
                        {entry.map(|e| view! {
                            <dt>{t.data_col_rows}</dt><dd>{e.rows}</dd>
                            <dt>{t.data_col_changed}</dt><dd>{e.changed_at.clone()}</dd>
                            <dt>"SHA-256 (CSV)"</dt><dd><code class="hash">{e.sha256.clone()}</code></dd>
                        })}
                    </dl>
                    <details>
                        <summary>{caption.clone()}</summary>
                        <div class="table-scroll" role="region" aria-label=caption tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.data_col_name}</th>
                                    <th scope="col">{t.data_col_meaning}</th>
                                </tr></thead>
                                <tbody>{columns}</tbody>
                            </table>
                        </div>
                    </details>
                </section>
            }
        })
        .collect_view();
    Ok(page(
        StatusCode::OK,
        view! {
            <crate::components::Layout ctx=ctx.clone() title=t.data_title>
                <h1>{t.data_title}</h1>
                <p>{t.data_intro}</p>
                <p>{t.data_licence}" "<a href=licence.clone() rel="license">{licence.clone()}</a></p>
                <p><a href="/data/catalog.jsonld">{t.data_catalog}</a></p>
                <p class="hint">{t.data_catalog_text}</p>
                {dump_section(t, latest.as_ref())}
                <h2>{t.data_datasets}</h2>
                {rows}
            </crate::components::Layout>
        },
    ))
}
