//! Who may post to each form: one table of every mutating route of the pages, with the offices
//! allowed on it. A layer in front of every page refuses, before any handler runs, a post to a
//! route missing from the table (deny by default) and one the visitor's offices cannot make;
//! the finer check (the convener of *this* body, the leader of *this* collective) is the
//! service's, through the proof it takes (`services::authority`). The integration test
//! `access` logs in as every role on every route of this table.

use crate::AppError;
use crate::domain::roles::Role;
use crate::services::authority::{
    Administering, CallingForProjects, ClosingVotes, Designating, EvaluatingNodes,
    EvaluatingProjects, Nominating, OpeningCalls, Policy, RecordingCouncilDecisions,
};
use crate::services::sessions::CurrentUser;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not (signing in, registering, checking a copy of a document).
    Anyone,
    /// Any signed-in person; the service checks what else applies (membership, ownership).
    SignedIn,
    /// Whoever holds one of these offices today (a policy of `services::authority`).
    Roles(&'static [Role]),
    /// Whoever convenes the body of the meeting: the Executive Secretary for the councils, the
    /// collective's leaders for a collective.
    Convener,
    /// A collective's leaders, the Executive Secretary, an administrator.
    Steward,
}

/// The offices that can pass the coarse check of a rule (before the service's own).
const CONVENERS: &[Role] = &[Role::ExecutiveSecretary, Role::CollectiveLeader];
const STEWARDS: &[Role] = &[
    Role::CollectiveLeader,
    Role::ExecutiveSecretary,
    Role::Administrator,
];

impl Rule {
    /// The offices this rule admits at the door, `None` when no office is needed.
    pub fn offices(self) -> Option<&'static [Role]> {
        match self {
            Rule::Anyone | Rule::SignedIn => None,
            Rule::Roles(roles) => Some(roles),
            Rule::Convener => Some(CONVENERS),
            Rule::Steward => Some(STEWARDS),
        }
    }

    /// The check at the door: sign in first, then the offices.
    fn admits(self, user: Option<&CurrentUser>) -> Result<(), AppError> {
        if self == Rule::Anyone {
            return Ok(());
        }
        let user = user.ok_or(AppError::Unauthenticated)?;
        match self.offices() {
            Some(roles) if !roles.iter().any(|r| user.has(*r)) => Err(AppError::Forbidden),
            _ => Ok(()),
        }
    }
}

const fn roles<P: Policy>() -> Rule {
    Rule::Roles(P::ROLES)
}

