//! The demo's nodes: the network that already ran when the portal took it over, imported 40 days
//! before load time (each by a `governance.node-imported` decision, dated then), with a month of
//! samples so that the health pages are not empty — every collective has a node, one node is
//! suspended, one has been down for three hours — and two requests on their way: one with the
//! academic collective's leaders, one forwarded to the nodes commission.
//!
//! Their endpoints are under `.example` (RFC 2606), which the poller never asks: the history
//! below is all they show.

#[allow(unused_imports)]
use super::*;
use crate::domain::nodes::NodeStep;
use crate::services::authority::{Signed, Steward};
use crate::services::nodes::{self, RequestForm, admission, exports};
use chrono::DurationRound;

/// (name, key digit, type, collective, institution).
const DEMO_NODES: [(&str, char, &str, &str, &str); 7] = [
    (
        "UNAM validador 1",
        '1',
        "validator",
        "academico",
        "Universidad Nacional Autónoma de México",
    ),
    (
        "IPN escritor",
        '2',
        "writer",
        "academico",
        "Instituto Politécnico Nacional",
    ),
    (
        "NA-AT validador",
        '3',
        "validator",
        "empresarial",
        "NA-AT Technologies",
    ),
    ("Bitso observador", '4', "observer", "empresarial", "Bitso"),
    (
        "UGD validador",
        '5',
        "validator",
        "sector-publico",
        "Unidad de Gobierno Digital (SFP)",
    ),
    (
        "CEDN arranque",
        '6',
        "boot",
        "sector-publico",
        "Coordinación de Estrategia Digital Nacional",
    ),
    ("Codeando escritor", '7', "writer", "osc", "Codeando México"),
];

/// A letter of intent as a small valid PDF (one empty page).
const LETTER: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// A number in 0..n drawn from `seed` (the demo's figures vary, the same on every load).
fn draw(seed: u64, n: u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    x % n.max(1)
}

