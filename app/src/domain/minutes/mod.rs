//! The minutes of a meeting and the agreements they record, as rules: where minutes and
//! agreements stand and the steps between, a motion's result as the minutes state it, the draft
//! prefilled from what the portal recorded, and the sentence that says how the minutes were
//! approved.

use super::meetings::{Presence, Seat, SeatAt};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

/// Where minutes stand. Saving circulated minutes makes a new revision, a draft again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum MinutesStatus {
    Draft,
    Circulated,
    Approved,
}

/// Why minutes cannot take a step from where they stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinutesRefusal {
    /// Approved minutes are frozen.
    Approved,
    /// Only circulated minutes are commented on and approved.
    NotCirculated,
}

/// What saving a text does to the minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saved {
    pub status: MinutesStatus,
    /// A circulated text that changes becomes a new revision, to be circulated again.
    pub new_revision: bool,
}

impl MinutesStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MinutesStatus::Draft => "draft",
            MinutesStatus::Circulated => "circulated",
            MinutesStatus::Approved => "approved",
        }
    }

    pub fn save(self) -> Result<Saved, MinutesRefusal> {
        match self {
            MinutesStatus::Draft => Ok(Saved {
                status: MinutesStatus::Draft,
                new_revision: false,
            }),
            MinutesStatus::Circulated => Ok(Saved {
                status: MinutesStatus::Draft,
                new_revision: true,
            }),
            MinutesStatus::Approved => Err(MinutesRefusal::Approved),
        }
    }

    /// `Ok(None)`: this revision is out already (its comment period is not restarted).
    pub fn circulate(self) -> Result<Option<MinutesStatus>, MinutesRefusal> {
        match self {
            MinutesStatus::Draft => Ok(Some(MinutesStatus::Circulated)),
            MinutesStatus::Circulated => Ok(None),
            MinutesStatus::Approved => Err(MinutesRefusal::Approved),
        }
    }

    /// Members comment on (and object to) circulated minutes only.
    pub fn comment(self) -> Result<MinutesStatus, MinutesRefusal> {
        match self {
            MinutesStatus::Circulated => Ok(self),
            MinutesStatus::Approved => Err(MinutesRefusal::Approved),
            MinutesStatus::Draft => Err(MinutesRefusal::NotCirculated),
        }
    }

    pub fn approve(self) -> Result<MinutesStatus, MinutesRefusal> {
        match self {
            MinutesStatus::Circulated => Ok(MinutesStatus::Approved),
            MinutesStatus::Approved => Err(MinutesRefusal::Approved),
            MinutesStatus::Draft => Err(MinutesRefusal::NotCirculated),
        }
    }
}

/// Where an agreement stands: proposed in the minutes, opened when they are approved, closed as
/// done or dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum AgreementStatus {
    Proposed,
    Open,
    Done,
    Dropped,
}

/// How an open agreement is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Dropped,
}

impl Outcome {
    pub fn parse(s: &str) -> Option<Outcome> {
        match s.trim() {
            "done" => Some(Outcome::Done),
            "dropped" => Some(Outcome::Dropped),
            _ => None,
        }
    }
}

/// Why an agreement cannot take a step from where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgreementRefusal {
    /// Only a proposed agreement (minutes not approved) may be removed or opened.
    NotProposed,
    /// Only an open agreement is closed.
    NotOpen,
}

impl AgreementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Proposed => "proposed",
            AgreementStatus::Open => "open",
            AgreementStatus::Done => "done",
            AgreementStatus::Dropped => "dropped",
        }
    }

    pub fn open(self) -> Result<AgreementStatus, AgreementRefusal> {
        match self {
            AgreementStatus::Proposed => Ok(AgreementStatus::Open),
            _ => Err(AgreementRefusal::NotProposed),
        }
    }

    pub fn close(self, outcome: Outcome) -> Result<AgreementStatus, AgreementRefusal> {
        match (self, outcome) {
            (AgreementStatus::Open, Outcome::Done) => Ok(AgreementStatus::Done),
            (AgreementStatus::Open, Outcome::Dropped) => Ok(AgreementStatus::Dropped),
            _ => Err(AgreementRefusal::NotOpen),
        }
    }

    /// Open past its due date.
    pub fn overdue(self, due_on: NaiveDate, today: NaiveDate) -> bool {
        self == AgreementStatus::Open && due_on < today
    }
}

