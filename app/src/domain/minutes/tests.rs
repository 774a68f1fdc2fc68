//! Table tests of the minutes' rules: statuses and their steps, the prefilled draft, the
//! approval statement.

use super::*;
use crate::domain::meetings::{Attendance, Presence, Seat, SeatAt};

#[test]
fn minutes_steps_from_each_status() {
    use MinutesRefusal as R;
    use MinutesStatus::*;
    let cases: [(MinutesStatus, _, _, _, _); 3] = [
        (
            Draft,
            Ok(Saved {
                status: Draft,
                new_revision: false,
            }),
            Ok(Some(Circulated)),
            Err(R::NotCirculated),
            Err(R::NotCirculated),
        ),
        (
            Circulated,
            Ok(Saved {
                status: Draft,
                new_revision: true,
            }),
            Ok(None),
            Ok(Circulated),
            Ok(Approved),
        ),
        (
            Approved,
            Err(R::Approved),
            Err(R::Approved),
            Err(R::Approved),
            Err(R::Approved),
        ),
    ];
    for (status, save, circulate, comment, approve) in cases {
        assert_eq!(status.save(), save, "{status:?} save");
        assert_eq!(status.circulate(), circulate, "{status:?} circulate");
        assert_eq!(status.comment(), comment, "{status:?} comment");
        assert_eq!(status.approve(), approve, "{status:?} approve");
    }
}

#[test]
fn agreements_open_once_and_close_once() {
    use AgreementRefusal as R;
    use AgreementStatus::*;
    assert_eq!(Proposed.open(), Ok(Open));
    assert_eq!(Open.open(), Err(R::NotProposed));
    assert_eq!(Open.close(Outcome::Done), Ok(Done));
    assert_eq!(Open.close(Outcome::Dropped), Ok(Dropped));
    for s in [Proposed, Done, Dropped] {
        assert_eq!(s.close(Outcome::Done), Err(R::NotOpen), "{s:?}");
    }
    let (due, before, after) = (
        NaiveDate::from_ymd_opt(2026, 12, 1).expect("day"),
        NaiveDate::from_ymd_opt(2026, 11, 30).expect("day"),
        NaiveDate::from_ymd_opt(2026, 12, 2).expect("day"),
    );
    assert!(!Open.overdue(due, before));
    assert!(!Open.overdue(due, due), "due today is not overdue yet");
    assert!(Open.overdue(due, after));
    assert!(!Done.overdue(due, after));
    assert_eq!(Outcome::parse("done"), Some(Outcome::Done));
    assert_eq!(Outcome::parse("later"), None);
}

fn seat(id: i64, name: &str, seat: Seat, presence: Presence, proxy: Option<&str>) -> SeatAt {
    SeatAt {
        person_id: id,
        name: name.into(),
        attendance: Attendance {
            person: id,
            seat,
            presence,
        },
        proxy_name: proxy.map(Into::into),
    }
}

