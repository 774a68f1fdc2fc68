//! The database: connection, migrations and the timestamp representation.
//! SQL lives in the services; this module only opens the pool.

use crate::settings::Settings;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{
    SqliteArgumentsBuffer, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions,
    SqliteSynchronous, SqliteTypeInfo, SqliteValueRef,
};
use sqlx::{Decode, Encode, Sqlite, SqlitePool, Type};
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// Opens (creating if needed) the database: WAL so readers never wait for the writer, and
/// `synchronous = FULL` so that what was acknowledged survives a power cut.
pub async fn connect(settings: &Settings) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(&settings.database_url())?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
}

/// Starts a transaction that will write. `BEGIN IMMEDIATE` takes the write lock up front (waiting
/// up to the busy timeout), so a transaction that reads before it writes never fails with
/// "database is locked" when another writer committed in between, as a deferred one would in WAL
/// mode.
pub async fn begin_write(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

pub async fn migrate(pool: &SqlitePool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// A UTC instant stored as fixed-width ISO-8601 text (`2026-11-22T14:05:09.123Z`), so that text
/// order is time order in any database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub DateTime<Utc>);

impl Ts {
    pub fn now() -> Ts {
        Ts(Utc::now())
    }

    pub fn to_db(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

impl From<DateTime<Utc>> for Ts {
    fn from(t: DateTime<Utc>) -> Ts {
        Ts(t)
    }
}

impl Type<Sqlite> for Ts {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for Ts {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.to_db(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Ts {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Ts(DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_fixed_width_and_sort_as_text() {
        let a = Ts(DateTime::parse_from_rfc3339("2026-11-22T14:05:09Z")
            .expect("t")
            .with_timezone(&Utc));
        let b = Ts(DateTime::parse_from_rfc3339("2026-11-22T14:05:09.5Z")
            .expect("t")
            .with_timezone(&Utc));
        assert_eq!(a.to_db(), "2026-11-22T14:05:09.000Z");
        assert_eq!(b.to_db(), "2026-11-22T14:05:09.500Z");
        assert!(a.to_db() < b.to_db());
    }
}
