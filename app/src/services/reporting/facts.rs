//! What the portal knows of a debtor's period, filled into its report before the author writes:
//! the member's nodes' availability and worst lag (from the hourly aggregates), a project's
//! phase and metric values, a commission's evaluations with their justifications, a collective's
//! nodes and requests, and the Secretary's meetings, attendance and agreements.

use super::Subject;
use crate::db::Ts;
use crate::domain::reporting::{Debtor, Span};
use crate::error::AppResult;
use crate::services::projects::phase_name;
use chrono::{Duration, NaiveDate, NaiveTime};
use sqlx::SqliteConnection;

/// One figure: what it is (in both languages) and its value.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fact {
    pub label_es: String,
    pub label_en: String,
    pub value: String,
}

fn fact(es: impl Into<String>, en: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact {
        label_es: es.into(),
        label_en: en.into(),
        value: value.into(),
    }
}

/// The period's bounds as stored times: [first day 00:00, the day after the last 00:00).
fn bounds(span: Span) -> (Ts, Ts) {
    let at = |d: NaiveDate| Ts(d.and_time(NaiveTime::MIN).and_utc());
    (at(span.start), at(span.end + Duration::days(1)))
}

fn percent(up: i64, n: i64) -> String {
    if n > 0 {
        format!("{:.1} %", 100.0 * up as f64 / n as f64)
    } else {
        "—".into()
    }
}

/// The figures of `subject`'s report for `span`.
pub async fn facts(
    conn: &mut SqliteConnection,
    subject: &Subject,
    span: Span,
) -> AppResult<Vec<Fact>> {
    let (from, to) = bounds(span);
    match subject.debtor {
        Debtor::Member => member(conn, subject, from, to).await,
        Debtor::Project => project(conn, subject, span).await,
        Debtor::Leaders => leaders(conn, subject, from, to).await,
        Debtor::Commission => commission(conn, subject, from, to).await,
        Debtor::ExecutiveSecretary => secretary(conn, from, to, span).await,
        Debtor::AdvisoryCouncil => Ok(vec![fact(
            "Miembros del Consejo Asesor que escriben el informe",
            "Advisory Council members writing the report",
            subject.authors.len().to_string(),
        )]),
    }
}

/// Availability and worst lag of nodes over the period, from the hourly aggregates.
async fn node_lines(
    conn: &mut SqliteConnection,
    where_sql: &str,
    binds: &[i64],
    from: Ts,
    to: Ts,
) -> AppResult<Vec<Fact>> {
    let sql = format!(
        "SELECT n.name, COALESCE(SUM(h.samples), 0), COALESCE(SUM(h.up_samples), 0), MAX(h.lag_max)
         FROM nodes n LEFT JOIN node_hourly h ON h.node_id = n.id AND h.hour >= ? AND h.hour < ?
         WHERE n.status IN ('admitted', 'suspended') AND {where_sql} GROUP BY n.id, n.name ORDER BY n.name"
    );
    let mut q = sqlx::query_as::<_, (String, i64, i64, Option<i64>)>(sqlx::AssertSqlSafe(sql))
        .bind(from)
        .bind(to);
    for b in binds {
        q = q.bind(*b);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut out = Vec::new();
    for (name, n, up, lag) in rows {
        out.push(fact(
            format!("Nodo «{name}»: disponibilidad"),
            format!("Node \"{name}\": availability"),
            percent(up, n),
        ));
        out.push(fact(
            format!("Nodo «{name}»: mayor retraso (bloques)"),
            format!("Node \"{name}\": worst lag (blocks)"),
            lag.map_or("—".into(), |l| l.to_string()),
        ));
    }
    if out.is_empty() {
        out.push(fact("Nodos en operación", "Nodes in operation", "0"));
    }
    Ok(out)
}

async fn member(
    conn: &mut SqliteConnection,
    s: &Subject,
    from: Ts,
    to: Ts,
) -> AppResult<Vec<Fact>> {
    let collective = s.collective_id.unwrap_or_default();
    let (kind, id) = s
        .key
        .split('@')
        .next()
        .and_then(|k| k.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.parse::<i64>().unwrap_or_default()))
        .unwrap_or_default();
    let where_sql = if kind == "institution" {
        "n.collective_id = ? AND n.institution_id = ?"
    } else {
        "n.collective_id = ? AND n.institution_id IS NULL AND n.person_id = ?"
    };
    node_lines(conn, where_sql, &[collective, id], from, to).await
}

async fn leaders(
    conn: &mut SqliteConnection,
    s: &Subject,
    from: Ts,
    to: Ts,
) -> AppResult<Vec<Fact>> {
    let collective = s.collective_id.unwrap_or_default();
    let mut out = node_lines(conn, "n.collective_id = ?", &[collective], from, to).await?;
    let requests: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM nodes WHERE collective_id = ? AND submitted_at >= ? AND submitted_at < ?",
    )
    .bind(collective)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    out.push(fact(
        "Solicitudes de nodo recibidas en el periodo",
        "Node requests received in the period",
        requests.to_string(),
    ));
    let projects: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM projects WHERE collective_id = ? AND status = 'admitted'",
    )
    .bind(collective)
    .fetch_one(&mut *conn)
    .await?;
    out.push(fact(
        "Proyectos en curso",
        "Running projects",
        projects.to_string(),
    ));
    Ok(out)
}

