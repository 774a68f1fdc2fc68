//! Public consultations: a draft split into numbered sections, the phase a consultation is in,
//! and the answers every comment gets at its close.

use chrono::NaiveDate;

/// One numbered section of a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub n: usize,
    pub text: String,
}

/// The draft's sections: its paragraphs (separated by blank lines), numbered from 1.
pub fn sections(draft: &str) -> Vec<Section> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let push = |current: &mut Vec<&str>, out: &mut Vec<Section>| {
        if !current.is_empty() {
            out.push(Section {
                n: out.len() + 1,
                text: current.join("\n"),
            });
            current.clear();
        }
    };
    for line in draft.lines() {
        if line.trim().is_empty() {
            push(&mut current, &mut out);
        } else {
            current.push(line.trim_end());
        }
    }
    push(&mut current, &mut out);
    out
}

/// Where a consultation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before its period: readable, not open to comments.
    Upcoming,
    /// During its period (both days included): open to comments.
    Open,
    /// After its period: the Secretary answers every comment, then approves the final version.
    Closed,
    /// The final version was approved.
    Concluded,
}

pub fn phase(
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    concluded: bool,
    today: NaiveDate,
) -> Phase {
    if concluded {
        Phase::Concluded
    } else if today < opens_on {
        Phase::Upcoming
    } else if today <= closes_on {
        Phase::Open
    } else {
        Phase::Closed
    }
}

/// What became of a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum Answer {
    /// Integrated into the final version (the answer says how).
    Integrated,
    /// Declined (the answer says why).
    Declined,
    /// Left to a body's agenda (the seed's "left to the first Executive Council").
    Agenda,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Integrated, Answer::Declined, Answer::Agenda];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Integrated => "integrated",
            Answer::Declined => "declined",
            Answer::Agenda => "agenda",
        }
    }

    pub fn parse(s: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Why a consultation cannot conclude yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotYet {
    /// Still open (or not open yet).
    NotClosed,
    /// Some comments are not answered.
    Unanswered(usize),
}

/// Whether a consultation in `phase` with `unanswered` comments may conclude.
pub fn may_conclude(phase: Phase, unanswered: usize) -> Result<(), NotYet> {
    match phase {
        Phase::Closed if unanswered == 0 => Ok(()),
        Phase::Closed => Err(NotYet::Unanswered(unanswered)),
        _ => Err(NotYet::NotClosed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn sections_are_the_paragraphs_numbered() {
        let s = sections("Uno.\nsigue uno.\n\n\n  \nDos.\n\nTres.\n");
        let texts: Vec<(usize, &str)> = s.iter().map(|x| (x.n, x.text.as_str())).collect();
        assert_eq!(texts, [(1, "Uno.\nsigue uno."), (2, "Dos."), (3, "Tres.")]);
        assert!(sections("  \n\n").is_empty());
    }

    #[test]
    fn a_consultation_is_open_both_days_of_its_period() {
        let (o, c) = (d("2026-03-01"), d("2026-04-11"));
        assert_eq!(phase(o, c, false, d("2026-02-28")), Phase::Upcoming);
        assert_eq!(phase(o, c, false, d("2026-03-01")), Phase::Open);
        assert_eq!(phase(o, c, false, d("2026-04-11")), Phase::Open);
        assert_eq!(phase(o, c, false, d("2026-04-12")), Phase::Closed);
        assert_eq!(phase(o, c, true, d("2026-04-12")), Phase::Concluded);
    }

    #[test]
    fn it_concludes_only_closed_with_every_comment_answered() {
        assert_eq!(may_conclude(Phase::Open, 0), Err(NotYet::NotClosed));
        assert_eq!(may_conclude(Phase::Closed, 2), Err(NotYet::Unanswered(2)));
        assert_eq!(may_conclude(Phase::Closed, 0), Ok(()));
        assert_eq!(may_conclude(Phase::Concluded, 0), Err(NotYet::NotClosed));
        assert_eq!(Answer::parse("agenda"), Some(Answer::Agenda));
        assert_eq!(Answer::parse("maybe"), None);
    }
}