/// Every route that changes something, with who may use it. A route that is not here answers
/// 403 to everyone.
pub const MUTATING: &[(&str, Rule)] = &[
    ("/login", Rule::Anyone),
    ("/login/forgot", Rule::Anyone),
    ("/login/reset", Rule::Anyone),
    ("/login/oidc/link", Rule::Anyone),
    ("/account/verify", Rule::Anyone),
    ("/account/verify/resend", Rule::SignedIn),
    ("/account/sessions/{id}/end", Rule::SignedIn),
    ("/account/sessions/end-others", Rule::SignedIn),
    ("/account/second-factor", Rule::SignedIn),
    ("/login/second-factor", Rule::Anyone),
    (
        "/admin/accounts/{id}/second-factor/reset",
        roles::<Administering>(),
    ),
    ("/register", Rule::Anyone),
    ("/v/{id}/check", Rule::Anyone),
    ("/logout", Rule::SignedIn),
    ("/account/password", Rule::SignedIn),
    ("/account/language", Rule::SignedIn),
    ("/account/delegations", Rule::SignedIn),
    ("/account/delegations/{id}/revoke", Rule::SignedIn),
    ("/collectives/request", Rule::SignedIn),
    ("/calls/{id}/candidacies", Rule::SignedIn),
    (
        "/calls/{id}/candidacies/{candidacy}/withdraw",
        Rule::SignedIn,
    ),
    ("/meetings/{id}/answer", Rule::SignedIn),
    ("/meetings/{id}/minutes/comments", Rule::SignedIn),
    ("/votes/{id}/ballot", Rule::SignedIn),
    ("/advisory/apply", Rule::SignedIn),
    ("/advisory/renewal", Rule::SignedIn),
    ("/councils/nominations/{id}/withdraw", Rule::SignedIn),
    ("/network/requests", Rule::SignedIn),
    ("/network/requests/{id}/withdraw", Rule::SignedIn),
    ("/network/requests/{id}/resubmit", Rule::SignedIn),
    ("/network/requests/{id}/leaders", Rule::Steward),
    ("/network/nodes/{id}/capital", Rule::SignedIn),
    ("/network/capital/{grant}", Rule::Steward),
    (
        "/network/requests/{id}/evaluation",
        roles::<EvaluatingNodes>(),
    ),
    ("/network/nodes/{id}/status", roles::<EvaluatingNodes>()),
    ("/projects/new", Rule::SignedIn),
    ("/projects/applications/{id}/withdraw", Rule::SignedIn),
    ("/projects/applications/{id}/resubmit", Rule::SignedIn),
    ("/projects/applications/{id}/leaders", Rule::Steward),
    (
        "/projects/applications/{id}/scores",
        roles::<EvaluatingProjects>(),
    ),
    ("/projects/applications/{id}/agenda", Rule::Convener),
    ("/projects/calls", roles::<CallingForProjects>()),
    ("/projects/{id}/values", Rule::SignedIn),
    ("/projects/{id}/proposal", Rule::SignedIn),
    ("/projects/{id}/head", Rule::SignedIn),
    ("/projects/{id}/source", Rule::SignedIn),
    ("/projects/{id}/commitment", Rule::SignedIn),
    (
        "/projects/{id}/recommendation",
        roles::<EvaluatingProjects>(),
    ),
    ("/projects/{id}/phase", roles::<RecordingCouncilDecisions>()),
    ("/projects/{id}/close", roles::<RecordingCouncilDecisions>()),
    (
        "/projects/{id}/replan",
        roles::<RecordingCouncilDecisions>(),
    ),
    ("/admin/nodes/import", roles::<Administering>()),
    ("/admin/reporting", roles::<Administering>()),
    ("/reporting/write", Rule::SignedIn),
    ("/ethics/accept", Rule::SignedIn),
    ("/consultations", roles::<RecordingCouncilDecisions>()),
    ("/consultations/{id}/comments", Rule::SignedIn),
    (
        "/consultations/{id}/comments/{comment}/answer",
        roles::<RecordingCouncilDecisions>(),
    ),
    (
        "/consultations/{id}/final",
        roles::<RecordingCouncilDecisions>(),
    ),
    ("/ethics/complaints", Rule::SignedIn),
    ("/ethics/complaints/{id}/step", Rule::SignedIn),
    (
        "/governance-documents",
        roles::<RecordingCouncilDecisions>(),
    ),
    ("/admin/accounts/{id}/offices", roles::<Administering>()),
    ("/admin/accounts/{id}/disable", roles::<Administering>()),
    ("/admin/accounts/{id}/enable", roles::<Administering>()),
    ("/admin/accounts/{id}/person", roles::<Administering>()),
    ("/admin/accounts/{id}/memberships", roles::<Administering>()),
    ("/admin/offices/{id}/revoke", roles::<Administering>()),
    ("/admin/institutions", roles::<Administering>()),
    ("/admin/memberships", roles::<Administering>()),
    ("/admin/memberships/{id}/end", roles::<Administering>()),
    ("/admin/api-keys", roles::<Administering>()),
    ("/admin/api-keys/{id}/revoke", roles::<Administering>()),
    ("/admin/api-keys/visibility", roles::<Administering>()),
    ("/calls", roles::<OpeningCalls>()),
    ("/calls/{id}/election", roles::<RecordingCouncilDecisions>()),
    (
        "/collectives/requests/{id}/decision",
        roles::<RecordingCouncilDecisions>(),
    ),
    (
        "/advisory/applications/{id}/decision",
        roles::<RecordingCouncilDecisions>(),
    ),
    ("/advisory/removals", roles::<RecordingCouncilDecisions>()),
    ("/votes/{id}/close", roles::<ClosingVotes>()),
    ("/councils/nominations", roles::<Nominating>()),
    (
        "/councils/nominations/{id}/designate",
        roles::<Designating>(),
    ),
    ("/collectives/{slug}/renewals", Rule::Steward),
    ("/meetings", Rule::Convener),
    ("/meetings/{id}/edit", Rule::Convener),
    ("/meetings/{id}/agenda", Rule::Convener),
    ("/meetings/{id}/agenda/{item}/move", Rule::Convener),
    ("/meetings/{id}/agenda/{item}/remove", Rule::Convener),
    ("/meetings/{id}/close", Rule::Convener),
    ("/meetings/{id}/convene", Rule::Convener),
    ("/meetings/{id}/revision", Rule::Convener),
    ("/meetings/{id}/cancel", Rule::Convener),
    ("/meetings/{id}/attendance", Rule::Convener),
    ("/meetings/{id}/open", Rule::Convener),
    ("/meetings/{id}/agenda/{item}/vote", Rule::Convener),
    ("/meetings/{id}/votes/{vote}", Rule::Convener),
    ("/meetings/{id}/agenda/{item}/attachments", Rule::Convener),
    ("/meetings/{id}/agenda/minutes", Rule::Convener),
    ("/meetings/{id}/minutes", Rule::Convener),
    ("/meetings/{id}/minutes/circulate", Rule::Convener),
    ("/meetings/{id}/minutes/approve", Rule::Convener),
    ("/meetings/{id}/minutes/agreements", Rule::Convener),
    (
        "/meetings/{id}/minutes/agreements/{agreement}/remove",
        Rule::Convener,
    ),
    ("/agreements/{id}/close", Rule::Convener),
];

