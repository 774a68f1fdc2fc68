//! How the refusals of the governance seats read (see [`crate::domain::governance`]).

use crate::domain::governance::{AppointmentRefusal, Profile};
use crate::error::Reason;
use crate::i18n::{Tr, fill};

/// The name of a nominee profile in the interface ("perfil de negocio", "technical profile").
pub(crate) fn profile_name(profile: Profile, t: &'static Tr) -> &'static str {
    match profile {
        Profile::Business => t.seat_profile_business,
        Profile::Technical => t.seat_profile_technical,
    }
}

impl Reason for AppointmentRefusal {
    fn code(&self) -> &'static str {
        match self {
            AppointmentRefusal::NotASeat => "not_a_seat",
            AppointmentRefusal::CollectiveRequired => "collective_required",
            AppointmentRefusal::CollectiveNotApplicable => "collective_not_applicable",
            AppointmentRefusal::EndsBeforeStart => "ends_before_start",
            AppointmentRefusal::TermTooLong { .. } => "term_too_long",
            AppointmentRefusal::NotInCollective => "not_in_collective",
            AppointmentRefusal::WrongProfile { .. } => "wrong_profile",
            AppointmentRefusal::Overlaps { .. } => "overlapping_term",
            AppointmentRefusal::SeatsFull { .. } => "seats_full",
            AppointmentRefusal::SameInstitution { .. } => "same_institution",
            AppointmentRefusal::RenewalsExhausted { .. } => "renewals_exhausted",
        }
    }

    fn message(&self, t: &'static Tr) -> String {
        match self {
            AppointmentRefusal::NotASeat => t.seat_not_a_seat.to_string(),
            AppointmentRefusal::CollectiveRequired => t.seat_collective_required.to_string(),
            AppointmentRefusal::CollectiveNotApplicable => {
                t.seat_collective_not_applicable.to_string()
            }
            AppointmentRefusal::EndsBeforeStart => t.seat_ends_before_start.to_string(),
            AppointmentRefusal::TermTooLong { max_months } => {
                fill(t.seat_term_too_long, &[("months", max_months)])
            }
            AppointmentRefusal::NotInCollective => t.seat_not_in_collective.to_string(),
            AppointmentRefusal::WrongProfile { required } => fill(
                t.seat_wrong_profile,
                &[("profile", &profile_name(*required, t))],
            ),
            AppointmentRefusal::Overlaps { office_id } => {
                fill(t.seat_overlapping_term, &[("office", office_id)])
            }
            AppointmentRefusal::SeatsFull { max } => fill(t.seat_seats_full, &[("max", max)]),
            AppointmentRefusal::SameInstitution { office_id } => {
                fill(t.seat_same_institution, &[("office", office_id)])
            }
            AppointmentRefusal::RenewalsExhausted { max } => {
                fill(t.seat_renewals_exhausted, &[("max", max)])
            }
        }
    }
}
