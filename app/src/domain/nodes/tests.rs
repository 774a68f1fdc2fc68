use super::*;
use chrono::TimeZone;

const ID: &str = "6f8a80d14311c39f35f516fa664deaaaa13e85b2f7493f37f6144d86991ec012937307647bd3b9a82abe2974e1407241d54947bbb39763a4cac9f77166ad92a0";

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap() + Duration::minutes(minute)
}

#[test]
fn enode_urls_parse_to_their_canonical_form() {
    let cases = [
        (
            format!("enode://{ID}@192.168.0.5:30303"),
            format!("enode://{ID}@192.168.0.5:30303"),
        ),
        (
            format!(
                "  enode://{}@Nodo-1.RedLac.example:30303?discport=30301 ",
                ID.to_uppercase()
            ),
            format!("enode://{ID}@nodo-1.redlac.example:30303?discport=30301"),
        ),
        (
            format!("enode://{ID}@[2001:db8::1]:30303?discport=0"),
            format!("enode://{ID}@[2001:db8::1]:30303?discport=0"),
        ),
    ];
    for (input, canonical) in cases {
        let e = Enode::parse(&input).unwrap_or_else(|p| panic!("{input}: {p:?}"));
        assert_eq!(e.to_string(), canonical);
    }
    let e = Enode::parse(&format!("enode://{ID}@10.0.0.1:65535")).expect("enode");
    assert_eq!(
        (e.host, e.port, e.discport),
        (Host::V4("10.0.0.1".parse().unwrap()), 65535, None)
    );
}

#[test]
fn malformed_enode_urls_say_what_is_wrong() {
    let short = &ID[..126];
    let cases = [
        (format!("http://{ID}@1.2.3.4:30303"), EnodeProblem::Scheme),
        (
            format!("enode://{short}@1.2.3.4:30303"),
            EnodeProblem::NodeId,
        ),
        (
            format!("enode://{}zz@1.2.3.4:30303", &ID[..126]),
            EnodeProblem::NodeId,
        ),
        (format!("enode://{ID}1.2.3.4:30303"), EnodeProblem::NodeId),
        (format!("enode://{ID}@1.2.3.4"), EnodeProblem::Port),
        (format!("enode://{ID}@1.2.3.4:0"), EnodeProblem::Port),
        (format!("enode://{ID}@1.2.3.4:65536"), EnodeProblem::Port),
        (format!("enode://{ID}@1.2.3.4:+30"), EnodeProblem::Port),
        (format!("enode://{ID}@1.2.3.999:30303"), EnodeProblem::Host),
        (
            format!("enode://{ID}@-bad-.example:30303"),
            EnodeProblem::Host,
        ),
        (format!("enode://{ID}@bad host:30303"), EnodeProblem::Host),
        (
            format!("enode://{ID}@[2001:db8::zz]:30303"),
            EnodeProblem::Host,
        ),
        (
            format!("enode://{ID}@1.2.3.4:30303?disc=1"),
            EnodeProblem::Query,
        ),
        (
            format!("enode://{ID}@1.2.3.4:30303?discport=70000"),
            EnodeProblem::Query,
        ),
    ];
    for (input, problem) in cases {
        assert_eq!(Enode::parse(&input), Err(problem), "{input}");
    }
}

fn host(kind: HostKind, os: &str, ram_mb: u64, disk_gb: u64) -> HostFacts {
    HostFacts {
        kind,
        os: os.into(),
        ram_mb,
        disk_gb,
    }
}

#[test]
fn the_seeds_minimum_requirements() {
    let r = NodeRequirements::default();
    assert!(
        r.check(&host(HostKind::Vps, "Ubuntu 16.04.3 LTS", 2048, 25))
            .is_empty()
    );
    assert!(
        r.check(&host(HostKind::Physical, "ubuntu 22.04", 8192, 500))
            .is_empty()
    );
    let ubuntu = Unmet::OperatingSystem {
        needed: "Ubuntu 16.04.3".into(),
    };
    assert_eq!(
        r.check(&host(HostKind::Vps, "Ubuntu 16.04", 2048, 25)),
        vec![ubuntu.clone()]
    );
    assert_eq!(
        r.check(&host(HostKind::Vps, "Ubuntu 16.04.2", 2048, 25)),
        vec![ubuntu.clone()]
    );
    assert_eq!(
        r.check(&host(HostKind::Vps, "Debian 12", 2048, 25)),
        vec![ubuntu.clone()]
    );
    assert_eq!(
        r.check(&host(HostKind::Vps, "Ubuntu", 2048, 25)),
        vec![ubuntu.clone()]
    );
    assert_eq!(
        r.check(&host(HostKind::Other, "Windows 11", 1024, 10)),
        vec![
            Unmet::HostKind,
            ubuntu,
            Unmet::Ram { needed_mb: 2048 },
            Unmet::Disk { needed_gb: 25 }
        ]
    );
    assert_eq!(
        os_version("Ubuntu 24.04.1 LTS", "ubuntu"),
        Some(vec![24, 4, 1])
    );
}