pub(super) async fn nodes_demo(state: &AppState, actor: &Actor) -> AppResult<()> {
    let mut csv = String::from("name,enode,rpc_url,type,collective,institution\n");
    for (i, (name, digit, kind, collective, institution)) in DEMO_NODES.iter().enumerate() {
        let key: String = std::iter::repeat_n(*digit, 128).collect();
        csv.push_str(&format!(
            "{name},enode://{key}@10.20.0.{}:30303,https://nodo{}.{collective}.example:8545,{kind},{collective},\"{institution}\"\n",
            i + 1,
            i + 1
        ));
    }
    let admin: i64 = sqlx::query_scalar(
        "SELECT a.person_id FROM accounts a JOIN offices o ON o.person_id = a.person_id
         WHERE o.role = 'administrator' ORDER BY a.id LIMIT 1",
    )
    .fetch_one(&state.db)
    .await?;
    let ids = exports::import(state, &Admin::operator(), admin, &csv, actor).await?;
    let now = Utc::now();
    let imported_at = now - chrono::Duration::days(40);
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE nodes SET liaison_name = 'Mesa de operación', liaison_email = 'operacion.nodo' || id || '@minga.example', liaison_position = 'Operación', submitted_at = ?1, admitted_at = ?1, updated_at = ?1")
        .bind(Ts(imported_at))
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE node_steps SET at = ?")
        .bind(Ts(imported_at))
        .execute(&mut *tx)
        .await?;
    let steps: Vec<i64> = sqlx::query_scalar("SELECT id FROM node_steps")
        .fetch_all(&mut *tx)
        .await?;
    for step in steps {
        dating::redate(
            &mut tx,
            &format!("node-step/{step}"),
            None,
            imported_at,
            |_| {},
        )
        .await?;
    }
    tx.commit().await?;
    history(state, &ids, now).await?;
    // Bitso's observer is suspended ten days ago; its samples stop then
    let bitso = ids[3];
    admission::change(
        state,
        &crate::services::authority::NodeEvaluator::operator(),
        bitso,
        NodeStep::Suspend,
        "Sin respuesta durante cuatro días ni a los avisos de la comisión.",
        actor,
    )
    .await?;
    let suspended_at = now - chrono::Duration::days(10);
    let mut tx = crate::db::begin_write(&state.db).await?;
    let step: i64 =
        sqlx::query_scalar("SELECT id FROM node_steps WHERE node_id = ? AND step = 'suspend'")
            .bind(bitso)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("UPDATE node_steps SET at = ? WHERE id = ?")
        .bind(Ts(suspended_at))
        .bind(step)
        .execute(&mut *tx)
        .await?;
    dating::redate(
        &mut tx,
        &format!("node-step/{step}"),
        None,
        suspended_at,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    capital_demo(state, &ids, admin, actor).await?;
    requests(state, actor).await
}

/// Transaction capital: IPN's writer has a grant in force, UNAM's validator has asked for one.
async fn capital_demo(state: &AppState, ids: &[i64], admin: i64, actor: &Actor) -> AppResult<()> {
    use crate::services::nodes::capital::{self, CapitalForm, Verdict};
    let account: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE person_id = ?")
        .bind(admin)
        .fetch_one(&state.db)
        .await?;
    let operator = Signed::operator(account, admin);
    let academico: i64 = sqlx::query_scalar("SELECT collective_id FROM nodes WHERE id = ?")
        .bind(ids[1])
        .fetch_one(&state.db)
        .await?;
    let asked = |account: &str, amount: &str, reason: &str| CapitalForm {
        account: account.into(),
        amount: amount.into(),
        period: "month".into(),
        reason: reason.into(),
    };
    let granted = capital::request(
        state,
        &operator,
        ids[1],
        &asked(
            "0x5a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
            "60000000",
            "Registro de constancias académicas: unas 2 000 transacciones al mes.",
        ),
        actor,
    )
    .await?;
    capital::decide(
        state,
        &Steward::operator(academico),
        granted,
        Verdict::Grant,
        &asked(
            "",
            "50000000",
            "Se otorga lo que corresponde a su uso de los últimos tres meses.",
        ),
        actor,
    )
    .await?;
    capital::request(
        state,
        &operator,
        ids[0],
        &asked(
            "0x7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809",
            "20000000",
            "Pruebas del contrato de registro de títulos.",
        ),
        actor,
    )
    .await?;
    Ok(())
}

struct DemoHour {
    at: Ts,
    samples: i64,
    ups: i64,
    lag: i64,
    peers: i64,
    p50: i64,
    p95: i64,
}

struct DemoSample {
    at: Ts,
    up: bool,
    block: Option<i64>,
    head: i64,
    peers: Option<i64>,
    latency: Option<i64>,
}

/// A month of samples for each node: hourly aggregates for 30 days, raw samples every 15 minutes
/// for the last 7 (four an hour, as the hourly aggregates count them); the chain head grows one
/// block every two seconds. The public sector's boot node has been down for three hours
/// (alerted); Bitso's stopped answering fourteen days ago and is not asked since its suspension.
async fn history(state: &AppState, ids: &[i64], now: chrono::DateTime<Utc>) -> AppResult<()> {
    let start = now - chrono::Duration::days(30);
    let head_at = |t: chrono::DateTime<Utc>| (t - start).num_seconds() / 2 + 1_200_000;
    let hour0 = start
        .duration_trunc(chrono::Duration::hours(1))
        .unwrap_or(start);
    let down_since = now - chrono::Duration::hours(3);
    let suspended_at = now - chrono::Duration::days(10);
    let silent_since = suspended_at - chrono::Duration::days(4);
    let this_hour = now
        .duration_trunc(chrono::Duration::hours(1))
        .unwrap_or(now);
    let mut tx = crate::db::begin_write(&state.db).await?;
    for (n, id) in ids.iter().enumerate() {
        let seed = *id as u64 * 7919;
        let down =
            |t: chrono::DateTime<Utc>| (n == 5 && t >= down_since) || (n == 3 && t >= silent_since);
        // a suspended node is no longer asked
        let asked = |t: chrono::DateTime<Utc>| n != 3 || t < suspended_at;
        let mut rows: Vec<DemoHour> = Vec::new();
        let mut t = hour0;
        let mut h = 0u64;
        // four samples an hour, as the raw samples below (one every 15 minutes)
        while t < this_hour && asked(t) {
            let samples = 4i64;
            let ups = (0..4)
                .filter(|q| !down(t + chrono::Duration::minutes(15 * q)))
                .count() as i64;
            let ups = ups - i64::from(ups == 4 && draw(seed + h, 50) == 0);
            rows.push(DemoHour {
                at: Ts(t),
                samples,
                ups,
                lag: draw(seed + h + 1, 4) as i64,
                peers: 4 + draw(seed + h + 2, 4) as i64,
                p50: 25 + draw(seed + h + 3, 60) as i64,
                p95: 60 + draw(seed + h + 4, 90) as i64,
            });
            t += chrono::Duration::hours(1);
            h += 1;
        }
        for chunk in rows.chunks(100) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO node_hourly (node_id, hour, samples, up_samples, lag_max, peers_min, latency_p50, latency_p95) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(id)
                    .push_bind(r.at)
                    .push_bind(r.samples)
                    .push_bind(r.ups)
                    .push_bind(r.lag)
                    .push_bind(r.peers)
                    .push_bind(r.p50)
                    .push_bind(r.p95);
            });
            q.build().execute(&mut *tx).await?;
        }
        let mut raw: Vec<DemoSample> = Vec::new();
        let mut t = now - chrono::Duration::days(7);
        let mut k = 0u64;
        while t < now && asked(t) {
            let up = !down(t);
            let head = head_at(t);
            raw.push(DemoSample {
                at: Ts(t),
                up,
                block: up.then(|| head - draw(seed + k, 3) as i64),
                head,
                peers: up.then(|| 4 + draw(seed + k + 1, 5) as i64),
                latency: up.then(|| 20 + draw(seed + k + 2, 80) as i64),
            });
            t += chrono::Duration::minutes(15);
            k += 1;
        }
        for chunk in raw.chunks(100) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO node_samples (node_id, at, up, block, head, peers, latency_ms, syncing, client, peers_state) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(id)
                    .push_bind(r.at)
                    .push_bind(r.up)
                    .push_bind(r.block)
                    .push_bind(r.head)
                    .push_bind(r.peers)
                    .push_bind(r.latency)
                    .push_bind(r.up.then_some(false))
                    .push_bind(r.up.then_some("besu/v25.10.0/linux-x86_64/openjdk-java-21"))
                    .push_bind(if r.up { "value" } else { "failed" });
            });
            q.build().execute(&mut *tx).await?;
        }
        // the hour under way's aggregate, as the poller keeps it round by round
        let now_hour: Vec<&DemoSample> = raw.iter().filter(|r| r.at.0 >= this_hour).collect();
        if !now_hour.is_empty() {
            sqlx::query(
                "INSERT INTO node_hourly (node_id, hour, samples, up_samples, lag_max, peers_min) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(Ts(this_hour))
            .bind(now_hour.len() as i64)
            .bind(now_hour.iter().filter(|r| r.up).count() as i64)
            .bind(now_hour.iter().filter_map(|r| Some(r.head - r.block?)).max())
            .bind(now_hour.iter().filter_map(|r| r.peers).min())
            .execute(&mut *tx)
            .await?;
        }
    }
    // the boot node's alert went out after the grace period
    sqlx::query(
        "INSERT INTO node_alerts (node_id, state, since, alerted, updated_at) VALUES (?, 'alerted', ?, 1, ?)",
    )
    .bind(ids[5])
    .bind(Ts(down_since + chrono::Duration::minutes(5)))
    .bind(Ts::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Two requests on their way: Sofía Ramírez's with the academic collective's leaders, and
/// Cívica Digital's forwarded to the nodes commission, waiting for its evaluations.
async fn requests(state: &AppState, actor: &Actor) -> AppResult<()> {
    let form = |name: &str, collective: i64, digit: char, host: &str, behalf: &str| RequestForm {
        name: name.into(),
        on_behalf: behalf.into(),
        collective: collective.to_string(),
        node_type: "writer".into(),
        enode: format!(
            "enode://{}@{host}:30303",
            std::iter::repeat_n(digit, 128).collect::<String>()
        ),
        rpc_url: format!("https://{host}:8545"),
        host_kind: "vps".into(),
        os: "Ubuntu 22.04.4 LTS".into(),
        ram_mb: "8192".into(),
        disk_gb: "200".into(),
        location: "Ciudad de México".into(),
        projects: "Trazabilidad de compras públicas".into(),
        liaison_name: "Laura Méndez".into(),
        liaison_position: "Coordinadora de tecnología".into(),
        liaison_email: "laura.mendez@minga.example".into(),
        liaison_phone: "+52 55 5555 0101".into(),
    };
    let collective = |slug: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM collectives WHERE slug = ?")
            .bind(slug)
            .fetch_one(&state.db)
            .await
    };
    let person = |email: &'static str| async move {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT a.id, a.person_id FROM accounts a WHERE a.email_normalized = ?",
        )
        .bind(email)
        .fetch_one(&state.db)
        .await
    };
    let (account, person_id) = person("solicitante@minga.example").await?;
    let academico = collective("academico").await?;
    nodes::submit(
        state,
        &Signed::operator(account, person_id),
        &form(
            "Nodo Sofía Ramírez",
            academico,
            '8',
            "nodo.sramirez.example",
            "self",
        ),
        Some(("carta-intencion.pdf", LETTER)),
        actor,
    )
    .await?;
    // Cívica Digital's, filed by its project user for the institution
    let (account, person_id) = person("proyecto@minga.example").await?;
    let osc = collective("osc").await?;
    let has_institution: Option<i64> =
        sqlx::query_scalar("SELECT institution_id FROM people WHERE id = ?")
            .bind(person_id)
            .fetch_one(&state.db)
            .await?;
    let id = nodes::submit(
        state,
        &Signed::operator(account, person_id),
        &form(
            "Cívica Digital escritor",
            osc,
            '9',
            "nodo2.osc.example",
            if has_institution.is_some() {
                "institution"
            } else {
                "self"
            },
        ),
        Some(("carta-intencion.pdf", LETTER)),
        actor,
    )
    .await?;
    admission::forward(
        state,
        &Steward::operator(osc),
        id,
        "Cumple los requisitos; el colectivo lo necesita para su segundo nodo.",
        actor,
    )
    .await?;
    Ok(())
}

