//! The procurement demo: a purchasing catalogue registering its purchase orders the way a source
//! system does — with its own API key, through `POST /api/v1/evidence` — each order with the
//! three quotations it was chosen from (the evidence's items) and its PDF, which carries the QR
//! code of its verification page. `OC-2026-000123`, the order the home page invites a citizen to
//! look up, is one of them.
//!
//! The requests go through the portal's own router (in process, no socket): authentication,
//! validation, idempotence and the sequencer's durable acknowledgement are the API's, unchanged.

use anyhow::{Context, bail};
use app::AppState;
use app::services::audit::Actor;
use app::services::authority::Admin;
use app::services::evidence::{self, api_keys};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The catalogue's name as a source system, and the one kind its key may register.
pub const SOURCE: &str = "catalogo";
pub const KIND: &str = "purchase-order";
/// The order the home page and the README use as their example.
pub const EXAMPLE_REF: &str = "OC-2026-000123";

struct Quotation {
    supplier: &'static str,
    rfc: &'static str,
    total: &'static str,
    days_valid: u32,
}

struct Order {
    reference: &'static str,
    days_ago: i64,
    buyer: &'static str,
    agreement: &'static str,
    description: &'static str,
    lines: &'static [(&'static str, u32, &'static str)],
    quotations: [Quotation; 3],
    /// Which quotation was chosen (the lowest that meets the agreement's terms).
    chosen: usize,
}

const ORDERS: [Order; 4] = [
    Order {
        reference: "OC-2026-000120",
        days_ago: 9,
        buyer: "Unidad de Gobierno Digital (SFP)",
        agreement: "Acuerdo marco de equipo de cómputo",
        description: "Computadoras portátiles para el área de atención ciudadana",
        lines: &[("Computadora portátil 14\", 16 GB", 12, "18450.00")],
        quotations: [
            Quotation {
                supplier: "Cómputo del Bajío S.A. de C.V.",
                rfc: "CBA140312KX1",
                total: "221400.00",
                days_valid: 30,
            },
            Quotation {
                supplier: "Sistemas Integrales Anáhuac S.A.",
                rfc: "SIA0907226H3",
                total: "229800.00",
                days_valid: 15,
            },
            Quotation {
                supplier: "Tecnología Ñandú S.A. de C.V.",
                rfc: "TNA1811052P8",
                total: "236160.00",
                days_valid: 30,
            },
        ],
        chosen: 0,
    },
    Order {
        reference: "OC-2026-000121",
        days_ago: 6,
        buyer: "Coordinación de Estrategia Digital Nacional",
        agreement: "Acuerdo marco de servicios en la nube",
        description: "Almacenamiento de objetos para los respaldos de los nodos, doce meses",
        lines: &[("Almacenamiento de objetos, 10 TB-mes", 12, "6100.00")],
        quotations: [
            Quotation {
                supplier: "Nube Soberana S.A. de C.V.",
                rfc: "NSO2003174M2",
                total: "75600.00",
                days_valid: 20,
            },
            Quotation {
                supplier: "Centro de Datos Querétaro S.C.",
                rfc: "CDQ1605309T1",
                total: "73200.00",
                days_valid: 30,
            },
            Quotation {
                supplier: "Servicios Gestionados del Norte S.A.",
                rfc: "SGN1210081B7",
                total: "80400.00",
                days_valid: 30,
            },
        ],
        chosen: 1,
    },
    Order {
        reference: "OC-2026-000122",
        days_ago: 4,
        buyer: "Instituto Politécnico Nacional",
        agreement: "Acuerdo marco de papelería y consumibles",
        description: "Papel y tóner para las oficinas de la red",
        lines: &[
            ("Papel bond carta, caja de 5 000 hojas", 40, "612.50"),
            ("Tóner láser negro, alto rendimiento", 15, "1890.00"),
        ],
        quotations: [
            Quotation {
                supplier: "Papelería Andina S.A. de C.V.",
                rfc: "PAN0802144C9",
                total: "52850.00",
                days_valid: 15,
            },
            Quotation {
                supplier: "Distribuidora Oaxaqueña de Oficina S.A.",
                rfc: "DOO1307198R4",
                total: "54120.00",
                days_valid: 30,
            },
            Quotation {
                supplier: "Comercial del Valle S.A. de C.V.",
                rfc: "CVA0511239J6",
                total: "53990.00",
                days_valid: 10,
            },
        ],
        chosen: 0,
    },
    Order {
        reference: EXAMPLE_REF,
        days_ago: 1,
        buyer: "Unidad de Gobierno Digital (SFP)",
        agreement: "Acuerdo marco de equipo de red",
        description: "Servidores y conmutadores para el nodo validador de la red",
        lines: &[
            ("Servidor de rack 1U, 64 GB, dos discos NVMe", 2, "96500.00"),
            ("Conmutador gestionable de 24 puertos", 2, "14820.00"),
        ],
        quotations: [
            Quotation {
                supplier: "Ferretería Andina S.A. de C.V.",
                rfc: "FAN0604113Q5",
                total: "222640.00",
                days_valid: 30,
            },
            Quotation {
                supplier: "Redes y Servidores de Jalisco S.A.",
                rfc: "RSJ1503278D2",
                total: "231900.00",
                days_valid: 30,
            },
            Quotation {
                supplier: "Comercial del Valle S.A. de C.V.",
                rfc: "CVA0511239J6",
                total: "228310.50",
                days_valid: 15,
            },
        ],
        chosen: 0,
    },
];

