//! Authority as a value. Every mutating service takes a proof that the one acting may do it, and
//! the only way to get a proof is the check here, inside the services: a page, an API route, a
//! worker or the command line that forgot the check does not compile. (In the spirit of the
//! crates.io backend's `AuthCheck`.)
//!
//! - [`Signed`]: a signed-in person (actions anyone with an account may take; the service checks
//!   what else applies, such as membership of a collective).
//! - [`Allowed<P>`]: someone holding one of the roles of policy `P` today ([`Admin`],
//!   [`CallOpener`], …); the policies below are the table of who may do what.
//! - [`Convener`]: whoever convenes the meetings of one body.
//! - [`Steward`]: whoever looks after one collective's leadership (its leaders, the Executive
//!   Secretary, an administrator).
//!
//! Only the portal itself — at start-up, loading the demo, in its workers and at the command line
//! — acts without a person's check: it says so with an `operator` constructor, which no page and
//! no API route calls (a test reads their sources to make sure).

use crate::AppError;
use crate::domain::meetings::Body;
use crate::domain::roles::Role;
use crate::error::AppResult;
use crate::services::sessions::CurrentUser;
use std::marker::PhantomData;

/// Who may do one kind of thing: the roles that allow it.
pub trait Policy {
    const ROLES: &'static [Role];
}

/// Proof of a signed-in person.
#[derive(Clone, Debug)]
pub struct Signed {
    account_id: i64,
    person_id: i64,
    /// The session the person acts in (`None` for the portal acting for them).
    session_id: Option<i64>,
}

impl Signed {
    /// The signed-in user, or "sign in first".
    pub fn check(user: Option<&CurrentUser>) -> AppResult<Signed> {
        let user = user.ok_or(AppError::Unauthenticated)?;
        Ok(Signed {
            account_id: user.account_id,
            person_id: user.person_id,
            session_id: Some(user.session_id),
        })
    }

    /// The portal acting for a person it has just checked itself (demo data, workers).
    /// Pages and API routes never use it.
    pub fn operator(account_id: i64, person_id: i64) -> Signed {
        Signed {
            account_id,
            person_id,
            session_id: None,
        }
    }

    pub fn session_id(&self) -> Option<i64> {
        self.session_id
    }

    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    pub fn person_id(&self) -> i64 {
        self.person_id
    }
}

/// Proof that the one acting holds one of `P::ROLES` today (or is the portal's operator, for the
/// administrator's policy).
#[derive(Debug)]
pub struct Allowed<P: Policy> {
    /// `None`: the portal itself (see [`Admin::operator`]).
    person_id: Option<i64>,
    _policy: PhantomData<P>,
}

impl<P: Policy> Clone for Allowed<P> {
    fn clone(&self) -> Self {
        Allowed {
            person_id: self.person_id,
            _policy: PhantomData,
        }
    }
}