/// A motion's result as the minutes state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteSummary {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub approved: bool,
    pub tie: bool,
}

impl VoteSummary {
    pub fn of(t: &super::voting::Tally) -> VoteSummary {
        VoteSummary {
            yes: t.yes.total(),
            no: t.no.total(),
            abstain: t.abstain.total(),
            approved: t.outcome == super::voting::Outcome::Approved,
            tie: t.tie,
        }
    }

    /// From a closed vote's stored result.
    pub fn from_json(result: &str) -> Option<VoteSummary> {
        let v: Value = serde_json::from_str(result).ok()?;
        let total = |k: &str| {
            let w = &v[k];
            u32::try_from(w["direct"].as_u64().unwrap_or(0) + w["delegated"].as_u64().unwrap_or(0))
                .unwrap_or(0)
        };
        Some(VoteSummary {
            yes: total("yes"),
            no: total("no"),
            abstain: total("abstain"),
            approved: v["outcome"].as_str()? == "approved",
            tie: v["tie"].as_bool().unwrap_or(false),
        })
    }
}

/// One agenda item as the minutes state it.
#[derive(Clone, Copy, Debug)]
pub struct ItemLine<'a> {
    pub position: i64,
    pub title: &'a str,
    pub presenter: &'a str,
    pub motion: &'a str,
}

/// What the prefilled draft is made of.
pub struct Record<'a> {
    pub title: &'a str,
    pub body_name: &'a str,
    pub extraordinary: bool,
    pub span: String,
    pub place: &'a str,
    pub link: &'a str,
    pub objectives: &'a str,
    pub opened_local: Option<String>,
    pub quorum: Option<(u64, u64)>,
    pub seats: &'a [SeatAt],
    pub items: Vec<(ItemLine<'a>, Option<VoteSummary>)>,
}

