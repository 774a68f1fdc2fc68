//! The session on the meeting's day, for its convener: attendance with the live quorum, opening and closing; before it, when it will open.

#[allow(unused_imports)]
use super::*;

/// The session, for its convener while the meeting is convened: on its day, the attendance
/// form with the live quorum, opening and closing; before it, when it will open.
pub(super) fn session(ctx: &Ctx, p: &Page) -> impl IntoView + use<> {
    let t = ctx.t();
    let m = &p.m;
    if !(p.convener && m.status == MeetingStatus::Convened) {
        return None;
    }
    if let Some(early) = p.too_early {
        return Some(
            view! {
                <section aria-labelledby="attendance">
                    <h2 id="attendance">{t.mtg_attendance}</h2>
                    <p>{fill(t.mtg_attendance_waits, &[("from", &early.from)])}</p>
                </section>
            }
            .into_any(),
        );
    }
    let presence_options = [
        ("in_person", t.mtg_presence_in_person),
        ("virtual", t.mtg_presence_virtual),
        ("represented", t.mtg_presence_represented),
        ("absent", t.mtg_presence_absent),
    ];
    let proxy_options: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(
            p.seats
                .iter()
                .map(|s| (s.person_id.to_string(), s.name.clone())),
        )
        .collect();
    let rows = p
        .seats
        .iter()
        .map(|s| {
            let (current, proxy) = match s.attendance.presence {
                Presence::InPerson => ("in_person", String::new()),
                Presence::Virtual => ("virtual", String::new()),
                Presence::Represented { by } => ("represented", by.to_string()),
                Presence::Absent => ("absent", String::new()),
            };
            let seat = if s.attendance.seat == rules::Seat::Secretary {
                t.mtg_seat_secretary
            } else {
                t.mtg_seat_member
            };
            let (pid_presence, pid_proxy) = (
                format!("presence-{}", s.person_id),
                format!("proxy-{}", s.person_id),
            );
            let options = presence_options
                .iter()
                .map(|(v, l)| {
                    let sel = *v == current;
                    view! { <option value=*v selected=sel>{*l}</option> }
                })
                .collect_view();
            let proxies = proxy_options
                .iter()
                .filter(|(v, _)| *v != s.person_id.to_string())
                .map(|(v, l)| {
                    let sel = *v == proxy;
                    view! { <option value=v.clone() selected=sel>{l.clone()}</option> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{s.name.clone()}</th>
                    <td>{seat}</td>
                    <td>
                        <form method="post" action=format!("/meetings/{}/attendance", m.id) class="inline-form">
                            <CsrfInput ctx=ctx.clone()/>
                            <input type="hidden" name="person" value=s.person_id.to_string()/>
                            <label for=pid_presence.clone() class="visually-hidden">{t.mtg_attendance}</label>
                            <select id=pid_presence name="presence">{options}</select>
                            <label for=pid_proxy.clone()>{t.mtg_represented_by}</label>
                            <select id=pid_proxy name="proxy">{proxies}</select>
                            <button type="submit" class="button button-secondary">{t.mtg_record}</button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let q = &p.quorum;
    let quorum_text = fill(
        if q.met {
            t.mtg_quorum_met
        } else {
            t.mtg_quorum_not_met
        },
        &[
            ("present", &q.members_present),
            ("required", &q.members_required),
        ],
    );
    let opened = m.opened_at;
    Some(view! {
        <section aria-labelledby="attendance">
            <h2 id="attendance">{t.mtg_attendance}</h2>
            <div class="table-scroll" role="region" aria-labelledby="attendance" tabindex="0">
                <table>
                    <thead><tr><th scope="col">{t.gov_col_person}</th><th scope="col">{t.gov_col_seat}</th><th scope="col">{t.mtg_attendance}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div id="quorum" class="notice-box" role="status">
                <p><strong>{quorum_text}</strong></p>
                {opened.map(|o| view! { <p>{t.mtg_session_opened}" "{datetime(o.0)}</p> })}
            </div>
            {match opened {
                None => view! {
                    <form method="post" action=format!("/meetings/{}/open", m.id)>
                        <CsrfInput ctx=ctx.clone()/>
                        <button type="submit" class="button">{t.mtg_open_session}</button>
                    </form>
                }.into_any(),
                Some(_) => view! {
                    <form method="post" action=format!("/meetings/{}/close", m.id)>
                        <CsrfInput ctx=ctx.clone()/>
                        <p>{t.mtg_close_session_intro}</p>
                        <button type="submit" class="button">{t.mtg_close_session}</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }.into_any())
}