/// Every seat of the nodes and projects commissions signs in (each writes an evaluation and
/// votes on a node request, or scores a project application): the seats the demo appointed without an account get one, with the demo's password.
pub(super) async fn commission_logins(
    state: &AppState,
    password: &str,
    actor: &Actor,
) -> AppResult<Vec<Credentials>> {
    let seats: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.id, p.email FROM offices o JOIN people p ON p.id = o.person_id
         WHERE o.role IN ('nodes_commission', 'projects_commission') AND o.revoked_at IS NULL AND p.email <> ''
           AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)
         ORDER BY p.id",
    )
    .fetch_all(&state.db)
    .await?;
    let mut logins = Vec::new();
    for (person, email) in seats {
        let hash = crate::services::secrets::hash_password(password).await?;
        let mut tx = crate::db::begin_write(&state.db).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (person_id, email, email_normalized, password_hash, created_at, password_changed_at, email_verified_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(person)
        .bind(&email)
        .bind(crate::domain::accounts::normalize_email(&email))
        .bind(&hash)
        .bind(Ts::now())
        .bind(Ts::now())
        // the portal opens these logins for addresses it already holds
        .bind(Ts::now())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "account.created",
            "account",
            id,
            None,
            Some(json!({"email": email, "person_id": person})),
        )
        .await?;
        tx.commit().await?;
        logins.push(Credentials {
            email,
            password: password.into(),
            role: Role::NodesCommission,
        });
    }
    Ok(logins)
}