impl<P: Policy> Allowed<P> {
    pub fn check(user: Option<&CurrentUser>) -> AppResult<Allowed<P>> {
        let user = user.ok_or(AppError::Unauthenticated)?;
        if P::ROLES.iter().any(|r| user.has(*r)) {
            Ok(Allowed {
                person_id: Some(user.person_id),
                _policy: PhantomData,
            })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether `user` would pass [`Allowed::check`] (to offer or hide a form).
    pub fn would_allow(user: Option<&CurrentUser>) -> bool {
        user.is_some_and(|u| P::ROLES.iter().any(|r| u.has(*r)))
    }

    /// The person acting, when it is a person.
    pub fn person_id(&self) -> Option<i64> {
        self.person_id
    }
}

macro_rules! policy {
    ($(#[$doc:meta])* $name:ident, $alias:ident = [$($role:ident),+]) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;
        impl Policy for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
        pub type $alias = Allowed<$name>;
    };
}

policy!(
    /// Operating the portal: accounts, offices, institutions, API keys, visibility.
    Administering, Admin = [Administrator]
);
policy!(
    /// Opening a call for collective leaders.
    OpeningCalls, CallOpener = [Administrator, ExecutiveSecretary]
);
policy!(
    /// Recording what the Executive Council decided outside a meeting's own vote: an election in
    /// a call, a collective request, an Advisory Council application.
    RecordingCouncilDecisions, CouncilSecretary = [ExecutiveSecretary]
);
policy!(
    /// Reading the requests and applications that wait for the Executive Council.
    ReadingApplications, ApplicationsReader = [ExecutiveSecretary, Administrator]
);
policy!(
    /// Closing a members' vote before its deadline.
    ClosingVotes, VoteCloser = [Administrator, ExecutiveSecretary]
);
policy!(
    /// Proposing candidates for the Executive Council: the collectives' leaders.
    Nominating, Nominator = [CollectiveLeader]
);
policy!(
    /// Evaluating node requests, and suspending, reinstating or retiring nodes: the nodes
    /// commission.
    EvaluatingNodes, NodeEvaluator = [NodesCommission]
);
policy!(
    /// Scoring project applications, and recommending a project's change of phase: the projects
    /// commission.
    EvaluatingProjects, ProjectEvaluator = [ProjectsCommission]
);
policy!(
    /// Opening a call for projects: the Executive Secretary or the projects commission.
    CallingForProjects, ProjectCaller = [ExecutiveSecretary, ProjectsCommission]
);
policy!(
    /// Designating the Executive Council: the Advisory Council.
    Designating, Designator = [AdvisoryMember]
);

impl<P: Policy> Allowed<P> {
    /// The portal acting on its own (start-up, demo data, workers, the `minga` command line).
    /// Pages and API routes never use it.
    pub fn operator() -> Allowed<P> {
        Allowed {
            person_id: None,
            _policy: PhantomData,
        }
    }

    /// The portal acting for a person it has itself just checked holds the office (the demo's
    /// history). Pages and API routes never use it.
    pub fn operator_for(person_id: i64) -> Allowed<P> {
        Allowed {
            person_id: Some(person_id),
            _policy: PhantomData,
        }
    }
}

/// Proof that the one acting convenes the meetings of `body`: the Executive Secretary for both
/// councils, a collective's leaders (or the Secretary) for the collective.
#[derive(Clone, Debug)]
pub struct Convener {
    body: Body,
}

impl Convener {
    pub async fn of(
        db: &sqlx::SqlitePool,
        user: Option<&CurrentUser>,
        body: Body,
    ) -> AppResult<Convener> {
        let user = user.ok_or(AppError::Unauthenticated)?;
        if crate::services::meetings::may_convene(db, body, user.person_id, &user.roles).await? {
            Ok(Convener { body })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The portal convening on its own (demo data). Pages and API routes never use it.
    pub fn operator(body: Body) -> Convener {
        Convener { body }
    }

    pub fn body(&self) -> Body {
        self.body
    }

    /// Refuses unless this proof is for `body` (a meeting of another body).
    pub fn covers(&self, body: Option<Body>) -> AppResult<()> {
        if body == Some(self.body) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Proof that the one acting looks after the leadership of one collective: one of its leaders
/// today, the Executive Secretary or an administrator.
#[derive(Clone, Debug)]
pub struct Steward {
    collective_id: i64,
}

impl Steward {
    pub async fn of(
        db: &sqlx::SqlitePool,
        user: Option<&CurrentUser>,
        collective_id: i64,
    ) -> AppResult<Steward> {
        let user = user.ok_or(AppError::Unauthenticated)?;
        let allowed = user.has(Role::ExecutiveSecretary)
            || user.has(Role::Administrator)
            || crate::services::seats::leads(db, user.person_id, collective_id).await?;
        if allowed {
            Ok(Steward { collective_id })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The portal on its own (demo data). Pages and API routes never use it.
    pub fn operator(collective_id: i64) -> Steward {
        Steward { collective_id }
    }

    pub fn collective_id(&self) -> i64 {
        self.collective_id
    }
}

#[cfg(test)]
mod tests {
    /// No page and no API route makes a proof without the check.
    #[test]
    fn pages_and_routes_never_act_as_the_operator() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut offenders = Vec::new();
        for dir in [root.join("src/pages"), root.join("../server/src/routes")] {
            let mut stack = vec![dir];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        let text = std::fs::read_to_string(&path).expect("read");
                        if text.contains("::operator(") || text.contains("::operator_for(") {
                            offenders.push(path.display().to_string());
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:?}");
    }
}