/// The order's structured data and its quotations (the items), as the catalogue sends them.
fn order_json(order: &Order, date: &str) -> (Value, Vec<Value>) {
    let chosen = &order.quotations[order.chosen];
    let lines: Vec<Value> = order
        .lines
        .iter()
        .map(|(what, qty, price)| json!({"descripcion": what, "cantidad": qty, "precio_unitario": price}))
        .collect();
    let data = json!({
        "orden": order.reference,
        "fecha": date,
        "entidad": order.buyer,
        "acuerdo_marco": order.agreement,
        "descripcion": order.description,
        "partidas": lines,
        "proveedor": chosen.supplier,
        "rfc_proveedor": chosen.rfc,
        "monto": chosen.total,
        "moneda": "MXN",
        "cotizaciones": order.quotations.len(),
    });
    let items = order
        .quotations
        .iter()
        .enumerate()
        .map(|(n, q)| {
            json!({
                "cotizacion": n + 1,
                "proveedor": q.supplier,
                "rfc": q.rfc,
                "monto": q.total,
                "moneda": "MXN",
                "vigencia_dias": q.days_valid,
                "elegida": n == order.chosen,
            })
        })
        .collect();
    (data, items)
}

/// The order's PDF: what was bought, from whom, the quotations compared, and the QR code of the
/// page where anyone checks it (the lookup address, known before the order is registered).
fn order_pdf(state: &AppState, font: &[u8], order: &Order, date: &str) -> anyhow::Result<Vec<u8>> {
    let url = evidence::lookup_url(&state.settings.public_url, SOURCE, KIND, order.reference);
    let mut w = app::pdf::Writer::new();
    w.line(16.0, format!("Orden de compra {}", order.reference));
    w.line(10.0, format!("Fecha: {date}"));
    w.line(10.0, format!("Entidad: {}", order.buyer));
    w.line(10.0, order.agreement);
    w.gap();
    w.wrapped(10.0, order.description, 90);
    w.gap();
    for (what, qty, price) in order.lines {
        w.line(10.0, format!("{qty} × {what}, MXN {price} c/u"));
    }
    w.gap();
    let chosen = &order.quotations[order.chosen];
    w.line(
        11.0,
        format!(
            "Proveedor: {} (RFC {}) — total MXN {}",
            chosen.supplier, chosen.rfc, chosen.total
        ),
    );
    w.gap();
    w.line(11.0, "Cotizaciones recibidas");
    for (n, q) in order.quotations.iter().enumerate() {
        w.line(
            10.0,
            format!(
                "{}. {} (RFC {}): MXN {}, vigente {} días{}",
                n + 1,
                q.supplier,
                q.rfc,
                q.total,
                q.days_valid,
                if n == order.chosen {
                    " — elegida"
                } else {
                    ""
                }
            ),
        );
    }
    w.gap();
    w.line(
        9.0,
        "Verifique que esta orden no fue alterada: escanee el código o abra la dirección.",
    );
    w.qr(&url, 110.0).map_err(|e| anyhow::anyhow!("{e}"))?;
    w.wrapped(8.0, &url, 100);
    w.finish(
        font,
        &format!("Orden de compra {}", order.reference),
        "es",
        Utc::now(),
        |page, pages| format!("{} — página {page} de {pages}", order.reference),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Creates the catalogue's key and registers its orders through the API, once. Returns the key
/// (shown once, like a key made at `/admin/api-keys`), or `None` when the catalogue already
/// has one.
pub async fn load(state: &AppState) -> anyhow::Result<Option<String>> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_keys WHERE source = ?")
        .bind(SOURCE)
        .fetch_one(&state.db)
        .await?;
    if existing > 0 {
        return Ok(None);
    }
    let actor = Actor::system("demo");
    let (_, key) = api_keys::create(state, &Admin::operator(), SOURCE, KIND, true, &actor)
        .await
        .map_err(|e| anyhow::anyhow!("the catalogue's API key: {e}"))?;
    let font = tokio::fs::read(&state.settings.report_font)
        .await
        .with_context(|| {
            format!(
                "the PDF font {} (MINGA_REPORT_FONT)",
                state.settings.report_font.display()
            )
        })?;
    let router = crate::routes::router(state.clone());
    let today = Utc::now().date_naive();
    for order in &ORDERS {
        let date = (today - Duration::days(order.days_ago)).to_string();
        let (data, items) = order_json(order, &date);
        let pdf = order_pdf(state, &font, order, &date)?;
        let body = json!({
            "kind": KIND,
            "ref": order.reference,
            "data": data,
            "items": items,
            "document": {
                "content_base64": STANDARD.encode(&pdf),
                "media_type": "application/pdf",
                "filename": format!("{}.pdf", order.reference),
            },
        });
        let request = Request::post("/api/v1/evidence")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(&body)?))?;
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        if status != StatusCode::CREATED {
            let answer = axum::body::to_bytes(response.into_body(), 64 * 1024).await?;
            bail!(
                "registering {}: {status} {}",
                order.reference,
                String::from_utf8_lossy(&answer)
            );
        }
    }
    Ok(Some(key))
}