#[test]
fn the_draft_states_attendance_quorum_and_each_motion_with_its_result() {
    let seats = vec![
        seat(
            1,
            "Ana Secretaria",
            Seat::Secretary,
            Presence::InPerson,
            None,
        ),
        seat(2, "Beto", Seat::Member, Presence::Virtual, None),
        seat(
            3,
            "Carla",
            Seat::Member,
            Presence::Represented { by: 2 },
            Some("Beto"),
        ),
        seat(4, "Dante", Seat::Member, Presence::Absent, None),
    ];
    let voted = ItemLine {
        position: 1,
        title: "Presupuesto",
        presenter: "Beto",
        motion: "Aprobar el presupuesto",
    };
    let plain = ItemLine {
        position: 2,
        title: "Asuntos generales",
        presenter: "",
        motion: "",
    };
    let record = Record {
        title: "Sesión de diciembre",
        body_name: "Consejo Ejecutivo",
        extraordinary: false,
        span: "2026-12-10 10:00–12:00 (America/Mexico_City)".into(),
        place: "Sala 1",
        link: "",
        objectives: "",
        opened_local: Some("2026-12-10 10:05".into()),
        quorum: Some((2, 6)),
        seats: &seats,
        items: vec![
            (
                voted,
                Some(VoteSummary {
                    yes: 2,
                    no: 0,
                    abstain: 0,
                    approved: true,
                    tie: false,
                }),
            ),
            (plain, None),
        ],
    };
    let es = prefill(Lang::Es, &record);
    assert!(
        es.starts_with("ACTA DE LA SESIÓN ORDINARIA — Sesión de diciembre\n"),
        "{es}"
    );
    assert!(
        es.contains("En persona: Ana Secretaria (Secretaría Ejecutiva)\n"),
        "{es}"
    );
    assert!(es.contains("En línea: Beto\n"));
    assert!(es.contains("Representados: Carla, representado por Beto\n"));
    assert!(es.contains("Ausentes: Dante\n"));
    assert!(es.contains("se abrió el 2026-12-10 10:05 con quórum: 2 miembros"));
    assert!(es.contains("3.1 Presupuesto (presenta Beto)\n       Moción: Aprobar el presupuesto\n       Votación: aprobada — a favor 2, en contra 0, abstenciones 0.\n"), "{es}");
    assert!(es.contains("3.2 Asuntos generales\n"));
    assert!(!es.contains("Enlace"));
    let en = prefill(Lang::En, &record);
    assert!(en.starts_with("MINUTES OF THE ORDINARY MEETING"));
    assert!(en.contains("Vote: approved — yes 2, no 0, abstain 0."));

    // an extraordinary meeting states its objectives; one never opened says so; a tie is named
    let record = Record {
        extraordinary: true,
        objectives: "Resolver la renuncia",
        link: "https://reunion.example/1",
        opened_local: None,
        quorum: None,
        items: vec![(
            voted,
            Some(VoteSummary {
                yes: 1,
                no: 1,
                abstain: 0,
                approved: false,
                tie: true,
            }),
        )],
        ..record
    };
    let es = prefill(Lang::Es, &record);
    assert!(es.starts_with("ACTA DE LA SESIÓN EXTRAORDINARIA"), "{es}");
    assert!(es.contains("Objetivos: Resolver la renuncia\n"));
    assert!(es.contains("Enlace: https://reunion.example/1\n"));
    assert!(es.contains("La sesión no se abrió con quórum."));
    assert!(
        es.contains("rechazada (empate: decide quien preside)"),
        "{es}"
    );
}

#[test]
fn a_stored_result_is_read_back() {
    let s = VoteSummary::from_json(
        r#"{"yes":{"direct":5,"delegated":1},"no":{"direct":1,"delegated":0},"abstain":{"direct":0,"delegated":0},"tie":false,"outcome":"approved"}"#,
    )
    .expect("summary");
    assert_eq!(
        s,
        VoteSummary {
            yes: 6,
            no: 1,
            abstain: 0,
            approved: true,
            tie: false
        }
    );
    assert!(VoteSummary::from_json("{}").is_none());
}

#[test]
fn the_approval_statement_says_how_in_both_languages() {
    let rule = approval_statement(&ApprovalBasis::Rule {
        circulated_on: NaiveDate::from_ymd_opt(2026, 11, 10),
        comment_days: 5,
    });
    assert_eq!(
        rule.0,
        "Aprobada por la regla del órgano: circulada a sus integrantes el 2026-11-10, sin objeciones en 5 días."
    );
    assert_eq!(
        rule.1,
        "Approved by the body's rule: circulated to its members on 2026-11-10, with no objection within 5 days."
    );
    let vote = approval_statement(&ApprovalBasis::Vote {
        title_es: "Sesión de enero".into(),
        title_en: "January meeting".into(),
        day: NaiveDate::from_ymd_opt(2027, 1, 14).expect("day"),
        result: VoteSummary {
            yes: 5,
            no: 1,
            abstain: 2,
            approved: true,
            tie: false,
        },
    });
    assert_eq!(
        vote.0,
        "Aprobada por votación en la sesión «Sesión de enero» del 2027-01-14: a favor 5, en contra 1, abstenciones 2."
    );
    assert_eq!(
        vote.1,
        "Approved by vote at the meeting \"January meeting\" of 2027-01-14: yes 5, no 1, abstain 2."
    );
}