/// The rule of a route, by its pattern.
pub fn rule_of(route: &str) -> Option<Rule> {
    MUTATING
        .iter()
        .find(|(path, _)| *path == route)
        .map(|(_, rule)| *rule)
}

/// What someone who must set up a second factor may still do: set it up, sign in and out, and
/// look after their own account (password, language, sessions, address). Everything else that
/// changes something waits for the second factor (delegating one's vote included).
const BEFORE_SECOND_FACTOR: &[&str] = &[
    "/login",
    "/login/second-factor",
    "/login/forgot",
    "/login/reset",
    "/logout",
    "/account/second-factor",
    "/account/password",
    "/account/language",
    "/account/sessions/{id}/end",
    "/account/sessions/end-others",
    "/account/verify",
    "/account/verify/resend",
];

/// Refuses a change to someone whose offices require a second factor they have not set up yet,
/// except [`BEFORE_SECOND_FACTOR`].
fn second_factor_first(user: Option<&CurrentUser>, route: &str) -> Result<(), AppError> {
    let own_account = BEFORE_SECOND_FACTOR.contains(&route);
    match user {
        Some(u) if u.must_set_up_second_factor() && !own_account => {
            Err(AppError::Invalid(crate::error::Invalid::one(
                "",
                crate::services::second_factor::SecondFactorProblem::Required,
            )))
        }
        _ => Ok(()),
    }
}

