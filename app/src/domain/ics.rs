//! iCalendar (RFC 5545) invitations, as iTIP (RFC 5546) REQUEST or CANCEL: what a meeting's
//! convocation carries so that a council member's calendar shows it, and removes it when the
//! meeting is called off.
//!
//! Times are written in UTC (`DTSTART:20261201T150000Z`), which every calendar shows in its
//! user's own time zone. A local time with `TZID=` would oblige the file to carry a VTIMEZONE
//! definition of that zone's rules (RFC 5545 §3.6.5), which clients do not need for a single
//! meeting; so there is none.
//!
//! The output follows the RFC's form exactly: CRLF line endings, TEXT values escaped (backslash,
//! semicolon, comma, newline) and content lines folded at 75 octets without splitting a UTF-8
//! character.

use chrono::{DateTime, Utc};

/// The iTIP method of a calendar: an invitation (or its update) or its cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    /// A published calendar (a subscribable feed or a download), not an invitation.
    Publish,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        match s.trim().to_ascii_uppercase().as_str() {
            "REQUEST" => Some(Method::Request),
            "CANCEL" => Some(Method::Cancel),
            "PUBLISH" => Some(Method::Publish),
            _ => None,
        }
    }
}

/// `STATUS` of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Tentative,
    Confirmed,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Tentative => "TENTATIVE",
            Status::Confirmed => "CONFIRMED",
            Status::Cancelled => "CANCELLED",
        }
    }
}

/// Someone with a name and an e-mail address (the organizer, an attendee).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// One event (`VEVENT`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across updates, e.g. `meeting-12@minga.gob.mx`.
    pub uid: String,
    /// Bumped with every update the attendees must see (0 for the first invitation).
    pub sequence: u32,
    pub status: Status,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    /// Plain text; empty for none.
    pub description: String,
    /// Plain text (a room, an address, "virtual"); empty for none.
    pub location: String,
    /// A page about the event (e.g. the meeting's page in the portal).
    pub url: Option<String>,
    pub organizer: Person,
    pub attendees: Vec<Person>,
    /// When this version of the event was written.
    pub dtstamp: DateTime<Utc>,
}

impl Event {
    /// The same event called off: `STATUS:CANCELLED` and the next `SEQUENCE`, stamped `now`.
    /// Send it in a [`Method::Cancel`] calendar.
    pub fn cancelled(&self, now: DateTime<Utc>) -> Event {
        Event {
            sequence: self.sequence + 1,
            status: Status::Cancelled,
            dtstamp: now,
            ..self.clone()
        }
    }
}

/// A calendar object (`VCALENDAR`) of one iTIP method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub method: Method,
    pub events: Vec<Event>,
}

/// The product identifier every calendar carries.
pub const PRODID: &str = "-//Minga//Minga portal//ES";

/// The calendar as iCalendar text (`text/calendar`).
pub fn to_ics(cal: &Calendar) -> String {
    let mut out = String::new();
    let mut line = |l: &str| push_folded(&mut out, l);
    line("BEGIN:VCALENDAR");
    line(&format!("PRODID:{PRODID}"));
    line("VERSION:2.0");
    line("CALSCALE:GREGORIAN");
    line(&format!("METHOD:{}", cal.method.as_str()));
    for e in &cal.events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape_text(&e.uid)));
        line(&format!("DTSTAMP:{}", utc(e.dtstamp)));
        line(&format!("SEQUENCE:{}", e.sequence));
        line(&format!("STATUS:{}", e.status.as_str()));
        line(&format!("DTSTART:{}", utc(e.start)));
        line(&format!("DTEND:{}", utc(e.end)));
        line(&format!("SUMMARY:{}", escape_text(&e.summary)));
        if !e.description.is_empty() {
            line(&format!("DESCRIPTION:{}", escape_text(&e.description)));
        }
        if !e.location.is_empty() {
            line(&format!("LOCATION:{}", escape_text(&e.location)));
        }
        if let Some(url) = &e.url {
            line(&format!("URL:{}", uri(url)));
        }
        line(&format!(
            "ORGANIZER;CN={}:mailto:{}",
            param(&e.organizer.name),
            uri(&e.organizer.email)
        ));
        for a in &e.attendees {
            line(&format!(
                "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{}",
                param(&a.name),
                uri(&a.email)
            ));
        }
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// The `METHOD` of an iCalendar text (a mailer labels the `text/calendar` part with it).
pub fn method_of(ics: &str) -> Option<Method> {
    ics.lines()
        .map(str::trim_end)
        .take_while(|l| !l.eq_ignore_ascii_case("BEGIN:VEVENT"))
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("METHOD")
                .then(|| Method::parse(value))
                .flatten()
        })
}

