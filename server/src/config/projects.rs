//! The settings of projects (when a running project counts as stalled) and of the report
//! calendar they and every other role keep.

use app::domain::projects::ProjectSettings;
use clap::Args;

#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// Days without a metric value after which a running project is flagged as stalled (0 turns
    /// the rule off).
    #[arg(
        long,
        env = "MINGA_PROJECT_STALE_DAYS",
        default_value_t = 60,
        global = true
    )]
    pub project_stale_days: u32,
    /// Days before a phase's end from which its schedule shows "ending soon".
    #[arg(
        long,
        env = "MINGA_PROJECT_SOON_DAYS",
        default_value_t = 14,
        global = true
    )]
    pub project_soon_days: u32,
    /// Days before a report's due day its authors are reminded (they are reminded again the
    /// day after it, if it was not filed).
    #[arg(
        long,
        env = "MINGA_REPORT_REMIND_DAYS",
        default_value_t = 7,
        global = true
    )]
    pub report_remind_days: u32,
    /// Days a complaint under the ethics code must be resolved within.
    #[arg(
        long,
        env = "MINGA_COMPLAINT_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub complaint_days: u32,
}

impl ProjectArgs {
    pub fn to_settings(&self) -> ProjectSettings {
        ProjectSettings {
            stale_days: self.project_stale_days,
            soon_days: self.project_soon_days,
        }
    }

    pub fn to_reporting(&self) -> app::domain::reporting::ReportingSettings {
        app::domain::reporting::ReportingSettings {
            remind_days: self.report_remind_days,
            complaint_days: self.complaint_days,
        }
    }
}
