//! Atom feeds (RFC 4287): a feed with its id, title, self and alternate links, update time and
//! author, and its entries, each with an id, a title, a link, its update time and a plain-text
//! summary or content. Everything is written escaped as XML text.

use chrono::{DateTime, SecondsFormat, Utc};

pub struct Entry {
    pub id: String,
    pub title: String,
    pub link: String,
    pub updated: DateTime<Utc>,
    pub summary: String,
    /// Longer text (approved minutes), as `<content type="text">`.
    pub content: Option<String>,
    /// Another page the entry relates to (a meeting's minutes).
    pub related: Option<String>,
}

pub struct Feed {
    pub id: String,
    pub title: String,
    pub self_link: String,
    pub alternate: String,
    pub lang: &'static str,
    pub entries: Vec<Entry>,
}

/// Text escaped for XML content and attribute values, without the characters XML 1.0 forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Feed {
    /// The feed document; its `updated` is its newest entry's (or `now` when it has none).
    pub fn render(&self, now: DateTime<Utc>) -> String {
        let updated = self.entries.iter().map(|e| e.updated).max().unwrap_or(now);
        let mut out = String::new();
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        out.push_str(&format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
            self.lang
        ));
        out.push_str(&format!("  <id>{}</id>\n", escape(&self.id)));
        out.push_str(&format!("  <title>{}</title>\n", escape(&self.title)));
        out.push_str(&format!("  <updated>{}</updated>\n", time(updated)));
        out.push_str("  <author><name>Minga</name></author>\n");
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape(&self.self_link)
        ));
        out.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&self.alternate)
        ));
        for e in &self.entries {
            out.push_str("  <entry>\n");
            out.push_str(&format!("    <id>{}</id>\n", escape(&e.id)));
            out.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
            out.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                escape(&e.link)
            ));
            if let Some(related) = &e.related {
                out.push_str(&format!(
                    "    <link rel=\"related\" type=\"text/html\" href=\"{}\"/>\n",
                    escape(related)
                ));
            }
            out.push_str(&format!("    <updated>{}</updated>\n", time(e.updated)));
            out.push_str(&format!(
                "    <summary type=\"text\">{}</summary>\n",
                escape(&e.summary)
            ));
            if let Some(content) = &e.content {
                out.push_str(&format!(
                    "    <content type=\"text\">{}</content>\n",
                    escape(content)
                ));
            }
            out.push_str("  </entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_is_escaped_and_dated_by_its_newest_entry() {
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("time")
                .with_timezone(&Utc)
        };
        let feed = Feed {
            id: "https://minga.example/decisions.atom".into(),
            title: "Decisiones & <acuerdos>".into(),
            self_link: "https://minga.example/decisions.atom?body=a&event=b".into(),
            alternate: "https://minga.example/decisions".into(),
            lang: "es",
            entries: vec![
                Entry {
                    id: "https://minga.example/decisions#decision-1".into(),
                    title: "Líder \"electa\"".into(),
                    link: "https://minga.example/v/abc".into(),
                    updated: at("2026-11-30T10:00:00Z"),
                    summary: "<script>alert(1)</script>\u{1}".into(),
                    content: None,
                    related: None,
                },
                Entry {
                    id: "x".into(),
                    title: "y".into(),
                    link: "z".into(),
                    updated: at("2026-12-01T08:30:00Z"),
                    summary: String::new(),
                    content: Some("acta".into()),
                    related: Some("r".into()),
                },
            ],
        };
        let xml = feed.render(at("2026-12-02T00:00:00Z"));
        assert!(xml.contains("<title>Decisiones &amp; &lt;acuerdos&gt;</title>"));
        assert!(xml.contains("href=\"https://minga.example/decisions.atom?body=a&amp;event=b\""));
        assert!(xml.contains("<title>Líder &quot;electa&quot;</title>"));
        assert!(xml.contains("&lt;script&gt;alert(1)&lt;/script&gt;</summary>"));
        assert!(!xml.contains('\u{1}'));
        assert!(xml.contains("  <updated>2026-12-01T08:30:00Z</updated>\n  <author>"));
        assert!(xml.contains("<content type=\"text\">acta</content>"));
    }
}