/// A UTC date-time in the RFC's basic form: `20261201T150000Z`.
fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, every line break
/// (CRLF, LF or CR) as `\n`; other control characters (but tab) dropped, as TEXT cannot hold them.
pub fn escape_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, always quoted (a name may hold `,`, `;` or `:`); a quoted value cannot
/// hold a double quote or a control character, so those are dropped.
fn param(s: &str) -> String {
    let inner: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{inner}\"")
}

/// A URI value (an address, a link): no escaping, but no control characters or spaces either.
fn uri(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// Appends one content line folded at 75 octets (RFC 5545 §3.1: a long line goes on in lines
/// that start with a space, the space counting toward their 75), never inside a UTF-8 character,
/// and ends it with CRLF.
fn push_folded(out: &mut String, line: &str) {
    const MAX: usize = 75;
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > MAX {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn meeting() -> Event {
        Event {
            uid: "meeting-7@minga.example".into(),
            sequence: 0,
            status: Status::Confirmed,
            start: at("2026-12-01T15:00:00Z"),
            end: at("2026-12-01T17:00:00Z"),
            summary: "Sesión ordinaria".into(),
            description: String::new(),
            location: "Sala 2".into(),
            url: Some("https://minga.example/meetings/7".into()),
            organizer: Person {
                name: "Secretaría Ejecutiva".into(),
                email: "secretaria@minga.example".into(),
            },
            attendees: vec![Person {
                name: "Ana Pérez".into(),
                email: "ana@minga.example".into(),
            }],
            dtstamp: at("2026-11-15T09:30:00Z"),
        }
    }

    /// The physical lines, each without its CRLF; every line must have ended in CRLF.
    fn physical_lines(ics: &str) -> Vec<&str> {
        assert!(ics.ends_with("\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains(['\r', '\n']),
            "bare CR or LF in {ics:?}"
        );
        ics.strip_suffix("\r\n")
            .expect("crlf")
            .split("\r\n")
            .collect()
    }

    /// Undoes the folding: the logical content lines.
    fn unfold(ics: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in physical_lines(ics) {
            match l.strip_prefix(' ') {
                Some(rest) => out.last_mut().expect("a first line").push_str(rest),
                None => out.push(l.to_string()),
            }
        }
        out
    }

    #[test]
    fn a_small_invitation_exactly() {
        let ics = to_ics(&Calendar {
            method: Method::Request,
            events: vec![meeting()],
        });
        let expected = "BEGIN:VCALENDAR\r\n\
            PRODID:-//Minga//Minga portal//ES\r\n\
            VERSION:2.0\r\n\
            CALSCALE:GREGORIAN\r\n\
            METHOD:REQUEST\r\n\
            BEGIN:VEVENT\r\n\
            UID:meeting-7@minga.example\r\n\
            DTSTAMP:20261115T093000Z\r\n\
            SEQUENCE:0\r\n\
            STATUS:CONFIRMED\r\n\
            DTSTART:20261201T150000Z\r\n\
            DTEND:20261201T170000Z\r\n\
            SUMMARY:Sesión ordinaria\r\n\
            LOCATION:Sala 2\r\n\
            URL:https://minga.example/meetings/7\r\n\
            ORGANIZER;CN=\"Secretaría Ejecutiva\":mailto:secretaria@minga.example\r\n\
            ATTENDEE;CN=\"Ana Pérez\";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:ana@minga.e\r\n \
            xample\r\n\
            END:VEVENT\r\n\
            END:VCALENDAR\r\n";
        assert_eq!(ics, expected);
        assert_eq!(method_of(&ics), Some(Method::Request));
    }

    #[test]
    fn long_spanish_text_folds_at_75_octets_between_characters() {
        let description = "Orden del día: aprobación del acta anterior; informe de la \
            Secretaría Ejecutiva sobre la admisión de nodos; evaluación de proyectos en fase de \
            producción; elección de la comisión técnica. Participación presencial o virtual, \
            con representación en casos especiales. ¡Acompáñenos! Ñandú, pingüino, acción.";
        let mut event = meeting();
        event.description = description.into();
        let ics = to_ics(&Calendar {
            method: Method::Request,
            events: vec![event],
        });
        let lines = physical_lines(&ics);
        for l in &lines {
            assert!(l.len() <= 75, "{} octets: {l:?}", l.len());
        }
        // the description needed several physical lines, and some were full to the octet or
        // stopped short of a multi-byte character rather than split it (the lines are &str, so
        // a split character would not even have decoded)
        let start = lines
            .iter()
            .position(|l| l.starts_with("DESCRIPTION:"))
            .expect("description");
        let continued: Vec<&&str> = lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with(' '))
            .collect();
        assert!(continued.len() >= 4, "{lines:#?}");
        assert!(lines[start..].iter().any(|l| l.len() == 75));
        let unfolded = unfold(&ics);
        assert!(unfolded.contains(&format!(
            "DESCRIPTION:{}",
            description.replace(';', "\\;").replace(',', "\\,")
        )));
    }

    #[test]
    fn a_fold_never_splits_a_character() {
        // "SUMMARY:" and 66 letters make 74 octets: the two-octet "ñ" does not fit in the 75th,
        // so the line breaks before it
        let mut event = meeting();
        event.summary = format!("{}ñandú", "a".repeat(66));
        let ics = to_ics(&Calendar {
            method: Method::Request,
            events: vec![event],
        });
        let expected = format!("\r\nSUMMARY:{}\r\n ñandú\r\n", "a".repeat(66));
        assert!(ics.contains(&expected), "{ics}");
        // one more octet before it and the line is full: 75 octets, then the rest
        let mut event = meeting();
        event.summary = format!("{}ñandú", "a".repeat(67));
        let ics = to_ics(&Calendar {
            method: Method::Request,
            events: vec![event],
        });
        let expected = format!("\r\nSUMMARY:{}\r\n ñandú\r\n", "a".repeat(67));
        assert!(ics.contains(&expected), "{ics}");
    }

    #[test]
    fn text_is_escaped_and_names_quoted() {
        assert_eq!(
            escape_text("a\\b; c, d\r\ne\nf\rg\u{7}h\ti"),
            "a\\\\b\\; c\\, d\\ne\\nf\\ngh\ti"
        );
        let mut event = meeting();
        event.summary = "Consejo; sesión 3, extraordinaria".into();
        event.description = "Línea 1\nLínea 2 \\ fin".into();
        event.location = "Av. Reforma 10, piso 2; CDMX".into();
        event.attendees[0].name = "Pérez, \"Ana\"; Dra.".into();
        let ics = to_ics(&Calendar {
            method: Method::Request,
            events: vec![event],
        });
        let unfolded = unfold(&ics);
        for expected in [
            "SUMMARY:Consejo\\; sesión 3\\, extraordinaria",
            "DESCRIPTION:Línea 1\\nLínea 2 \\\\ fin",
            "LOCATION:Av. Reforma 10\\, piso 2\\; CDMX",
            "ATTENDEE;CN=\"Pérez, Ana; Dra.\";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:ana@minga.example",
        ] {
            assert!(
                unfolded.iter().any(|l| l == expected),
                "{expected} in {unfolded:#?}"
            );
        }
    }

    #[test]
    fn a_cancellation_bumps_the_sequence() {
        let invitation = meeting();
        let cancelled = invitation.cancelled(at("2026-11-20T08:00:00Z"));
        assert_eq!(cancelled.sequence, 1);
        assert_eq!(cancelled.uid, invitation.uid);
        let ics = to_ics(&Calendar {
            method: Method::Cancel,
            events: vec![cancelled],
        });
        let unfolded = unfold(&ics);
        let has = |l: &str| unfolded.iter().any(|x| x == l);
        assert!(has("METHOD:CANCEL"));
        assert!(has("STATUS:CANCELLED"));
        assert!(has("SEQUENCE:1"));
        assert!(has("UID:meeting-7@minga.example"));
        assert!(has("DTSTAMP:20261120T080000Z"));
        assert!(!has("METHOD:REQUEST") && !has("STATUS:CONFIRMED"));
        assert_eq!(method_of(&ics), Some(Method::Cancel));
    }

    #[test]
    fn method_is_read_from_the_calendar_not_the_events() {
        assert_eq!(
            method_of("BEGIN:VCALENDAR\r\nmethod:cancel\r\n"),
            Some(Method::Cancel)
        );
        assert_eq!(
            method_of("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nMETHOD:CANCEL\r\n"),
            None
        );
        assert_eq!(method_of("no calendar"), None);
    }
}
