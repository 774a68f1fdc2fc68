//! The demo's ethics code and security protocol: the code published in February and amended in
//! September (a conflict-of-interest clause), the protocol published in March; every demo
//! account accepted the first version, and all but Roberto Sánchez (of the Advisory Council) the
//! one in force — so the demo shows the gate.

use super::dating::redate;
use crate::AppState;
use crate::db::Ts;
use crate::error::AppResult;
use crate::services::audit::Actor;
use crate::services::authority::{CouncilSecretary, Signed};
use crate::services::ethics::{self, VersionForm};
use chrono::{DateTime, NaiveDate, Utc};

const CODE_ES: &str = "1. Integridad. Quienes integran la red actúan con honestidad y no alteran registros ni evidencias.
2. Transparencia. Las decisiones, sus motivos y sus votaciones son públicos, salvo los datos personales que la ley protege.
3. Confidencialidad. La información reservada que se conozca por operar un nodo no se usa ni se divulga fuera de su fin.
4. Uso responsable. Los nodos y el capital de transacción se usan solo para los proyectos admitidos.
5. Respeto. El trato entre integrantes, líderes y órganos es respetuoso; las discrepancias se resuelven por los cauces del modelo.";

const CODE_EN: &str = "1. Integrity. Those who make up the network act honestly and do not alter records or evidences.
2. Transparency. Decisions, their reasons and their votes are public, save the personal data the law protects.
3. Confidentiality. Restricted information learnt by operating a node is neither used nor disclosed beyond its purpose.
4. Responsible use. Nodes and transaction capital are used only for the admitted projects.
5. Respect. Members, leaders and bodies treat each other with respect; disagreements are settled through the model's channels.";

const CONFLICT_ES: &str = "6. Conflicto de intereses. Quien tenga un interés propio en un asunto lo declara y no evalúa ni vota sobre él.";
const CONFLICT_EN: &str = "6. Conflict of interest. Whoever has an interest of their own in a matter declares it and neither evaluates nor votes on it.";

const PROTOCOL_ES: &str = "Identidad: cada cuenta pertenece a una persona; las cuentas de operación de los nodos se registran ante la comisión de nodos.
Privacidad y protección de datos: la red publica evidencias (huellas), no los documentos ni datos personales que las originan.
Ciberseguridad: cada nodo mantiene su sistema actualizado, limita sus puertos a los necesarios y reporta todo incidente a la Secretaría Ejecutiva en 24 horas.";

const PROTOCOL_EN: &str = "Identity: each account belongs to one person; the nodes' operating accounts are registered with the nodes commission.
Privacy and data protection: the network publishes evidences (fingerprints), not the documents or personal data they come from.
Cybersecurity: every node keeps its system up to date, opens only the ports it needs and reports any incident to the Executive Secretary within 24 hours.";

fn at(day: &str) -> DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(16, 0, 0))
        .map(|d| d.and_utc())
        .unwrap_or_else(Utc::now)
}

/// Publishes a version through the service, then dates it (and its decision) `day`.
async fn publish(state: &AppState, form: VersionForm, day: &str, actor: &Actor) -> AppResult<()> {
    let version = ethics::publish(state, &CouncilSecretary::operator(), &form, actor).await?;
    let when = at(day);
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("UPDATE governance_documents SET published_on = ?, published_at = ? WHERE kind = ? AND version = ?")
        .bind(when.date_naive())
        .bind(Ts(when))
        .bind(&form.kind)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    redate(
        &mut tx,
        &format!("{}/{version}", form.kind),
        None,
        when,
        |_| {},
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every demo account accepts the code in force (all but `except`), dated `day`.
async fn accept_all(
    state: &AppState,
    day: &str,
    except: Option<&str>,
    actor: &Actor,
) -> AppResult<()> {
    let accounts: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT id, person_id, email FROM accounts ORDER BY id")
            .fetch_all(&state.db)
            .await?;
    let current = ethics::in_force(&state.db, crate::domain::documents::DocKind::EthicsCode)
        .await?
        .map_or(0, |v| v.version);
    for (account, person, email) in accounts {
        if Some(email.as_str()) == except {
            continue;
        }
        ethics::accept(state, &Signed::operator(account, person), current, actor).await?;
    }
    sqlx::query(
        "UPDATE ethics_acceptances SET accepted_at = ? WHERE batch_id IS NULL AND accepted_at > ?",
    )
    .bind(Ts(at(day)))
    .bind(Ts(at(day)))
    .execute(&state.db)
    .await?;
    Ok(())
}

pub(super) async fn ethics_demo(state: &AppState, actor: &Actor) -> AppResult<()> {
    let code = |text_es: String, text_en: String, note: &str| VersionForm {
        kind: "ethics-code".into(),
        title_es: "Código de ética de la red".into(),
        title_en: "The network's ethics code".into(),
        text_es,
        text_en,
        change_note: note.into(),
    };
    publish(
        state,
        code(CODE_ES.into(), CODE_EN.into(), ""),
        "2026-02-16",
        actor,
    )
    .await?;
    accept_all(state, "2026-02-20", None, actor).await?;
    publish(
        state,
        VersionForm {
            kind: "security-protocol".into(),
            title_es: "Protocolo de seguridad".into(),
            title_en: "Security protocol".into(),
            text_es: PROTOCOL_ES.into(),
            text_en: PROTOCOL_EN.into(),
            change_note: String::new(),
        },
        "2026-03-02",
        actor,
    )
    .await?;
    publish(
        state,
        code(
            format!("{CODE_ES}\n{CONFLICT_ES}"),
            format!("{CODE_EN}\n{CONFLICT_EN}"),
            "Se añade la cláusula de conflicto de intereses que pidió la consulta pública. / Adds the conflict-of-interest clause the public consultation asked for.",
        ),
        "2026-09-14",
        actor,
    )
    .await?;
    accept_all(
        state,
        "2026-09-18",
        Some("roberto.sanchez@minga.example"),
        actor,
    )
    .await
}
