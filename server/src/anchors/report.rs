//! The batch report of each anchoring round: a PDF (real text, embedded font, Spanish and
//! English) listing the evidences sealed in the round (index, id, kind, ref, link hash), the
//! checkpoint with its signature, the anchor transactions and the time-stamps (token digest and
//! time). It is registered as an evidence itself (kind `evidence.batch-report`, public), so the
//! report can be verified like any other document.

use app::AppState;
use app::domain::evidence::Hash;
use app::services::anchors::{self, AnchorRow, ReportJob, SealedEntry};
use app::services::evidence::{self, DocumentUpload, Submission};
use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use serde_json::json;

pub const KIND: &str = "evidence.batch-report";

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;

/// Makes and registers the report of every round whose anchors are all done.
pub async fn publish_pending(state: &AppState, font: &[u8]) -> app::error::AppResult<usize> {
    let jobs = anchors::pending_reports(&state.db).await?;
    let mut made = 0;
    for job in jobs {
        let entries = anchors::sealed_entries(&state.db, job.from_size, job.to_size).await?;
        let sealed = anchors::round_anchors(&state.db, job.round_id).await?;
        let pdf = render(&job, &entries, &sealed, font).map_err(app::AppError::internal)?;
        anchors::ensure_public_kind(&state.db, KIND).await?;
        let data = json!({
            "round": job.round_id,
            "from_index": job.from_size,
            "until_index": job.to_size,
            "entries": entries.len(),
            "checkpoint": job.note,
            "anchors": sealed.iter().map(|a| json!({
                "type": a.kind,
                "tree_size": a.tree_size,
                "chain_id": a.chain_id,
                "tx_hash": a.tx_hash,
                "block_number": a.block_number,
                "token_sha256": a.token.as_deref().map(|t| Hash::of(t).hex()),
                "stamped_at": a.stamped_at.map(|t| t.to_db()),
            })).collect::<Vec<_>>(),
        });
        let registered = evidence::submit(
            state,
            "portal",
            &[KIND.to_string()],
            vec![Submission {
                kind: KIND.into(),
                reference: format!("batch-report/{}", job.round_id),
                data,
                items: Vec::new(),
                document: Some(DocumentUpload {
                    bytes: pdf,
                    media_type: "application/pdf".into(),
                    filename: format!("minga-lote-{}.pdf", job.round_id),
                }),
            }],
            false,
        )
        .await?;
        if let Some(r) = registered.first() {
            anchors::record_report(&state.db, &job, &r.id).await?;
            made += 1;
        }
    }
    Ok(made)
}

/// Lines of text laid out top to bottom over as many A4 pages as they need.
struct Writer {
    pages: Vec<Vec<(f32, f32, String)>>,
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn line(&mut self, size: f32, text: impl Into<String>) {
        let height = size * 1.45;
        if self.y + height > PAGE_H - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
        self.y += height;
        if let Some(page) = self.pages.last_mut() {
            page.push((size, self.y, text.into()));
        }
    }

    /// Wraps `text` at `width` characters (the report's lines are hashes and short fields).
    fn wrapped(&mut self, size: f32, text: &str, width: usize) {
        for raw in text.lines() {
            let chars: Vec<char> = raw.chars().collect();
            if chars.is_empty() {
                self.line(size, "");
            }
            for chunk in chars.chunks(width.max(1)) {
                self.line(size, chunk.iter().collect::<String>());
            }
        }
    }

    fn gap(&mut self) {
        self.y += 6.0;
    }
}

pub fn render(
    job: &ReportJob,
    entries: &[SealedEntry],
    sealed: &[AnchorRow],
    font: &[u8],
) -> Result<Vec<u8>, String> {
    let font = Font::new(font.to_vec().into(), 0).ok_or("the report font cannot be read")?;
    let mut w = Writer::new();
    w.line(
        15.0,
        "Informe de lote de evidencias · Evidence batch report",
    );
    w.line(
        9.0,
        format!(
            "Ronda {} · registrada {} · entradas {} a {} ({} evidencias)",
            job.round_id,
            job.created_at.0.format("%Y-%m-%d %H:%M:%S UTC"),
            job.from_size,
            job.to_size - 1,
            entries.len()
        ),
    );
    w.line(
        9.0,
        format!(
            "Round {} · entries {} to {} of the Minga evidence log",
            job.round_id,
            job.from_size,
            job.to_size - 1
        ),
    );
    w.gap();
    w.line(11.0, "Punto de control firmado · Signed checkpoint");
    w.wrapped(8.0, &job.note, 95);
    w.gap();
    w.line(11.0, "Anclajes · Anchors");
    for a in sealed {
        match a.kind.as_str() {
            "ethereum" => {
                w.line(
                    8.5,
                    format!(
                        "Cadena {} · bloque {} · {} · sella {} entradas",
                        a.chain_id.unwrap_or_default(),
                        a.block_number.unwrap_or_default(),
                        a.block_time
                            .map(|t| t.0.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                            .unwrap_or_default(),
                        a.tree_size
                    ),
                );
                w.line(
                    8.0,
                    format!("  transacción: {}", a.tx_hash.clone().unwrap_or_default()),
                );
            }
            _ => {
                w.line(
                    8.5,
                    format!(
                        "Sello de tiempo RFC 3161 · {} · sella {} entradas",
                        a.stamped_at
                            .map(|t| t.0.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                            .unwrap_or_default(),
                        a.tree_size
                    ),
                );
                w.line(
                    8.0,
                    format!(
                        "  SHA-256 del token: {}",
                        a.token
                            .as_deref()
                            .map(|t| Hash::of(t).hex())
                            .unwrap_or_default()
                    ),
                );
            }
        }
    }
    w.gap();
    w.line(
        11.0,
        "Evidencias selladas · Sealed evidences (índice, id, tipo, referencia / huella de enlace)",
    );
    for e in entries {
        w.line(
            8.0,
            format!("{:>8}  {}  {}  {}", e.idx, e.id, e.kind, e.reference),
        );
        w.line(
            7.5,
            format!(
                "          {}",
                Hash::from_slice(&e.link_hash)
                    .map(|h| h.hex())
                    .unwrap_or_default()
            ),
        );
    }
    w.gap();
    w.wrapped(
        7.5,
        "Cada evidencia se comprueba en /v/{id}; el punto de control con la clave verificadora publicada en /log/key. Each evidence can be checked at /v/{id}; the checkpoint with the verifier key published at /log/key.",
        110,
    );

    let mut document = Document::new();
    let created = job.created_at.0;
    use chrono::{Datelike, Timelike};
    document.set_metadata(
        Metadata::new()
            .title(format!("Informe de lote {} · Minga", job.round_id))
            .language("es".into())
            .creator("Minga".into())
            .creation_date(
                DateTime::new(u16::try_from(created.year()).unwrap_or(2026))
                    .month(u8::try_from(created.month()).unwrap_or(1))
                    .day(u8::try_from(created.day()).unwrap_or(1))
                    .hour(u8::try_from(created.hour()).unwrap_or(0))
                    .minute(u8::try_from(created.minute()).unwrap_or(0))
                    .second(u8::try_from(created.second()).unwrap_or(0)),
            ),
    );
    let total = w.pages.len();
    for (n, lines) in w.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for (size, y, text) in lines {
            surface.draw_text(
                Point::from_xy(MARGIN, *y),
                font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        surface.draw_text(
            Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0),
            font.clone(),
            7.0,
            &format!(
                "Minga · ronda {} · página {} de {total}",
                job.round_id,
                n + 1
            ),
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| format!("writing the PDF: {e:?}"))
}