async fn project(conn: &mut SqliteConnection, s: &Subject, span: Span) -> AppResult<Vec<Fact>> {
    let id: i64 = s
        .key
        .strip_prefix("project:")
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    let p = crate::services::projects::get(&mut *conn, id).await?;
    let plan = p.plan();
    let es = crate::i18n::Lang::Es.tr();
    let en = crate::i18n::Lang::En.tr();
    let mut out = vec![fact(
        "Fase",
        "Phase",
        p.phase()
            .map(|ph| format!("{} / {}", phase_name(ph, es), phase_name(ph, en)))
            .unwrap_or_else(|| "—".into()),
    )];
    let values: Vec<(i64, f64, NaiveDate)> = sqlx::query_as(
        "SELECT metric, value, measured_on FROM project_metric_values
         WHERE project_id = ? AND measured_on >= ? AND measured_on <= ? ORDER BY measured_on, id",
    )
    .bind(id)
    .bind(span.start)
    .bind(span.end)
    .fetch_all(&mut *conn)
    .await?;
    for (i, m) in plan.metrics.iter().enumerate() {
        let last = values.iter().rev().find(|v| v.0 == i as i64);
        let target = p
            .phase()
            .and_then(|ph| m.targets.iter().find(|t| t.0 == ph).map(|t| t.1))
            .map(|t| format!(" · meta / target {t}"))
            .unwrap_or_default();
        out.push(fact(
            format!("Métrica «{}» ({})", m.name, m.unit),
            format!("Metric \"{}\" ({})", m.name, m.unit),
            match last {
                Some((_, v, on)) => format!("{v} ({on}){target}"),
                None => format!("sin medición en el periodo / no value in the period{target}"),
            },
        ));
    }
    Ok(out)
}

async fn commission(
    conn: &mut SqliteConnection,
    s: &Subject,
    from: Ts,
    to: Ts,
) -> AppResult<Vec<Fact>> {
    let rows: Vec<(String, String, String, String)> = if s.key == "nodes-commission" {
        sqlx::query_as(
            "SELECT n.name, p.full_name, e.opinion, e.justification FROM node_evaluations e
             JOIN nodes n ON n.id = e.node_id JOIN people p ON p.id = e.person_id
             WHERE e.written_at >= ? AND e.written_at < ? ORDER BY e.written_at, e.id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?
    } else {
        sqlx::query_as(
            "SELECT pr.title, p.full_name, sc.criterion || ': ' || sc.score, sc.justification FROM project_scores sc
             JOIN projects pr ON pr.id = sc.project_id JOIN people p ON p.id = sc.person_id
             WHERE sc.written_at >= ? AND sc.written_at < ? ORDER BY sc.written_at, sc.id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?
    };
    let mut out = vec![fact(
        "Evaluaciones escritas en el periodo",
        "Evaluations written in the period",
        rows.len().to_string(),
    )];
    out.extend(rows.into_iter().map(|(what, who, opinion, why)| {
        fact(
            format!("«{what}» — {who}"),
            format!("\"{what}\" — {who}"),
            format!("{opinion}: {why}"),
        )
    }));
    Ok(out)
}

async fn secretary(
    conn: &mut SqliteConnection,
    from: Ts,
    to: Ts,
    span: Span,
) -> AppResult<Vec<Fact>> {
    let (held, present, expected): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(DISTINCT m.id),
                COALESCE(SUM(CASE WHEN a.presence IN ('in_person', 'virtual', 'represented') THEN 1 ELSE 0 END), 0),
                COUNT(a.person_id)
         FROM meetings m LEFT JOIN attendance a ON a.meeting_id = m.id
         WHERE m.status = 'held' AND m.starts_at >= ? AND m.starts_at < ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    let (made, open, overdue): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN g.status = 'open' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN g.status = 'open' AND g.due_on < ? THEN 1 ELSE 0 END), 0)
         FROM agreements g JOIN meetings m ON m.id = g.meeting_id
         WHERE g.status <> 'proposed' AND m.starts_at >= ? AND m.starts_at < ?",
    )
    .bind(span.end)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    let nodes: (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(samples), 0), COALESCE(SUM(up_samples), 0) FROM node_hourly WHERE hour >= ? AND hour < ?",
    )
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    Ok(vec![
        fact("Sesiones celebradas", "Meetings held", held.to_string()),
        fact("Asistencia", "Attendance", percent(present, expected)),
        fact("Acuerdos adoptados", "Agreements made", made.to_string()),
        fact("Acuerdos abiertos", "Agreements open", open.to_string()),
        fact(
            "Acuerdos vencidos al cierre del periodo",
            "Agreements overdue at the period's end",
            overdue.to_string(),
        ),
        fact(
            "Disponibilidad de la red",
            "Network availability",
            percent(nodes.1, nodes.0),
        ),
    ])
}