#[test]
fn every_step_of_a_request_and_every_refusal() {
    use NodeStatus as S;
    use NodeStep as T;
    let allowed = [
        (S::Submitted, T::Forward, S::InEvaluation),
        (S::Submitted, T::Return, S::Returned),
        (S::Returned, T::Resubmit, S::Submitted),
        (S::Submitted, T::Withdraw, S::Withdrawn),
        (S::Returned, T::Withdraw, S::Withdrawn),
        (S::InEvaluation, T::Withdraw, S::Withdrawn),
        (S::InEvaluation, T::PutToVote, S::Voting),
        (S::Voting, T::Admit, S::Admitted),
        (S::Voting, T::Reject, S::Rejected),
        (S::Admitted, T::Suspend, S::Suspended),
        (S::Suspended, T::Reinstate, S::Admitted),
        (S::Admitted, T::Retire, S::Retired),
        (S::Suspended, T::Retire, S::Retired),
    ];
    let steps = [
        T::Forward,
        T::Return,
        T::Resubmit,
        T::Withdraw,
        T::PutToVote,
        T::Admit,
        T::Reject,
        T::Suspend,
        T::Reinstate,
        T::Retire,
        // an import records a node as admitted; it moves nothing
        T::Import,
    ];
    for from in S::ALL {
        for step in steps {
            let expected = allowed
                .iter()
                .find(|(f, s, _)| *f == from && *s == step)
                .map(|(_, _, to)| *to);
            match expected {
                Some(to) => assert_eq!(from.step(step), Ok(to), "{from:?} {step:?}"),
                None => assert_eq!(
                    from.step(step),
                    Err(StepRefused { from, step }),
                    "{from:?} {step:?}"
                ),
            }
        }
        assert_eq!(S::parse(from.as_str()), Some(from));
    }
    // a vote cannot be withdrawn from, and what is decided stays decided
    for closed in [S::Rejected, S::Retired, S::Withdrawn] {
        assert!(steps.iter().all(|s| closed.step(*s).is_err()), "{closed:?}");
    }
    assert!(S::Admitted.allowed_on_network());
    assert!(!S::Suspended.allowed_on_network());
    assert!(S::Voting.pending() && !S::Admitted.pending());
}

#[test]
fn decisions_and_reasons_per_step() {
    assert_eq!(NodeStep::Admit.decision_event(), Some("node-admitted"));
    assert_eq!(NodeStep::Withdraw.decision_event(), None);
    assert_eq!(NodeStep::Import.decision_event(), Some("node-imported"));
    assert!(NodeStep::Return.needs_reason() && NodeStep::Suspend.needs_reason());
    assert!(!NodeStep::Forward.needs_reason() && !NodeStep::Admit.needs_reason());
    assert_eq!(missing_evaluations(&[1, 2, 3], &[3, 1]), vec![2]);
    assert!(missing_evaluations(&[1], &[1]).is_empty());
}

fn sample(minute: i64, up: bool) -> Sample {
    Sample {
        at: at(minute),
        up,
        block: up.then_some(100),
        peers: None,
        latency_ms: None,
    }
}

#[test]
fn availability_counts_known_time_only() {
    let gap = Duration::minutes(2);
    // every minute for 10 minutes, down for minutes 4 and 5
    let samples: Vec<Sample> = (0..10).map(|m| sample(m, !(4..6).contains(&m))).collect();
    assert_eq!(availability(&samples, at(0), at(10), gap), Some(0.8));
    // a window inside the samples
    assert_eq!(availability(&samples, at(4), at(6), gap), Some(0.0));
    // the poller stopped for an hour: the gap is neither up nor down
    let with_gap = vec![
        sample(0, true),
        sample(1, true),
        sample(61, false),
        sample(62, true),
    ];
    let a = availability(&with_gap, at(0), at(63), gap).expect("known");
    // known: 0–1 up, 1–3 up (capped at the gap), 61–62 down, 62–63 up
    assert!((a - 4.0 / 5.0).abs() < 1e-9, "{a}");
    assert_eq!(availability(&[], at(0), at(10), gap), None);
    assert_eq!(availability(&samples, at(100), at(110), gap), None);
}