/// The draft of the minutes: heading, attendance, quorum, agenda with each motion and its
/// result, and room for the deliberations, in the secretary's language.
pub fn prefill(lang: Lang, r: &Record) -> String {
    let p = |es: &str, en: &str| lang.pick(es, en);
    let mut out = String::new();
    let kind = if r.extraordinary {
        p("EXTRAORDINARIA", "EXTRAORDINARY")
    } else {
        p("ORDINARIA", "ORDINARY")
    };
    out.push_str(&match lang {
        Lang::Es => format!("ACTA DE LA SESIÓN {kind} — {}\n", r.title),
        Lang::En => format!("MINUTES OF THE {kind} MEETING — {}\n", r.title),
    });
    out.push_str(&format!("{}: {}\n", p("Órgano", "Body"), r.body_name));
    out.push_str(&format!(
        "{}: {}\n",
        p("Fecha y hora", "Date and time"),
        r.span
    ));
    if !r.place.is_empty() {
        out.push_str(&format!("{}: {}\n", p("Lugar", "Place"), r.place));
    }
    if !r.link.is_empty() {
        out.push_str(&format!("{}: {}\n", p("Enlace", "Link"), r.link));
    }
    if r.extraordinary && !r.objectives.is_empty() {
        out.push_str(&format!(
            "{}: {}\n",
            p("Objetivos", "Objectives"),
            r.objectives
        ));
    }
    out.push_str(&format!("\n1. {}\n", p("Asistencia", "Attendance")));
    let names = |f: &dyn Fn(&SeatAt) -> bool| {
        r.seats
            .iter()
            .filter(|s| f(s))
            .map(|s| {
                let mut n = s.name.clone();
                if s.attendance.seat == Seat::Secretary {
                    n.push_str(&p(" (Secretaría Ejecutiva)", " (Executive Secretary)"));
                }
                if let (Presence::Represented { .. }, Some(by)) =
                    (s.attendance.presence, &s.proxy_name)
                {
                    n.push_str(&format!(
                        ", {} {by}",
                        p("representado por", "represented by")
                    ));
                }
                n
            })
            .collect::<Vec<_>>()
    };
    for (label, list) in [
        (
            p("En persona", "In person"),
            names(&|s| s.attendance.presence == Presence::InPerson),
        ),
        (
            p("En línea", "Online"),
            names(&|s| s.attendance.presence == Presence::Virtual),
        ),
        (
            p("Representados", "Represented"),
            names(&|s| matches!(s.attendance.presence, Presence::Represented { .. })),
        ),
        (
            p("Ausentes", "Absent"),
            names(&|s| s.attendance.presence == Presence::Absent),
        ),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("   {label}: {}\n", list.join("; ")));
        }
    }
    out.push_str(&format!("\n2. {}\n", p("Quórum", "Quorum")));
    match (&r.opened_local, r.quorum) {
        (Some(at), Some((present, required))) => out.push_str(&match lang {
            Lang::Es => format!(
                "   La sesión se abrió el {at} con quórum: {present} miembros presentes o representados (se requieren {required} además de quien preside).\n"
            ),
            Lang::En => format!(
                "   The meeting was opened on {at} with quorum: {present} members present or represented ({required} required besides the chair).\n"
            ),
        }),
        (Some(at), None) => out.push_str(&match lang {
            Lang::Es => format!("   La sesión se abrió el {at} con quórum.\n"),
            Lang::En => format!("   The meeting was opened on {at} with quorum.\n"),
        }),
        _ => out.push_str(&p(
            "   La sesión no se abrió con quórum.\n",
            "   The meeting was not opened with quorum.\n",
        )),
    }
    out.push_str(&format!("\n3. {}\n", p("Orden del día", "Agenda")));
    for (item, vote) in &r.items {
        out.push_str(&format!("   3.{} {}", item.position, item.title));
        if !item.presenter.is_empty() {
            out.push_str(&format!(
                " ({} {})",
                p("presenta", "presented by"),
                item.presenter
            ));
        }
        out.push('\n');
        if !item.motion.is_empty() {
            out.push_str(&format!(
                "       {}: {}\n",
                p("Moción", "Motion"),
                item.motion
            ));
            out.push_str(&match vote {
                Some(v) => {
                    let outcome = if v.approved {
                        p("aprobada", "approved")
                    } else {
                        p("rechazada", "rejected")
                    };
                    let tie = if v.tie {
                        p(" (empate: decide quien preside)", " (tie: the chair decides)")
                    } else {
                        String::new()
                    };
                    match lang {
                        Lang::Es => format!(
                            "       Votación: {outcome}{tie} — a favor {}, en contra {}, abstenciones {}.\n",
                            v.yes, v.no, v.abstain
                        ),
                        Lang::En => format!(
                            "       Vote: {outcome}{tie} — yes {}, no {}, abstain {}.\n",
                            v.yes, v.no, v.abstain
                        ),
                    }
                }
                None => p(
                    "       Votación: no se votó.\n",
                    "       Vote: not put to the vote.\n",
                ),
            });
        }
        out.push_str(&p("       Deliberación: \n", "       Deliberation: \n"));
    }
    out.push_str(&format!(
        "\n4. {}\n   {}\n",
        p("Acuerdos", "Agreements"),
        p(
            "Los acuerdos se registran al pie del acta con su responsable y su fecha límite.",
            "The agreements are recorded at the foot of the minutes with their owner and due date."
        )
    ));
    out
}

/// How the minutes were approved, as the approval statement needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalBasis {
    /// The body's rule: circulated on that day, no objection within that many days.
    Rule {
        circulated_on: Option<NaiveDate>,
        comment_days: u32,
    },
    /// A vote at a later meeting (its titles and local day).
    Vote {
        title_es: String,
        title_en: String,
        day: NaiveDate,
        result: VoteSummary,
    },
}

/// One sentence in each language saying how the minutes were approved (for the PDF).
pub fn approval_statement(basis: &ApprovalBasis) -> (String, String) {
    match basis {
        ApprovalBasis::Rule {
            circulated_on,
            comment_days,
        } => {
            let at = circulated_on.map(|d| d.to_string()).unwrap_or_default();
            (
                format!(
                    "Aprobada por la regla del órgano: circulada a sus integrantes el {at}, sin objeciones en {comment_days} días."
                ),
                format!(
                    "Approved by the body's rule: circulated to its members on {at}, with no objection within {comment_days} days."
                ),
            )
        }
        ApprovalBasis::Vote {
            title_es,
            title_en,
            day,
            result,
        } => (
            format!(
                "Aprobada por votación en la sesión «{title_es}» del {day}: a favor {}, en contra {}, abstenciones {}.",
                result.yes, result.no, result.abstain
            ),
            format!(
                "Approved by vote at the meeting \"{title_en}\" of {day}: yes {}, no {}, abstain {}.",
                result.yes, result.no, result.abstain
            ),
        ),
    }
}

#[cfg(test)]
mod tests;
