//! The batch report of each anchoring round: a PDF (real text, embedded font, Spanish and
//! English) listing the evidences sealed in the round (index, id, kind, ref, link hash), the
//! checkpoint with its signature, the anchor transactions and the time-stamps (token digest and
//! time). It is registered as an evidence itself (kind `evidence.batch-report`, public), so the
//! report can be verified like any other document.

use app::AppState;
use app::domain::evidence::Hash;
use app::pdf::Writer;
use app::services::anchors::{self, AnchorRow, ReportJob, SealedEntry};
use app::services::evidence::{self, DocumentUpload, Submission};
use serde_json::json;

pub const KIND: &str = anchors::REPORT_KIND;

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
        let registered = evidence::register_portal(
            state,
            Submission {
                kind: KIND.into(),
                reference: format!("batch-report/{}", job.round_id),
                data,
                items: Vec::new(),
                document: Some(DocumentUpload {
                    bytes: pdf,
                    media_type: "application/pdf".into(),
                    filename: format!("minga-lote-{}.pdf", job.round_id),
                }),
            },
        )
        .await?;
        anchors::record_report(&state.db, &job, &registered.id).await?;
        made += 1;
    }
    Ok(made)
}

pub fn render(
    job: &ReportJob,
    entries: &[SealedEntry],
    sealed: &[AnchorRow],
    font: &[u8],
) -> Result<Vec<u8>, String> {
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

    w.finish(
        font,
        &format!("Informe de lote {} · Minga", job.round_id),
        "es",
        job.created_at.0,
        |n, total| format!("Minga · ronda {} · página {n} de {total}", job.round_id),
    )
}
