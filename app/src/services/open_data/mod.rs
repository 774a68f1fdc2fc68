//! Open data: every public register as CSV (RFC 4180, UTF-8, a header row of the documented
//! column names) and JSON (an array of objects with the same names), streamed row by row from
//! the database, never held whole in memory; the daily dump of all of them as one archive
//! registered as an evidence (kind `open-data.dump`), and the catalogue describing them
//! (DCAT-AP, see [`catalog`]).

pub mod catalog;
pub mod datasets;
pub mod dump;

pub use datasets::{DATASETS, Dataset};

use crate::domain::csv;
use axum::body::Bytes;
use futures_util::{Stream, TryStreamExt};
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool, TypeInfo, ValueRef};

/// The two formats every dataset is published in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Csv, Format::Json];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Json => "application/json",
        }
    }

    /// The format of a file name's extension.
    pub fn of(extension: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == extension)
    }
}

/// One value of a row, as SQLite stored it.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

fn cells(row: &SqliteRow) -> Vec<Cell> {
    (0..row.len())
        .map(|i| {
            let kind = match row.try_get_raw(i) {
                Ok(raw) if raw.is_null() => return Cell::Null,
                Ok(raw) => raw.type_info().name().to_string(),
                Err(_) => return Cell::Null,
            };
            match kind.as_str() {
                "INTEGER" => row.try_get::<i64, _>(i).map(Cell::Int),
                "REAL" => row.try_get::<f64, _>(i).map(Cell::Real),
                "BLOB" => row
                    .try_get::<Vec<u8>, _>(i)
                    .map(|b| Cell::Text(hex::encode(b))),
                _ => row.try_get::<String, _>(i).map(Cell::Text),
            }
            .unwrap_or(Cell::Null)
        })
        .collect()
}

/// Writes a dataset's rows in one format: the opening (header row, or `[`), each row, the
/// closing.
pub struct Encoder {
    dataset: &'static Dataset,
    format: Format,
    rows: u64,
}

impl Encoder {
    pub fn new(dataset: &'static Dataset, format: Format) -> Encoder {
        Encoder {
            dataset,
            format,
            rows: 0,
        }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn start(&self, out: &mut Vec<u8>) {
        match self.format {
            Format::Csv => {
                let names: Vec<&str> = self.dataset.columns.iter().map(|c| c.name).collect();
                out.extend_from_slice(names.join(",").as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            Format::Json => out.extend_from_slice(b"["),
        }
    }

    fn row(&mut self, row: &SqliteRow, out: &mut Vec<u8>) {
        let values = cells(row);
        match self.format {
            Format::Csv => {
                let fields: Vec<String> = values
                    .iter()
                    .map(|v| match v {
                        Cell::Null => String::new(),
                        Cell::Int(n) => n.to_string(),
                        // as JSON writes it (19.0, not 19): the same text in both formats
                        Cell::Real(x) => serde_json::Number::from_f64(*x)
                            .map_or_else(String::new, |n| n.to_string()),
                        Cell::Text(t) => csv::field(t),
                    })
                    .collect();
                out.extend_from_slice(fields.join(",").as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            Format::Json => {
                let object: serde_json::Map<String, Value> =
                    self.dataset
                        .columns
                        .iter()
                        .zip(values)
                        .map(|(c, v)| {
                            let value = match v {
                                Cell::Null => Value::Null,
                                Cell::Int(n) => Value::from(n),
                                Cell::Real(x) => serde_json::Number::from_f64(x)
                                    .map_or(Value::Null, Value::Number),
                                Cell::Text(t) => Value::String(t),
                            };
                            (c.name.to_string(), value)
                        })
                        .collect();
                out.extend_from_slice(if self.rows == 0 { b"\n" } else { b",\n" });
                // a map of strings and plain values always serialises
                out.extend_from_slice(Value::Object(object).to_string().as_bytes());
            }
        }
        self.rows += 1;
    }

    pub fn end(&self, out: &mut Vec<u8>) {
        if self.format == Format::Json {
            out.extend_from_slice(if self.rows == 0 { b"]\n" } else { b"\n]\n" });
        }
    }
}

/// What a stream of a dataset's file sends at a time (a few rows' worth at least).
const CHUNK: usize = 64 * 1024;

type Chunks = tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>;

/// Reads `dataset` row by row in a task of its own, sending the encoded file in chunks of about
/// 64 KiB as the receiver takes them (a slow reader holds the reading back; one that leaves
/// stops it). The task's result is the number of rows, or `None` when it did not finish.
pub fn spawn_encode(
    db: SqlitePool,
    dataset: &'static Dataset,
    format: Format,
) -> (Chunks, tokio::task::JoinHandle<Option<u64>>) {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let task = tokio::spawn(async move {
        let send = |chunk: Vec<u8>| {
            let tx = tx.clone();
            async move { tx.send(Ok(Bytes::from(chunk))).await.is_ok() }
        };
        let mut encoder = Encoder::new(dataset, format);
        let mut buf = Vec::with_capacity(CHUNK + 4096);
        encoder.start(&mut buf);
        let mut rows = sqlx::query(dataset.sql).fetch(&db);
        loop {
            match rows.try_next().await {
                Ok(Some(row)) => {
                    encoder.row(&row, &mut buf);
                    if buf.len() >= CHUNK && !send(std::mem::take(&mut buf)).await {
                        return None;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(dataset = dataset.slug, error = %e, "reading open data failed");
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return None;
                }
            }
        }
        encoder.end(&mut buf);
        send(buf).await.then_some(encoder.rows())
    });
    (rx, task)
}

/// The file of `dataset` in `format` as a stream of chunks (see [`spawn_encode`]).
pub fn stream(
    db: SqlitePool,
    dataset: &'static Dataset,
    format: Format,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let (rx, _) = spawn_encode(db, dataset, format);
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of("csv"), Some(Format::Csv));
        assert_eq!(Format::of("json"), Some(Format::Json));
        assert_eq!(Format::of("xml"), None);
    }

    #[test]
    fn an_empty_dataset_is_a_header_or_an_empty_array() {
        let d = datasets::find("collectives").expect("collectives");
        let mut out = Vec::new();
        let e = Encoder::new(d, Format::Csv);
        e.start(&mut out);
        e.end(&mut out);
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "id,slug,sector,name_es,name_en,description_es,description_en,created_on\r\n"
        );
        let mut out = Vec::new();
        let e = Encoder::new(d, Format::Json);
        e.start(&mut out);
        e.end(&mut out);
        assert_eq!(out, b"[]\n");
    }
}
