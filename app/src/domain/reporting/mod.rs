//! The report calendar: who owes which report to whom, over which periods, by which day, and
//! whether each was filed on time, late or not at all. Pure: the services pass `today`, the
//! holidays and the filings in.

use crate::domain::meetings::next_business_day;
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::BTreeSet;

#[cfg(test)]
mod tests;

/// The settings of the checks and balances: the report calendar's reminders, the complaints'
/// deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportingSettings {
    /// Days before a report's due day its authors are reminded (`MINGA_REPORT_REMIND_DAYS`, 7).
    pub remind_days: u32,
    /// Days a complaint under the ethics code must be resolved within (`MINGA_COMPLAINT_DAYS`,
    /// 30).
    pub complaint_days: u32,
}

impl Default for ReportingSettings {
    fn default() -> Self {
        ReportingSettings {
            remind_days: 7,
            complaint_days: 30,
        }
    }
}

/// Who owes a kind of report (the seed's "pesos y contrapesos"): each fixes to whom it goes and
/// what its form asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "kebab-case")]
pub enum Debtor {
    /// Each member with a node (an institution, or a person for itself), to its collective's
    /// leaders: its nodes' performance.
    Member,
    /// Each running project's responsible user, to the collective's leaders: performance,
    /// lessons, proposals.
    Project,
    /// Each collective's leaders, to the Executive Council: calls and strategies to grow the
    /// nodes, the nodes' performance.
    Leaders,
    /// Each commission (nodes, projects), to the Executive Council: the justifications of its
    /// evaluations.
    Commission,
    /// The Executive Secretary, to the Executive Council: the whole network's performance.
    ExecutiveSecretary,
    /// The Advisory Council, to the Executive Secretary: the advice each member gave and what
    /// came of it.
    AdvisoryCouncil,
}

impl Debtor {
    pub const ALL: [Debtor; 6] = [
        Debtor::Member,
        Debtor::Project,
        Debtor::Leaders,
        Debtor::Commission,
        Debtor::ExecutiveSecretary,
        Debtor::AdvisoryCouncil,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Debtor::Member => "member",
            Debtor::Project => "project",
            Debtor::Leaders => "leaders",
            Debtor::Commission => "commission",
            Debtor::ExecutiveSecretary => "executive-secretary",
            Debtor::AdvisoryCouncil => "advisory-council",
        }
    }

    pub fn parse(s: &str) -> Option<Debtor> {
        Debtor::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// To whom the report goes.
    pub fn recipient(self) -> Recipient {
        match self {
            Debtor::Member | Debtor::Project => Recipient::CollectiveLeaders,
            Debtor::Leaders | Debtor::Commission | Debtor::ExecutiveSecretary => {
                Recipient::ExecutiveCouncil
            }
            Debtor::AdvisoryCouncil => Recipient::ExecutiveSecretary,
        }
    }

    /// The questions the author answers (the form's text fields), beside the figures the portal
    /// fills in.
    pub fn questions(self) -> &'static [Question] {
        use Question::*;
        match self {
            Debtor::Member => &[Performance],
            Debtor::Project => &[Performance, Lessons, Proposals],
            Debtor::Leaders => &[Strategies, Performance],
            Debtor::Commission => &[Justifications],
            Debtor::ExecutiveSecretary => &[Performance],
            Debtor::AdvisoryCouncil => &[Advice, Outcomes],
        }
    }
}

/// Who receives a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    CollectiveLeaders,
    ExecutiveCouncil,
    ExecutiveSecretary,
}

/// A text the author writes in a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    Performance,
    Lessons,
    Proposals,
    Strategies,
    Justifications,
    Advice,
    Outcomes,
}

impl Question {
    /// The field's name in the form and in the stored answers.
    pub fn key(self) -> &'static str {
        match self {
            Question::Performance => "performance",
            Question::Lessons => "lessons",
            Question::Proposals => "proposals",
            Question::Strategies => "strategies",
            Question::Justifications => "justifications",
            Question::Advice => "advice",
            Question::Outcomes => "outcomes",
        }
    }
}

/// How often a report is owed: calendar months, pairs of months from January, quarters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum Period {
    Monthly,
    Bimonthly,
    Quarterly,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Monthly, Period::Bimonthly, Period::Quarterly];

    pub fn months(self) -> u32 {
        match self {
            Period::Monthly => 1,
            Period::Bimonthly => 2,
            Period::Quarterly => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Monthly => "monthly",
            Period::Bimonthly => "bimonthly",
            Period::Quarterly => "quarterly",
        }
    }

    pub fn parse(s: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The period `day` falls in.
    pub fn containing(self, day: NaiveDate) -> Span {
        let m = self.months();
        let first = (day.month0() / m) * m + 1;
        let start = NaiveDate::from_ymd_opt(day.year(), first, 1).unwrap_or(day);
        Span {
            start,
            end: add_months(start, m).pred_opt().unwrap_or(start),
        }
    }
}

