use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn obligation(period: Period, due_day: u32) -> Obligation {
    Obligation {
        debtor: Debtor::Member,
        period,
        due_day,
        starts_on: d("2024-01-01"),
        active: true,
    }
}

#[test]
fn periods_are_calendar_months_pairs_and_quarters() {
    for (period, day, start, end, label) in [
        (
            Period::Monthly,
            "2024-02-29",
            "2024-02-01",
            "2024-02-29",
            "2024-02",
        ),
        (
            Period::Monthly,
            "2026-12-31",
            "2026-12-01",
            "2026-12-31",
            "2026-12",
        ),
        (
            Period::Bimonthly,
            "2026-04-30",
            "2026-03-01",
            "2026-04-30",
            "2026-03/04",
        ),
        (
            Period::Bimonthly,
            "2026-12-01",
            "2026-11-01",
            "2026-12-31",
            "2026-11/12",
        ),
        (
            Period::Quarterly,
            "2026-05-15",
            "2026-04-01",
            "2026-06-30",
            "2026-04/06",
        ),
        (
            Period::Quarterly,
            "2026-01-01",
            "2026-01-01",
            "2026-03-31",
            "2026-01/03",
        ),
    ] {
        let span = period.containing(d(day));
        assert_eq!(
            (span.start, span.end),
            (d(start), d(end)),
            "{period:?} {day}"
        );
        assert_eq!(span.label(), label);
        assert_eq!(Span::parse(label, period), Some(span));
    }
    assert_eq!(
        Span::parse("2026-04/05", Period::Bimonthly),
        None,
        "not a pair from January"
    );
    assert_eq!(Span::parse("2026-02", Period::Quarterly), None);
    assert_eq!(Span::parse("2026-13", Period::Monthly), None);
    assert_eq!(Span::parse("", Period::Monthly), None);
}

#[test]
fn due_days_fall_in_the_next_month_clamped_and_moved_off_days_nobody_works() {
    let none = BTreeSet::new();
    let holidays: BTreeSet<NaiveDate> = [d("2026-05-01"), d("2027-01-01")].into();
    for (period, due_day, in_period, holidays, due) in [
        // March's report by 10 April 2026 (a Friday)
        (Period::Monthly, 10, "2026-03-15", &none, "2026-04-10"),
        // January's report by the 31st: February is short (28 days in 2026, 29 in 2024)
        (Period::Monthly, 31, "2026-01-31", &none, "2026-03-02"),
        (Period::Monthly, 31, "2024-01-31", &none, "2024-02-29"),
        (Period::Monthly, 30, "2024-01-10", &none, "2024-02-29"),
        // a holiday (1 May 2026, a Friday) moves it to Monday 4 May
        (Period::Monthly, 1, "2026-04-01", &holidays, "2026-05-04"),
        // the year's turn: December's report, 1 January 2027 a holiday (Friday) → Monday 4
        (Period::Monthly, 1, "2026-12-31", &holidays, "2027-01-04"),
        // a Saturday (10 January 2026) moves to Monday 12
        (Period::Bimonthly, 10, "2025-11-20", &none, "2026-01-12"),
        (Period::Quarterly, 10, "2026-02-01", &none, "2026-04-10"),
        (Period::Quarterly, 15, "2026-11-30", &none, "2027-01-15"),
    ] {
        let o = obligation(period, due_day);
        let span = period.containing(d(in_period));
        assert_eq!(
            o.due_on(span, holidays),
            d(due),
            "{period:?} {due_day} {in_period}"
        );
    }
}

#[test]
fn a_debtor_owes_from_the_later_of_the_calendar_start_and_its_own_to_today() {
    let mut o = obligation(Period::Monthly, 10);
    o.starts_on = d("2026-01-01");
    let spans = o.periods(d("2025-06-01"), d("2026-03-05"));
    let labels: Vec<String> = spans.iter().map(Span::label).collect();
    assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
    let spans = o.periods(d("2026-02-20"), d("2026-03-05"));
    assert_eq!(spans.len(), 2, "admitted in February: owes February's");
    let q = Obligation {
        period: Period::Quarterly,
        ..o.clone()
    };
    let labels: Vec<String> = q
        .periods(d("2025-01-01"), d("2027-01-02"))
        .iter()
        .map(Span::label)
        .collect();
    assert_eq!(
        labels,
        [
            "2026-01/03",
            "2026-04/06",
            "2026-07/09",
            "2026-10/12",
            "2027-01/03"
        ]
    );
    assert!(
        o.periods(d("2026-05-01"), d("2026-04-01")).is_empty(),
        "not yet"
    );
}

#[test]
fn standing_is_computed_from_the_due_day_and_the_filing() {
    let due = d("2026-04-10");
    for (filed, today, standing) in [
        (Some("2026-04-02"), "2026-05-01", Standing::OnTime),
        (Some("2026-04-10"), "2026-04-10", Standing::OnTime),
        (Some("2026-04-11"), "2026-05-01", Standing::Late),
        (None, "2026-04-10", Standing::Pending),
        (None, "2026-04-11", Standing::Missing),
    ] {
        assert_eq!(
            Standing::of(due, filed.map(d), d(today)),
            standing,
            "{filed:?} {today}"
        );
    }
}

#[test]
fn reminders_come_before_the_due_day_and_after_it_not_once_filed() {
    let due = d("2026-04-10");
    for (today, filed, reminder) in [
        ("2026-04-02", false, None),
        ("2026-04-03", false, Some(Reminder::Before)),
        ("2026-04-10", false, Some(Reminder::Before)),
        ("2026-04-11", false, Some(Reminder::After)),
        ("2026-04-18", false, Some(Reminder::After)),
        ("2026-04-19", false, None),
        ("2026-04-11", true, None),
    ] {
        assert_eq!(
            super::reminder(due, filed, d(today), 7),
            reminder,
            "{today}"
        );
    }
}

#[test]
fn obligations_refuse_a_due_day_outside_a_month() {
    assert_eq!(
        obligation(Period::Monthly, 0).check(),
        Err(ObligationProblem::DueDay)
    );
    assert_eq!(
        obligation(Period::Monthly, 32).check(),
        Err(ObligationProblem::DueDay)
    );
    assert_eq!(obligation(Period::Monthly, 31).check(), Ok(()));
}
