//! The adhesion form, checked field by field (the enode, an endpoint the portal may ask, the
//! host against the minimum requirements), the letter of intent, and the one probe of the
//! endpoint made when a request is filed (never of a reserved name, nor of a private address
//! unless `MINGA_NODE_PROBE_PRIVATE`).

use super::*;

/// A form that passed every check.
#[derive(Clone, Debug)]
pub struct Checked {
    pub name: String,
    pub institution_id: Option<i64>,
    pub collective_id: i64,
    pub node_type: NodeType,
    pub enode: Enode,
    pub rpc_url: String,
    pub host: HostFacts,
    pub location: String,
    pub projects: String,
    pub liaison: [String; 4],
    pub unmet: Vec<Unmet>,
}

/// The host and port of an `http(s)://` URL (the scheme's port when none is written; an IPv6
/// host without its brackets), or `None` for another scheme.
fn host_port(url: &str) -> Option<(&str, u16)> {
    let (rest, default) = match url.strip_prefix("http://") {
        Some(rest) => (rest, 80),
        None => (url.strip_prefix("https://")?, 443),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && p.bytes().all(|b| b.is_ascii_digit()) => {
            (h, p.parse::<u16>().unwrap_or(0))
        }
        _ => (authority, default),
    };
    Some((host.trim_start_matches('[').trim_end_matches(']'), port))
}

/// A URL the poller may ask: `http(s)://host[:port][/path]`, no spaces, no credentials.
pub fn rpc_url_ok(url: &str) -> bool {
    host_port(url).is_some_and(|(host, _)| {
        !host.is_empty()
            && !host.contains('@')
            && url.len() <= 300
            && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// Whether `url`'s host is under a name reserved never to resolve (RFC 2606: `.example`,
/// `.invalid`, `.test`): such an endpoint is neither probed nor polled (the demo's nodes use
/// them), so that no one waits on a lookup that cannot succeed.
pub fn reserved_host(url: &str) -> bool {
    let Some((host, _)) = host_port(url) else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ["example", "invalid", "test"]
        .iter()
        .any(|tld| host == *tld || host.ends_with(&format!(".{tld}")))
}

/// A requirement not met, as a stable code with what it needs (stored with the request).
pub fn unmet_code(u: &Unmet) -> serde_json::Value {
    match u {
        Unmet::HostKind => json!({"code": "host_kind"}),
        Unmet::OperatingSystem { needed } => json!({"code": "os", "needed": needed}),
        Unmet::Ram { needed_mb } => json!({"code": "ram", "needed_mb": needed_mb}),
        Unmet::Disk { needed_gb } => json!({"code": "disk", "needed_gb": needed_gb}),
    }
}

/// Checks the form (every field, with every problem at once); `exclude` is the node being
/// amended (its own enode is not "taken").
pub async fn check(
    db: &SqlitePool,
    who: &Signed,
    form: &RequestForm,
    requirements: &NodeRequirements,
    exclude: Option<i64>,
) -> AppResult<Checked> {
    let mut invalid = Invalid::new();
    let text = |invalid: &mut Invalid, field: &'static str, value: &str, max: usize, need: bool| {
        let v = value.trim();
        if need && v.is_empty() {
            invalid.add(field, NodeProblem::Required);
        } else if v.chars().count() > max {
            invalid.add(field, NodeProblem::TooLong { max });
        } else if max == MAX_NAME && v.chars().any(char::is_control) {
            invalid.add(field, NodeProblem::Required);
        }
        v.to_string()
    };
    let name = text(&mut invalid, "name", &form.name, MAX_NAME, true);
    let location = text(&mut invalid, "location", &form.location, MAX_NAME, true);
    let projects = text(&mut invalid, "projects", &form.projects, MAX_TEXT, false);
    let liaison = [
        text(
            &mut invalid,
            "liaison_name",
            &form.liaison_name,
            MAX_NAME,
            true,
        ),
        text(
            &mut invalid,
            "liaison_position",
            &form.liaison_position,
            MAX_NAME,
            true,
        ),
        text(
            &mut invalid,
            "liaison_email",
            &form.liaison_email,
            MAX_NAME,
            true,
        ),
        text(
            &mut invalid,
            "liaison_phone",
            &form.liaison_phone,
            MAX_NAME,
            true,
        ),
    ];
    if !liaison[2].is_empty() && !email_ok(&liaison[2]) {
        invalid.add("liaison_email", NodeProblem::Email);
    }
    let os = text(&mut invalid, "os", &form.os, MAX_NAME, true);
    let node_type = NodeType::parse(form.node_type.trim());
    if node_type.is_none() {
        invalid.add("node_type", NodeProblem::TypeUnknown);
    }
    let host_kind = HostKind::parse(&form.host_kind);
    if host_kind.is_none() {
        invalid.add("host_kind", NodeProblem::HostUnknown);
    }
    let number = |invalid: &mut Invalid, field: &'static str, value: &str| {
        let n = value.trim().parse::<u64>().ok().filter(|n| *n < 1 << 40);
        if n.is_none() {
            invalid.add(field, NodeProblem::Number);
        }
        n.unwrap_or(0)
    };
    let ram_mb = number(&mut invalid, "ram_mb", &form.ram_mb);
    let disk_gb = number(&mut invalid, "disk_gb", &form.disk_gb);
    let enode = match Enode::parse(&form.enode) {
        Ok(e) => Some(e),
        Err(p) => {
            invalid.add("enode", NodeProblem::Enode(p));
            None
        }
    };
    if let Some(e) = &enode {
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM nodes WHERE node_key = ? AND id <> ? AND status NOT IN ('rejected', 'withdrawn', 'retired')",
        )
        .bind(&e.id)
        .bind(exclude.unwrap_or(0))
        .fetch_one(db)
        .await?;
        if taken > 0 {
            invalid.add("enode", NodeProblem::EnodeTaken);
        }
    }
    let rpc_url = form.rpc_url.trim().to_string();
    if !rpc_url_ok(&rpc_url) {
        invalid.add("rpc_url", NodeProblem::RpcUrl);
    }
    let collective_id = match form.collective.trim().parse::<i64>() {
        Ok(id) => {
            sqlx::query_scalar::<_, i64>("SELECT id FROM collectives WHERE id = ?")
                .bind(id)
                .fetch_optional(db)
                .await?
        }
        Err(_) => None,
    };
    if collective_id.is_none() {
        invalid.add("collective", NodeProblem::CollectiveUnknown);
    }
    let institution_id = match form.on_behalf.as_str() {
        "self" => None,
        _ => {
            let id: Option<i64> =
                sqlx::query_scalar("SELECT institution_id FROM people WHERE id = ?")
                    .bind(who.person_id())
                    .fetch_optional(db)
                    .await?
                    .flatten();
            if id.is_none() {
                invalid.add("on_behalf", NodeProblem::NoInstitution);
            }
            id
        }
    };
    invalid.into_result()?;
    let (Some(node_type), Some(kind), Some(enode), Some(collective_id)) =
        (node_type, host_kind, enode, collective_id)
    else {
        return Err(AppError::internal("node request checked"));
    };
    let host = HostFacts {
        kind,
        os,
        ram_mb,
        disk_gb,
    };
    let unmet = requirements.check(&host);
    Ok(Checked {
        name,
        institution_id,
        collective_id,
        node_type,
        enode,
        rpc_url,
        host,
        location,
        projects,
        liaison,
        unmet,
    })
}

fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Checks the letter of intent: a PDF of at most [`MAX_LETTER_BYTES`].
pub fn check_letter(letter: Option<Letter<'_>>) -> Result<Letter<'_>, Invalid> {
    match letter.filter(|(_, b)| !b.is_empty()) {
        None => Err(Invalid::one("letter", NodeProblem::LetterRequired)),
        Some((_, b)) if b.len() > MAX_LETTER_BYTES => {
            Err(Invalid::one("letter", NodeProblem::LetterTooLarge))
        }
        Some((_, b)) if !b.starts_with(b"%PDF-") => {
            Err(Invalid::one("letter", NodeProblem::LetterNotPdf))
        }
        Some(l) => Ok(l),
    }
}

/// Asks the endpoint once, if the portal has a JSON-RPC client (the server gives it one): what
/// the evaluators see. An endpoint that does not answer is stated, never a refusal.
pub async fn probe_once(state: &AppState, url: &str, validator: bool) -> Option<String> {
    if reserved_host(url) {
        return None;
    }
    if !state.settings.nodes.probe_private && !public_endpoint(url).await {
        return Some(json!({"skipped": "private_address"}).to_string());
    }
    let rpc = state.node_rpc.get()?;
    let probe = rpc.probe(url, validator).await;
    serde_json::to_string(&probe).ok()
}

/// Whether every address `url`'s host resolves to is public (see
/// [`crate::domain::nodes::is_public_ip`]). A name that does not resolve is left to the probe,
/// which will say it did not answer.
pub async fn public_endpoint(url: &str) -> bool {
    let Some((host, port)) = host_port(url) else {
        return true;
    };
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return crate::domain::nodes::is_public_ip(ip);
    }
    let lookup = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        tokio::net::lookup_host((host.to_string(), port)),
    )
    .await;
    match lookup {
        Ok(Ok(addresses)) => {
            let addresses: Vec<_> = addresses.collect();
            addresses
                .iter()
                .all(|a| crate::domain::nodes::is_public_ip(a.ip()))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_and_reserved_names() {
        for (url, ok) in [
            ("http://127.0.0.1:8545", true),
            ("https://nodo.unam.mx:8545/rpc", true),
            ("ftp://nodo", false),
            ("http://user:pw@nodo:8545", false),
            ("http:// nodo", false),
            ("http://", false),
        ] {
            assert_eq!(rpc_url_ok(url), ok, "{url}");
        }
        for (url, reserved) in [
            ("https://nodo1.unam.example:8545", true),
            ("http://x.invalid", true),
            ("http://a.test:80/", true),
            ("http://example.com", false),
            ("http://127.0.0.1:8545", false),
            ("https://testnet.gob.mx", false),
        ] {
            assert_eq!(reserved_host(url), reserved, "{url}");
        }
    }
}