/// The first day of the month `n` months after `start`'s.
fn add_months(start: NaiveDate, n: u32) -> NaiveDate {
    let months = start.year() * 12 + start.month0() as i32 + n as i32;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(start)
}

/// The last day of the month `day` is in.
fn month_end(day: NaiveDate) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap_or(day);
    add_months(first, 1).pred_opt().unwrap_or(day)
}

/// A period's days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Span {
    /// The period's name in the register, the same in both languages: `2026-03` for a month,
    /// `2026-03/04` for two, `2026-04/06` for a quarter.
    pub fn label(&self) -> String {
        if self.start.month() == self.end.month() {
            self.start.format("%Y-%m").to_string()
        } else {
            format!("{}/{:02}", self.start.format("%Y-%m"), self.end.month())
        }
    }

    /// The period whose label is `label` (see [`Span::label`]), if it is one of `period`'s.
    pub fn parse(label: &str, period: Period) -> Option<Span> {
        let month = label.get(..7)?;
        let start = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
        let span = period.containing(start);
        (span.start == start && span.label() == label).then_some(span)
    }
}

/// One kind of report as configured: the seed's defaults, editable by an administrator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obligation {
    pub debtor: Debtor,
    pub period: Period,
    /// The day of the month after the period by which it is due (clamped to the month's length).
    pub due_day: u32,
    /// The first day of the calendar (no report is owed for a period ending before it).
    pub starts_on: NaiveDate,
    pub active: bool,
}

/// Why an obligation's settings are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObligationProblem {
    DueDay,
}

impl Obligation {
    /// The due day must be a day of a month (1–31; 29–31 fall on a short month's last day).
    pub fn check(&self) -> Result<(), ObligationProblem> {
        if (1..=31).contains(&self.due_day) {
            Ok(())
        } else {
            Err(ObligationProblem::DueDay)
        }
    }

    /// The day a period's report is due: the `due_day` of the month after the period (the
    /// month's last day when it is shorter), and when that day is a weekend or a holiday the
    /// next working day.
    pub fn due_on(&self, span: Span, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
        let next = span.end.succ_opt().unwrap_or(span.end);
        let day = self.due_day.clamp(1, 31).min(month_end(next).day());
        let due = NaiveDate::from_ymd_opt(next.year(), next.month(), day).unwrap_or(next);
        next_business_day(due, holidays)
    }

    /// The periods a debtor that exists since `since` owes, from the calendar's start up to
    /// the one `today` is in (which may not be due yet), oldest first.
    pub fn periods(&self, since: NaiveDate, today: NaiveDate) -> Vec<Span> {
        let first = self.period.containing(since.max(self.starts_on));
        let last = self.period.containing(today);
        let mut out = Vec::new();
        let mut span = first;
        while span.start <= last.start {
            out.push(span);
            let start = add_months(span.start, self.period.months());
            span = self.period.containing(start);
        }
        out
    }
}

/// Where a report stands, from its due day, the day it was filed (if it was) and today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Standing {
    /// Filed on or before the due day.
    OnTime,
    /// Filed after the due day.
    Late,
    /// Not filed and the due day has passed.
    Missing,
    /// Not filed and not due yet.
    Pending,
}

impl Standing {
    pub fn of(due_on: NaiveDate, filed_on: Option<NaiveDate>, today: NaiveDate) -> Standing {
        match filed_on {
            Some(f) if f <= due_on => Standing::OnTime,
            Some(_) => Standing::Late,
            None if today > due_on => Standing::Missing,
            None => Standing::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::OnTime => "on-time",
            Standing::Late => "late",
            Standing::Missing => "missing",
            Standing::Pending => "pending",
        }
    }
}

/// Which reminder a report's authors get, if any, on `today`: `remind_days` before the due day
/// (until it), and from the day after it (for a week, so that a day the worker did not run does
/// not lose it). The outbox sends each once (its topic names the report and the kind).
pub fn reminder(
    due_on: NaiveDate,
    filed: bool,
    today: NaiveDate,
    remind_days: u32,
) -> Option<Reminder> {
    if filed {
        return None;
    }
    let before = due_on - Duration::days(i64::from(remind_days));
    if today >= before && today <= due_on {
        Some(Reminder::Before)
    } else if today > due_on && today <= due_on + Duration::days(8) {
        Some(Reminder::After)
    } else {
        None
    }
}

/// A reminder of a report not filed yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// The due day is near.
    Before,
    /// The due day has passed.
    After,
}

impl Reminder {
    pub fn as_str(self) -> &'static str {
        match self {
            Reminder::Before => "before",
            Reminder::After => "after",
        }
    }
}