/// The door of every page route: a request that changes something must be on a route of
/// [`MUTATING`] and pass its rule. Reads pass (each page checks what it shows).
pub async fn check(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        return next.run(req).await;
    }
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let user = req
        .extensions()
        .get::<crate::web::Ctx>()
        .and_then(|c| c.user.clone());
    let verdict = match route.as_deref() {
        // an unmatched post falls through to the 404 page
        None => Ok(()),
        Some(route) => match rule_of(route) {
            Some(rule) => rule
                .admits(user.as_ref())
                .and_then(|()| second_factor_first(user.as_ref(), route)),
            None => {
                tracing::error!(route, %method, "a mutating route missing from the access table");
                Err(AppError::Forbidden)
            }
        },
    };
    match verdict {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form route nobody listed is refused to everyone; a listed one goes to its rule.
    #[tokio::test]
    async fn a_route_missing_from_the_table_is_refused() {
        use axum::body::Body;
        use axum::routing::post;
        use tower::ServiceExt;
        let router = axum::Router::new()
            .route("/unlisted", post(|| async { "changed something" }))
            .route("/admin/api-keys", post(|| async { "made a key" }))
            .route("/login", post(|| async { "signed in" }))
            .layer(axum::middleware::from_fn(check));
        let status = |path: &'static str| {
            let router = router.clone();
            async move {
                router
                    .oneshot(
                        axum::http::Request::post(path)
                            .body(Body::empty())
                            .expect("request"),
                    )
                    .await
                    .expect("response")
                    .status()
            }
        };
        assert_eq!(status("/unlisted").await, 403);
        assert_eq!(status("/admin/api-keys").await, 401, "sign in first");
        assert_eq!(status("/login").await, 200);
    }

    /// A signed-in person holding `roles` (and the applicant's, which everyone holds).
    fn holding(roles: &[Role]) -> CurrentUser {
        CurrentUser {
            session_id: 1,
            account_id: 1,
            person_id: 1,
            email: String::new(),
            full_name: String::new(),
            locale: crate::i18n::Lang::Es,
            roles: roles.iter().copied().chain([Role::Applicant]).collect(),
            second_factor_on: false,
            second_factor_required: false,
            provider_mfa: false,
        }
    }

    #[test]
    fn a_second_factor_is_set_up_before_any_change_but_ones_own_account() {
        let user = CurrentUser {
            second_factor_required: true,
            ..holding(&[Role::Administrator])
        };
        for route in BEFORE_SECOND_FACTOR {
            assert!(rule_of(route).is_some(), "{route} is a mutating route");
            assert!(second_factor_first(Some(&user), route).is_ok(), "{route}");
        }
        for route in [
            "/admin/offices/{id}/revoke",
            "/account/delegations",
            "/votes/{id}/ballot",
        ] {
            assert!(second_factor_first(Some(&user), route).is_err(), "{route}");
        }
        let on = CurrentUser {
            second_factor_on: true,
            ..user.clone()
        };
        assert!(second_factor_first(Some(&on), "/admin/offices/{id}/revoke").is_ok());
        assert!(
            second_factor_first(None, "/votes/{id}/ballot").is_ok(),
            "the rule decides"
        );
    }

    #[test]
    fn every_route_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (path, _) in MUTATING {
            assert!(seen.insert(*path), "{path} is listed twice");
        }
    }

    #[test]
    fn the_door_asks_for_a_session_and_then_for_the_offices() {
        let user = holding;
        assert!(Rule::Anyone.admits(None).is_ok());
        assert!(matches!(
            Rule::SignedIn.admits(None),
            Err(AppError::Unauthenticated)
        ));
        assert!(Rule::SignedIn.admits(Some(&user(&[]))).is_ok());
        let admin = rule_of("/admin/api-keys").expect("listed");
        assert!(matches!(
            admin.admits(Some(&user(&[Role::ExecutiveSecretary]))),
            Err(AppError::Forbidden)
        ));
        assert!(admin.admits(Some(&user(&[Role::Administrator]))).is_ok());
        assert!(
            Rule::Convener
                .admits(Some(&user(&[Role::CollectiveLeader])))
                .is_ok()
        );
        assert!(matches!(
            Rule::Convener.admits(Some(&user(&[Role::Member]))),
            Err(AppError::Forbidden)
        ));
        assert_eq!(rule_of("/admin/unknown"), None);
    }
}
