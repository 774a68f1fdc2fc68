//! The public registers as datasets: each one's stable column names (documented in both
//! languages), the query that reads exactly what its public page shows, and that page. A column's
//! name never changes once published; a new column goes at the end.
//!
//! The queries are portable SQL (no SQLite-only functions), ordered by a stable key, and select
//! only public rows: meetings that were convened, nodes admitted once, projects decided, votes'
//! rolls of recorded votes, offices of the governing bodies, evidences' data only where its kind
//! is public.

/// A column: its name in the header row and what it holds.
pub struct Column {
    pub name: &'static str,
    pub es: &'static str,
    pub en: &'static str,
}

/// A public register published as CSV and JSON.
pub struct Dataset {
    pub slug: &'static str,
    pub title_es: &'static str,
    pub title_en: &'static str,
    pub about_es: &'static str,
    pub about_en: &'static str,
    /// The page that shows it (and links to its files).
    pub page: &'static str,
    pub columns: &'static [Column],
    /// Selects the columns in this order, under these names.
    pub sql: &'static str,
}

const fn c(name: &'static str, es: &'static str, en: &'static str) -> Column {
    Column { name, es, en }
}

pub static DATASETS: &[Dataset] = &[
    Dataset {
        slug: "decisions",
        title_es: "Decisiones de gobernanza",
        title_en: "Governance decisions",
        about_es: "Cada decisión de los órganos de la red, con su evidencia en el registro público.",
        about_en: "Every decision of the network's bodies, with its evidence in the public log.",
        page: "/decisions",
        columns: &[
            c("id", "Número de la decisión", "Decision number"),
            c(
                "event",
                "Tipo de decisión (p. ej. office-granted)",
                "Kind of decision (e.g. office-granted)",
            ),
            c("body", "Órgano que decidió", "Deciding body"),
            c("reference", "Referencia única", "Unique reference"),
            c("title_es", "Título en español", "Title in Spanish"),
            c("title_en", "Título en inglés", "Title in English"),
            c(
                "decided_at",
                "Fecha y hora (UTC, ISO 8601)",
                "Date and time (UTC, ISO 8601)",
            ),
            c(
                "evidence_id",
                "Evidencia en el registro (/v/<id>)",
                "Evidence in the log (/v/<id>)",
            ),
            c(
                "document_sha256",
                "SHA-256 del documento adjunto",
                "SHA-256 of the attached document",
            ),
            c(
                "data",
                "La decisión completa (JSON)",
                "The full decision (JSON)",
            ),
        ],
        sql: "SELECT id, event, body, ref AS reference, title_es, title_en, decided_at, evidence_id,
                     document_sha256, data_json AS data
              FROM decisions ORDER BY id",
    },
    Dataset {
        slug: "terms",
        title_es: "Consejos y mandatos",
        title_en: "Councils and terms",
        about_es: "Quién ocupa o ocupó cada cargo de los órganos de gobierno, y por cuánto tiempo.",
        about_en: "Who holds or held each office of the governing bodies, and for how long.",
        page: "/councils",
        columns: &[
            c("id", "Número del mandato", "Term number"),
            c(
                "role",
                "Cargo (collective_leader, executive_secretary, projects_commission, nodes_commission, advisory_member)",
                "Office (collective_leader, executive_secretary, projects_commission, nodes_commission, advisory_member)",
            ),
            c("holder", "Titular", "Holder"),
            c("institution", "Institución del titular", "Holder's institution"),
            c(
                "collective",
                "Colectivo representado (slug)",
                "Collective represented (slug)",
            ),
            c("starts_on", "Inicio del mandato", "Term starts"),
            c("ends_on", "Fin previsto del mandato", "Term ends"),
            c("revoked_at", "Terminado antes (fecha)", "Ended early (date)"),
            c("revoke_reason", "Motivo del término anticipado", "Why it ended early"),
            c(
                "renews",
                "Mandato que renueva (número)",
                "Term it renews (number)",
            ),
        ],
        sql: "SELECT o.id, o.role, p.full_name AS holder, i.name AS institution, c.slug AS collective,
                     o.starts_on, o.ends_on, o.revoked_at, o.revoke_reason, o.renews
              FROM offices o JOIN people p ON p.id = o.person_id
              LEFT JOIN institutions i ON i.id = p.institution_id
              LEFT JOIN collectives c ON c.id = o.collective_id
              WHERE o.role IN ('collective_leader', 'executive_secretary', 'projects_commission',
                               'nodes_commission', 'advisory_member')
              ORDER BY o.id",
    },
    Dataset {
        slug: "votes",
        title_es: "Votaciones",
        title_en: "Votes",
        about_es: "Las votaciones de los órganos: pregunta, regla de mayoría, estado y resultado.",
        about_en: "The bodies' votes: question, majority rule, state and result.",
        page: "/votes",
        columns: &[
            c("id", "Número de la votación", "Vote number"),
            c(
                "subject",
                "Qué se vota (leader-renewal, motion, node, project…)",
                "What is voted (leader-renewal, motion, node, project…)",
            ),
            c(
                "subject_id",
                "Número de lo votado",
                "Number of what is voted",
            ),
            c("electorate", "Quiénes votan", "Who votes"),
            c("question_es", "Pregunta en español", "Question in Spanish"),
            c("question_en", "Pregunta en inglés", "Question in English"),
            c(
                "majority",
                "Mayoría requerida (simple, two_thirds)",
                "Majority required (simple, two_thirds)",
            ),
            c("tie_rule", "Regla de empate", "Tie rule"),
            c("secret", "Secreta (1) o nominal (0)", "Secret (1) or recorded (0)"),
            c("liquid", "Admite delegación (1/0)", "Delegation allowed (1/0)"),
            c("status", "Estado (open, closed)", "State (open, closed)"),
            c("closes_at", "Cierre previsto", "Closes at"),
            c("closed_at", "Cerrada el", "Closed at"),
            c(
                "result",
                "Resultado al cierre (JSON)",
                "Result when closed (JSON)",
            ),
        ],
        sql: "SELECT id, subject, subject_id, electorate, question_es, question_en, majority, tie_rule,
                     secret, liquid, status, closes_at, closed_at,
                     CASE WHEN status = 'closed' THEN result_json END AS result
              FROM votes ORDER BY id",
    },
    Dataset {
        slug: "vote-rolls",
        title_es: "Votos nominales",
        title_en: "Recorded ballots",
        about_es: "Cómo votó cada integrante en las votaciones nominales (las secretas no se publican).",
        about_en: "How each member voted in recorded votes (secret ones are not published).",
        page: "/votes",
        columns: &[
            c("vote_id", "Número de la votación", "Vote number"),
            c("voter", "Votante", "Voter"),
            c(
                "choice",
                "Voto (yes, no, abstain)",
                "Choice (yes, no, abstain)",
            ),
            c("cast_at", "Emitido el", "Cast at"),
        ],
        sql: "SELECT b.vote_id, p.full_name AS voter, b.choice, b.cast_at
              FROM ballots b JOIN votes v ON v.id = b.vote_id JOIN people p ON p.id = b.person_id
              WHERE v.secret = 0 ORDER BY b.vote_id, b.cast_at, b.id",
    },
    Dataset {
        slug: "meetings",
        title_es: "Sesiones",
        title_en: "Meetings",
        about_es: "Las sesiones convocadas de los consejos, con su estado y su quórum.",
        about_en: "The councils' convened meetings, with their state and quorum.",
        page: "/meetings",
        columns: &[
            c("id", "Número de la sesión", "Meeting number"),
            c("body", "Órgano", "Body"),
            c(
                "kind",
                "Ordinaria o extraordinaria",
                "Ordinary or extraordinary",
            ),
            c("title_es", "Título en español", "Title in Spanish"),
            c("title_en", "Título en inglés", "Title in English"),
            c("starts_at", "Inicio (UTC)", "Starts (UTC)"),
            c("ends_at", "Fin (UTC)", "Ends (UTC)"),
            c("timezone", "Zona horaria de la sesión", "The meeting's time zone"),
            c("place", "Lugar", "Place"),
            c(
                "status",
                "Estado (convened, held, cancelled)",
                "State (convened, held, cancelled)",
            ),
            c("convened_at", "Convocada el", "Convened at"),
            c("opened_at", "Abierta el", "Opened at"),
            c("closed_at", "Cerrada el", "Closed at"),
            c("cancel_reason", "Motivo de la cancelación", "Why it was cancelled"),
            c(
                "quorum",
                "Quórum al abrir (JSON)",
                "Quorum when opened (JSON)",
            ),
        ],
        sql: "SELECT id, body, kind, title_es, title_en, starts_at, ends_at, timezone, place, status,
                     convened_at, opened_at, closed_at, cancel_reason, quorum_json AS quorum
              FROM meetings WHERE status <> 'draft' ORDER BY starts_at, id",
    },
    Dataset {
        slug: "minutes",
        title_es: "Actas aprobadas",
        title_en: "Approved minutes",
        about_es: "El texto de cada acta aprobada, con la huella de su PDF y la decisión que la aprobó.",
        about_en: "The text of each approved set of minutes, with its PDF's hash and the decision that approved it.",
        page: "/meetings",
        columns: &[
            c("meeting_id", "Número de la sesión", "Meeting number"),
            c("revision", "Revisión aprobada", "Revision approved"),
            c("approved_at", "Aprobada el", "Approved at"),
            c(
                "approved_how",
                "Cómo se aprobó (vote, rule…)",
                "How it was approved (vote, rule…)",
            ),
            c("pdf_sha256", "SHA-256 del PDF", "SHA-256 of the PDF"),
            c(
                "decision_id",
                "Decisión que la aprobó",
                "Decision that approved it",
            ),
            c("text", "Texto del acta", "Text of the minutes"),
        ],
        sql: "SELECT meeting_id, revision, approved_at, approved_how, pdf_sha256, decision_id, text
              FROM minutes WHERE status = 'approved' ORDER BY meeting_id",
    },
    Dataset {
        slug: "agreements",
        title_es: "Acuerdos de las sesiones",
        title_en: "Meeting agreements",
        about_es: "Los acuerdos tomados en sesión, su responsable, su plazo y su cumplimiento.",
        about_en: "The agreements made in meetings, who owns them, their deadline and how they ended.",
        page: "/meetings",
        columns: &[
            c("id", "Número del acuerdo", "Agreement number"),
            c("meeting_id", "Sesión", "Meeting"),
            c("text", "Acuerdo", "Agreement"),
            c("owner", "Responsable", "Owner"),
            c("due_on", "Plazo", "Due on"),
            c(
                "status",
                "Estado (open, done, dropped)",
                "State (open, done, dropped)",
            ),
            c("opened_at", "Tomado el", "Made at"),
            c("closed_at", "Cerrado el", "Closed at"),
            c("closing_note", "Nota de cierre", "Closing note"),
        ],
        sql: "SELECT a.id, a.meeting_id, a.text, p.full_name AS owner, a.due_on, a.status, a.opened_at,
                     a.closed_at, a.closing_note
              FROM agreements a LEFT JOIN people p ON p.id = a.owner_id ORDER BY a.id",
    },
    Dataset {
        slug: "collectives",
        title_es: "Colectivos",
        title_en: "Collectives",
        about_es: "Los colectivos que forman la red.",
        about_en: "The collectives that make up the network.",
        page: "/collectives",
        columns: &[
            c("id", "Número", "Number"),
            c("slug", "Identificador en las direcciones", "Identifier in addresses"),
            c("sector", "Sector", "Sector"),
            c("name_es", "Nombre en español", "Name in Spanish"),
            c("name_en", "Nombre en inglés", "Name in English"),
            c("description_es", "Descripción en español", "Description in Spanish"),
            c("description_en", "Descripción en inglés", "Description in English"),
            c("created_on", "Fundado el", "Founded on"),
        ],
        sql: "SELECT id, slug, sector, name_es, name_en, description_es, description_en, created_on
              FROM collectives ORDER BY id",
    },
    Dataset {
        slug: "institutions",
        title_es: "Instituciones",
        title_en: "Institutions",
        about_es: "Las instituciones que participan en la red.",
        about_en: "The institutions taking part in the network.",
        page: "/collectives",
        columns: &[
            c("id", "Número", "Number"),
            c("name", "Nombre", "Name"),
            c("short_name", "Nombre corto", "Short name"),
            c("sector", "Sector", "Sector"),
            c("kind", "Tipo de institución", "Kind of institution"),
            c("website", "Sitio web", "Website"),
        ],
        sql: "SELECT id, name, short_name, sector, kind, website FROM institutions ORDER BY id",
    },
    Dataset {
        slug: "memberships",
        title_es: "Membresías de instituciones",
        title_en: "Institutions' memberships",
        about_es: "Qué institución pertenece a qué colectivo, y desde cuándo.",
        about_en: "Which institution belongs to which collective, and since when.",
        page: "/collectives",
        columns: &[
            c("id", "Número", "Number"),
            c("collective", "Colectivo (slug)", "Collective (slug)"),
            c("institution_id", "Número de la institución", "Institution number"),
            c("institution", "Institución", "Institution"),
            c("since", "Desde", "Since"),
            c("until", "Hasta", "Until"),
        ],
        sql: "SELECT m.id, c.slug AS collective, m.institution_id, i.name AS institution, m.since, m.until
              FROM collective_memberships m JOIN collectives c ON c.id = m.collective_id
              JOIN institutions i ON i.id = m.institution_id ORDER BY m.id",
    },
    Dataset {
        slug: "nodes",
        title_es: "Nodos de la red",
        title_en: "The network's nodes",
        about_es: "Los nodos admitidos (también los suspendidos o retirados): quién los opera, dónde y cómo.",
        about_en: "The admitted nodes (suspended or retired ones too): who runs them, where and how.",
        page: "/network",
        columns: &[
            c("id", "Número del nodo", "Node number"),
            c("name", "Nombre", "Name"),
            c("operator", "Institución o persona que lo opera", "Institution or person running it"),
            c("collective", "Colectivo (slug)", "Collective (slug)"),
            c(
                "node_type",
                "Tipo (validator, writer, boot, observer)",
                "Type (validator, writer, boot, observer)",
            ),
            c("host_kind", "Alojamiento", "Hosting"),
            c("location", "Ubicación", "Location"),
            c(
                "status",
                "Estado (admitted, suspended, retired)",
                "State (admitted, suspended, retired)",
            ),
            c("deployment", "Despliegue", "Deployment"),
            c("admitted_at", "Admitido el", "Admitted at"),
        ],
        sql: "SELECT n.id, n.name, COALESCE(i.name, p.full_name) AS operator, c.slug AS collective,
                     n.node_type, n.host_kind, n.location, n.status, n.deployment, n.admitted_at
              FROM nodes n JOIN people p ON p.id = n.person_id
              LEFT JOIN institutions i ON i.id = n.institution_id
              JOIN collectives c ON c.id = n.collective_id
              WHERE n.status IN ('admitted', 'suspended', 'retired') ORDER BY n.id",
    },
    Dataset {
        slug: "node-health",
        title_es: "Salud diaria de los nodos",
        title_en: "Nodes' daily health",
        about_es: "Por nodo y día (UTC): muestras tomadas, disponibilidad, retraso máximo respecto de la red, pares mínimos y latencia.",
        about_en: "Per node and day (UTC): samples taken, availability, worst lag behind the network, fewest peers and latency.",
        page: "/network",
        columns: &[
            c("node_id", "Número del nodo", "Node number"),
            c("day", "Día (UTC)", "Day (UTC)"),
            c("samples", "Muestras tomadas", "Samples taken"),
            c("up_samples", "Muestras en línea", "Samples up"),
            c(
                "lag_max",
                "Mayor retraso en bloques",
                "Largest lag in blocks",
            ),
            c("peers_min", "Menos pares conectados", "Fewest peers connected"),
            c(
                "latency_p95_max",
                "Peor latencia p95 de la hora (ms)",
                "Worst hourly p95 latency (ms)",
            ),
        ],
        sql: "SELECT h.node_id, substr(h.hour, 1, 10) AS day, SUM(h.samples) AS samples,
                     SUM(h.up_samples) AS up_samples, MAX(h.lag_max) AS lag_max,
                     MIN(h.peers_min) AS peers_min, MAX(h.latency_p95) AS latency_p95_max
              FROM node_hourly h JOIN nodes n ON n.id = h.node_id
              WHERE n.status IN ('admitted', 'suspended', 'retired')
              GROUP BY h.node_id, substr(h.hour, 1, 10) ORDER BY day, h.node_id",
    },
    Dataset {
        slug: "projects",
        title_es: "Proyectos",
        title_en: "Projects",
        about_es: "Los proyectos decididos (admitidos, cerrados o rechazados), con su plan por fases.",
        about_en: "The projects decided (admitted, closed or rejected), with their plan by phases.",
        page: "/projects",
        columns: &[
            c("id", "Número del proyecto", "Project number"),
            c("title", "Título", "Title"),
            c("entity", "Entidad responsable", "Responsible entity"),
            c("collective", "Colectivo (slug)", "Collective (slug)"),
            c("call_id", "Convocatoria", "Call"),
            c(
                "status",
                "Estado (admitted, closed, rejected)",
                "State (admitted, closed, rejected)",
            ),
            c(
                "phase",
                "Fase (proof_of_concept, prototype, mvp, production)",
                "Phase (proof_of_concept, prototype, mvp, production)",
            ),
            c("problem", "Problema que atiende", "Problem it addresses"),
            c("public_value", "Valor público", "Public value"),
            c("beneficiaries", "Beneficiarios", "Beneficiaries"),
            c("licence", "Licencia", "Licence"),
            c("repository", "Repositorio", "Repository"),
            c("open_data", "Datos abiertos que publica", "Open data it publishes"),
            c("requested_nodes", "Nodos solicitados", "Nodes requested"),
            c("submitted_at", "Presentado el", "Submitted at"),
            c("admitted_at", "Admitido el", "Admitted at"),
            c("closed_at", "Cerrado el", "Closed at"),
            c("lessons", "Lecciones aprendidas", "Lessons learnt"),
            c("plan", "Plan por fases (JSON)", "Plan by phases (JSON)"),
        ],
        sql: "SELECT p.id, p.title, p.entity_name AS entity, c.slug AS collective, p.call_id, p.status, p.phase,
                     p.problem, p.public_value, p.beneficiaries, p.licence, p.repository, p.open_data,
                     p.requested_nodes, p.submitted_at, p.admitted_at, p.closed_at, p.lessons,
                     p.plan_json AS plan
              FROM projects p JOIN collectives c ON c.id = p.collective_id
              WHERE p.status IN ('admitted', 'closed', 'rejected') ORDER BY p.id",
    },
    Dataset {
        slug: "project-metrics",
        title_es: "Métricas de los proyectos",
        title_en: "Projects' metrics",
        about_es: "Los valores medidos de las métricas de cada proyecto público.",
        about_en: "The measured values of each public project's metrics.",
        page: "/projects",
        columns: &[
            c("project_id", "Número del proyecto", "Project number"),
            c("metric", "Métrica", "Metric"),
            c("measured_on", "Medida el", "Measured on"),
            c("value", "Valor", "Value"),
            c("note", "Nota", "Note"),
            c(
                "source",
                "Origen del valor (portal, api…)",
                "Where the value came from (portal, api…)",
            ),
        ],
        sql: "SELECT v.project_id, v.metric, v.measured_on, v.value, v.note, v.source
              FROM project_metric_values v JOIN projects p ON p.id = v.project_id
              WHERE p.status IN ('admitted', 'closed', 'rejected')
              ORDER BY v.project_id, v.metric, v.measured_on, v.id",
    },
    Dataset {
        slug: "reports",
        title_es: "Cumplimiento de informes",
        title_en: "Report compliance",
        about_es: "Cada informe presentado del calendario: quién lo debía, su periodo, su plazo, cuándo se presentó y si fue a tiempo.",
        about_en: "Each filed report of the calendar: who owed it, its period, its deadline, when it was filed and whether on time.",
        page: "/reporting",
        columns: &[
            c("id", "Número del informe", "Report number"),
            c("debtor", "Quién lo debe", "Who owes it"),
            c(
                "subject",
                "Sobre qué (project:4, collective:1…)",
                "What about (project:4, collective:1…)",
            ),
            c("subject_name", "Nombre de lo informado", "Name of what it reports on"),
            c("period", "Periodo", "Period"),
            c("period_start", "Inicio del periodo", "Period starts"),
            c("period_end", "Fin del periodo", "Period ends"),
            c("due_on", "Plazo", "Due on"),
            c("status", "Estado (filed)", "State (filed)"),
            c("filed_at", "Presentado el", "Filed at"),
            c("pdf_sha256", "SHA-256 del PDF presentado", "SHA-256 of the filed PDF"),
            c(
                "decision_id",
                "Decisión que lo registró",
                "Decision that registered it",
            ),
            c(
                "on_time",
                "Presentado a tiempo (1) o con retraso (0)",
                "Filed on time (1) or late (0)",
            ),
        ],
        sql: "SELECT id, debtor, subject, subject_name, period, period_start, period_end, due_on, status,
                     filed_at, pdf_sha256, decision_id,
                     CASE WHEN substr(filed_at, 1, 10) <= due_on THEN 1 ELSE 0 END AS on_time
              FROM reports WHERE status = 'filed' ORDER BY due_on, id",
    },
    Dataset {
        slug: "batch-reports",
        title_es: "Rondas de anclaje",
        title_en: "Anchoring rounds",
        about_es: "Cada ronda que ancló el registro en otra red: el tramo cubierto, su informe y cada anclaje.",
        about_en: "Each round that anchored the log elsewhere: the span covered, its report and each anchor.",
        page: "/reports",
        columns: &[
            c("round_id", "Número de la ronda", "Round number"),
            c("from_size", "Desde el tamaño del registro", "From log size"),
            c("to_size", "Hasta el tamaño del registro", "To log size"),
            c(
                "report_evidence_id",
                "Evidencia del informe de la ronda",
                "Evidence of the round's report",
            ),
            c("created_at", "Fecha de la ronda", "Round date"),
            c("backend", "Dónde se ancló", "Where it was anchored"),
            c("state", "Estado del anclaje", "State of the anchor"),
            c("chain_id", "Cadena (chain id)", "Chain id"),
            c("tx_hash", "Transacción", "Transaction"),
            c("block_number", "Bloque", "Block"),
            c("anchored_at", "Anclada el", "Anchored at"),
        ],
        sql: "SELECT b.round_id, b.from_size, b.to_size, b.evidence_id AS report_evidence_id, b.created_at,
                     a.backend, a.state, a.chain_id, a.tx_hash, a.block_number, a.anchored_at
              FROM batch_reports b LEFT JOIN anchors a ON a.round_id = b.round_id
              ORDER BY b.round_id, a.id",
    },
    Dataset {
        slug: "evidences",
        title_es: "Evidencias registradas",
        title_en: "Registered evidences",
        about_es: "Cada entrada del registro público: sus huellas siempre; sus datos cuando su tipo es público. Los volcados de datos abiertos están en el catálogo, no aquí.",
        about_en: "Every entry of the public log: its hashes always; its data when its kind is public. The open data dumps are in the catalogue, not here.",
        page: "/v",
        columns: &[
            c("index", "Posición en el registro", "Position in the log"),
            c("id", "Identificador (/v/<id>)", "Identifier (/v/<id>)"),
            c("source", "Sistema de origen", "Source system"),
            c("kind", "Tipo", "Kind"),
            c("reference", "Referencia del sistema de origen", "The source's reference"),
            c("registered_at", "Registrada el", "Registered at"),
            c("data_hash", "Huella de los datos (hash 1)", "Data hash (hash 1)"),
            c(
                "document_hash",
                "Huella del documento (hash 2)",
                "Document hash (hash 2)",
            ),
            c("link_hash", "Huella de enlace (hash 3)", "Link hash (hash 3)"),
            c(
                "items_root",
                "Raíz de los elementos relacionados",
                "Root of the related items",
            ),
            c("items_count", "Elementos relacionados", "Related items"),
            c(
                "document_media_type",
                "Tipo del documento",
                "Document's media type",
            ),
            c(
                "data",
                "Datos registrados (JSON), si el tipo es público",
                "Registered data (JSON), when the kind is public",
            ),
        ],
        sql: "SELECT e.idx AS \"index\", e.id, e.source, e.kind, e.ref AS reference, e.registered_at,
                     e.data_hash, e.document_hash, e.link_hash, e.items_root, e.items_count,
                     e.document_media_type,
                     CASE WHEN (e.source = 'portal' AND e.kind LIKE 'governance.%') OR v.public = 1
                          THEN e.data_json END AS data
              FROM evidences e
              LEFT JOIN evidence_visibility v ON v.source = e.source AND v.kind = e.kind
              WHERE NOT (e.source = 'portal' AND e.kind = 'open-data.dump')
              ORDER BY e.idx",
    },
];

/// The dataset published under `slug`.
pub fn find(slug: &str) -> Option<&'static Dataset> {
    DATASETS.iter().find(|d| d.slug == slug)
}

/// The datasets a page shows.
pub fn of_page(page: &str) -> impl Iterator<Item = &'static Dataset> {
    DATASETS.iter().filter(move |d| d.page == page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_and_names_are_plain() {
        let mut seen = std::collections::HashSet::new();
        for d in DATASETS {
            assert!(seen.insert(d.slug), "{} twice", d.slug);
            assert!(
                d.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                d.slug
            );
            let mut names = std::collections::HashSet::new();
            for c in d.columns {
                assert!(names.insert(c.name), "{}.{} twice", d.slug, c.name);
                assert!(
                    c.name
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
                    "{}.{}",
                    d.slug,
                    c.name
                );
            }
        }
    }
}
