use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn phase(p: Phase, from: &str, to: &str) -> PlannedPhase {
    PlannedPhase {
        phase: p,
        starts_on: d(from),
        ends_on: d(to),
        deliverables: "entregables".into(),
    }
}

fn metric(targets: Vec<(Phase, f64)>) -> PlannedMetric {
    PlannedMetric {
        name: "Órdenes de compra registradas".into(),
        unit: "%".into(),
        baseline: 0.0,
        targets,
        method: "evidencias por día".into(),
    }
}

fn plan() -> Plan {
    Plan {
        phases: vec![
            phase(Phase::ProofOfConcept, "2026-01-01", "2026-03-31"),
            phase(Phase::Mvp, "2026-04-01", "2026-06-30"),
        ],
        metrics: vec![metric(vec![
            (Phase::ProofOfConcept, 20.0),
            (Phase::Mvp, 100.0),
        ])],
    }
}

#[test]
fn the_path_of_an_application() {
    use ProjectStatus as S;
    use ProjectStep as T;
    assert_eq!(S::Submitted.step(T::Select), Ok(S::InEvaluation));
    assert_eq!(S::Submitted.step(T::Return), Ok(S::Returned));
    assert_eq!(S::Returned.step(T::Resubmit), Ok(S::Submitted));
    assert_eq!(S::InEvaluation.step(T::PutToVote), Ok(S::Voting));
    assert_eq!(S::Voting.step(T::Admit), Ok(S::Admitted));
    assert_eq!(S::Voting.step(T::Reject), Ok(S::Rejected));
    assert_eq!(S::Admitted.step(T::ChangePhase), Ok(S::Admitted));
    assert_eq!(S::Admitted.step(T::Replan), Ok(S::Admitted));
    assert_eq!(S::Admitted.step(T::Close), Ok(S::Closed));
    assert_eq!(S::InEvaluation.step(T::Withdraw), Ok(S::Withdrawn));
    // no shortcuts: the leaders cannot admit, a vote cannot be withdrawn, a closed project
    // stays closed, a rejection is final
    for (from, step) in [
        (S::Submitted, T::Admit),
        (S::Submitted, T::PutToVote),
        (S::Voting, T::Withdraw),
        (S::InEvaluation, T::Select),
        (S::Closed, T::ChangePhase),
        (S::Closed, T::Close),
        (S::Rejected, T::Resubmit),
        (S::Withdrawn, T::Resubmit),
        (S::Returned, T::Select),
    ] {
        assert_eq!(
            from.step(step),
            Err(StepRefused { from, step }),
            "{from:?} {step:?}"
        );
    }
    for s in ProjectStatus::ALL {
        assert_eq!(ProjectStatus::parse(s.as_str()), Some(s));
    }
    assert!(S::Voting.pending() && !S::Admitted.pending());
    assert!(S::Rejected.public() && !S::Submitted.public());
}

#[test]
fn decisions_and_reasons() {
    assert_eq!(
        ProjectStep::Admit.decision_event(),
        Some("project-admitted")
    );
    assert_eq!(ProjectStep::Withdraw.decision_event(), None);
    assert!(ProjectStep::Close.needs_reason());
    assert!(!ProjectStep::Select.needs_reason());
}

#[test]
fn phases_in_order() {
    assert_eq!(Phase::ProofOfConcept.next(), Some(Phase::Prototype));
    assert_eq!(Phase::Production.next(), None);
    for p in Phase::ALL {
        assert_eq!(Phase::parse(p.as_str()), Some(p));
    }
    let p = plan();
    // the plan skips the prototype
    assert_eq!(p.after(Phase::ProofOfConcept), Some(Phase::Mvp));
    assert_eq!(p.after(Phase::Mvp), None);
    assert_eq!(p.first_phase(), Some(Phase::ProofOfConcept));
    assert_eq!(p.ends_on(), Some(d("2026-06-30")));
}