#[test]
fn quantiles_lag_and_proposer_share() {
    assert_eq!(quantile(&[], 0.5), None);
    assert_eq!(quantile(&[30, 10, 20], 0.5), Some(20));
    assert_eq!(quantile(&[5, 1, 4, 2, 3, 6, 7, 8, 9, 100], 0.95), Some(100));
    assert_eq!(quantile(&[7], 0.0), Some(7));
    assert_eq!(lag(120, Some(100)), Some(20));
    assert_eq!(lag(100, Some(120)), Some(0));
    assert_eq!(lag(100, None), None);
    // 4 validators, 400 blocks: about 100 each, sd ≈ 8.7; 3 sd below is ≈ 74
    assert!(!proposes_too_little(90, 400, 4, 3.0));
    assert!(proposes_too_little(60, 400, 4, 3.0));
    // fewer blocks widen the tolerance; too few to judge flags nothing
    assert!(!proposes_too_little(0, 7, 4, 3.0));
    assert!(!proposes_too_little(5, 40, 4, 3.0));
    assert!(proposes_too_little(0, 40, 4, 3.0));
    assert!(!proposes_too_little(0, 0, 0, 3.0));
}

#[test]
fn one_mail_down_and_one_recovered_however_it_flaps() {
    let grace = Duration::minutes(5);
    let mut alert = Alert::Quiet;
    let mut mails = Vec::new();
    // (minute, well): down at 1 for 2 minutes (under the grace: nothing), then down from 10,
    // flapping while down, back at 30 with a flap at 32, well from 33 on
    let polls = [
        (0, true),
        (1, false),
        (2, false),
        (3, true),
        (10, false),
        (12, false),
        (15, false),
        (16, true),
        (17, false),
        (20, false),
        (30, true),
        (32, false),
        (33, true),
        (36, true),
        (38, true),
        (40, true),
    ];
    for (minute, well) in polls {
        let (next, mail) = alert.observe(at(minute), well, grace);
        alert = next;
        if let Some(m) = mail {
            mails.push((minute, m));
        }
    }
    assert_eq!(mails, vec![(15, Notice::Down), (38, Notice::Recovered)]);
    assert_eq!(alert, Alert::Quiet);
}

#[test]
fn the_minimum_operating_system_is_read_from_its_setting() {
    assert_eq!(
        parse_min_os("Ubuntu 16.04.3"),
        Some(("Ubuntu".to_string(), vec![16, 4, 3]))
    );
    assert_eq!(
        parse_min_os("Debian 12"),
        Some(("Debian".to_string(), vec![12]))
    );
    for bad in ["", "Ubuntu", "Ubuntu latest", "Ubuntu 16.04 LTS extra"] {
        assert_eq!(parse_min_os(bad), None, "{bad}");
    }
}

#[test]
fn a_validator_signs_with_the_address_of_its_enode_key() {
    // the public key of the private key 1, and its well-known address
    let enode = Enode::parse(
        "enode://79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8@127.0.0.1:30303",
    )
    .expect("enode");
    assert_eq!(
        enode.address(),
        "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf"
    );
}

#[test]
fn only_public_addresses_are_public() {
    for (ip, public) in [
        ("8.8.8.8", true),
        ("200.57.7.1", true),
        ("127.0.0.1", false),
        ("10.1.2.3", false),
        ("172.16.0.1", false),
        ("192.168.1.1", false),
        ("169.254.169.254", false),
        ("100.64.0.1", false),
        ("0.0.0.0", false),
        ("255.255.255.255", false),
        ("203.0.113.5", false),
        ("::1", false),
        ("fe80::1", false),
        ("fd00::1", false),
        ("::ffff:127.0.0.1", false),
        ("::ffff:8.8.8.8", true),
        ("2800:3f0:4001:81a::200e", true),
        ("2001:db8::1", false),
    ] {
        assert_eq!(is_public_ip(ip.parse().expect("ip")), public, "{ip}");
    }
}