#[test]
fn a_plan_is_checked() {
    assert!(plan().check().is_empty());
    assert_eq!(
        Plan::default().check(),
        vec![PlanProblem::NoPhases, PlanProblem::NoMetrics]
    );
    let mut p = plan();
    p.phases[1].starts_on = d("2026-03-31"); // overlaps the day the first ends
    p.phases[0].ends_on = d("2025-12-31");
    p.phases[0].starts_on = d("2026-01-01");
    let problems = p.check();
    assert!(problems.contains(&PlanProblem::EndsBeforeStart(Phase::ProofOfConcept)));
    let mut p = plan();
    p.phases.swap(0, 1);
    assert!(
        p.check()
            .contains(&PlanProblem::OutOfOrder(Phase::ProofOfConcept))
    );
    let mut p = plan();
    p.metrics[0].targets.push((Phase::Production, 100.0));
    p.metrics[0].unit = " ".into();
    p.metrics[0].baseline = f64::NAN;
    assert_eq!(
        p.check(),
        vec![
            PlanProblem::MetricIncomplete(0),
            PlanProblem::NotANumber(0),
            PlanProblem::TargetWithoutPhase(0, Phase::Production)
        ]
    );
}

#[test]
fn scores_are_checked_and_weighted() {
    let mut criteria = seed_criteria();
    assert_eq!(criteria.len(), 6);
    let all: Vec<(String, u8)> = criteria.iter().map(|c| (c.key.clone(), 4)).collect();
    assert!(check_scores(&criteria, &all).is_empty());
    let mut bad = all.clone();
    bad[0].1 = 6;
    bad.pop();
    bad.push(("beauty".into(), 3));
    assert_eq!(
        check_scores(&criteria, &bad),
        vec![
            ScoreProblem::OutOfRange("social_benefit".into()),
            ScoreProblem::Missing("impact".into()),
            ScoreProblem::Unknown("beauty".into())
        ]
    );

    // Colombia weighted transparency three times the rest: two criteria, weights 3 and 1
    criteria.truncate(2);
    criteria[0].weight = 3;
    let s = |seat, c: &str, score| Score {
        seat,
        criterion: c.into(),
        score,
    };
    let scores = vec![
        s(1, "social_benefit", 5),
        s(1, "open_source", 1),
        s(2, "social_benefit", 3),
        s(2, "open_source", 3),
    ];
    // seat 1: (15 + 1) / 4 = 4; seat 2: (9 + 3) / 4 = 3; mean 3.5
    assert_eq!(weighted_score(&criteria, &scores), Some(3.5));
    assert_eq!(weighted_score(&criteria, &[]), None);
    criteria.iter_mut().for_each(|c| c.weight = 0);
    assert_eq!(weighted_score(&criteria, &scores), None);
    assert_eq!(missing_scores(&[1, 2, 3], &[2]), vec![1, 3]);
}

#[test]
fn a_deadline_on_a_day_off_moves_to_the_next_working_day() {
    let none = BTreeSet::new();
    // Tuesday 31 March 2026, a month's last day: overdue from 1 April
    assert_eq!(overdue_from(d("2026-03-31"), &none), d("2026-04-01"));
    // Saturday 28 February 2026: the next working day is Monday 2 March
    assert_eq!(overdue_from(d("2026-02-28"), &none), d("2026-03-03"));
    // Friday 1 May 2026 a holiday: Monday 4 May is the last day
    let holidays: BTreeSet<NaiveDate> = [d("2026-05-01")].into();
    assert_eq!(overdue_from(d("2026-05-01"), &holidays), d("2026-05-05"));
    // 31 December 2026 (Thursday) with 1 January a holiday: overdue from 1 January all the same
    let new_year: BTreeSet<NaiveDate> = [d("2027-01-01")].into();
    assert_eq!(overdue_from(d("2026-12-31"), &new_year), d("2027-01-01"));
}

#[test]
fn each_cause_of_a_stall() {
    let none = BTreeSet::new();
    let facts = RunningFacts {
        phase_ends_on: Some((Phase::ProofOfConcept, d("2026-03-31"))),
        admitted_on: d("2026-01-01"),
        last_metric_on: Some(d("2026-03-15")),
        ..Default::default()
    };
    // on its last day, nothing
    assert!(stalls(&facts, d("2026-03-31"), 60, &none).is_empty());
    // the day after: the phase is overdue
    assert_eq!(
        stalls(&facts, d("2026-04-01"), 60, &none),
        vec![Stall::PhaseOverdue {
            phase: Phase::ProofOfConcept,
            since: d("2026-04-01")
        }]
    );
    // 60 days after the last value: no metrics (15 March + 60 = 14 May)
    let mut f = facts.clone();
    f.phase_ends_on = Some((Phase::ProofOfConcept, d("2026-12-31")));
    assert!(stalls(&f, d("2026-05-13"), 60, &none).is_empty());
    assert_eq!(
        stalls(&f, d("2026-05-14"), 60, &none),
        vec![Stall::NoMetrics {
            since: d("2026-05-14")
        }]
    );
    // never a value: the clock starts at admission (1 January + 60 = 2 March)
    f.last_metric_on = None;
    assert_eq!(
        stalls(&f, d("2026-03-02"), 60, &none)[0],
        Stall::NoMetrics {
            since: d("2026-03-02")
        }
    );
    // a report overdue and a commitment lapsed, earliest first
    let f = RunningFacts {
        phase_ends_on: None,
        admitted_on: d("2026-01-01"),
        last_metric_on: Some(d("2026-06-01")),
        report_overdue_since: Some(d("2026-06-10")),
        commitment_lapsed_on: Some(d("2026-06-05")),
    };
    let s = stalls(&f, d("2026-06-20"), 60, &none);
    assert_eq!(
        s,
        vec![
            Stall::CommitmentLapsed {
                since: d("2026-06-05")
            },
            Stall::ReportOverdue {
                since: d("2026-06-10")
            }
        ]
    );
    assert_eq!(s[0].key(), "commitment_lapsed");
    // 0 stale days: the metric rule is off
    assert!(stalls(&f, d("2027-06-20"), 0, &none).len() == 2);
}

#[test]
fn a_phase_ending_on_a_holiday_is_not_late_until_the_next_working_day_passed() {
    let holidays: BTreeSet<NaiveDate> = [d("2026-05-01")].into();
    let facts = RunningFacts {
        phase_ends_on: Some((Phase::Mvp, d("2026-05-01"))),
        admitted_on: d("2026-04-01"),
        last_metric_on: Some(d("2026-04-30")),
        ..Default::default()
    };
    assert!(stalls(&facts, d("2026-05-04"), 60, &holidays).is_empty());
    assert_eq!(
        stalls(&facts, d("2026-05-05"), 60, &holidays)[0].since(),
        d("2026-05-05")
    );
    assert_eq!(
        schedule(true, Some(d("2026-05-01")), d("2026-05-04"), 14, &holidays),
        Schedule::EndingSoon
    );
    assert_eq!(
        schedule(true, Some(d("2026-05-01")), d("2026-05-05"), 14, &holidays),
        Schedule::Late
    );
    assert_eq!(
        schedule(true, Some(d("2026-09-01")), d("2026-05-05"), 14, &holidays),
        Schedule::OnTime
    );
    assert_eq!(
        schedule(false, Some(d("2026-09-01")), d("2026-05-05"), 14, &holidays),
        Schedule::NotRunning
    );
}

#[test]
fn progress_toward_the_phase_target() {
    let m = metric(vec![(Phase::ProofOfConcept, 20.0), (Phase::Mvp, 100.0)]);
    assert_eq!(progress(&m, Phase::ProofOfConcept, 10.0), Some(0.5));
    assert_eq!(progress(&m, Phase::Mvp, 100.0), Some(1.0));
    assert_eq!(progress(&m, Phase::Production, 100.0), None);
    // a metric that should go down: from 30 days to 5
    let mut down = metric(vec![(Phase::Mvp, 5.0)]);
    down.baseline = 30.0;
    assert_eq!(progress(&down, Phase::Mvp, 17.5), Some(0.5));
    assert_eq!(progress(&down, Phase::Mvp, 40.0), Some(-0.4));
}
