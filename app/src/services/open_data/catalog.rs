//! The catalogue of the open data as DCAT-AP in JSON-LD (`/data/catalog.jsonld`): the catalogue,
//! one `dcat:Dataset` per register (titles and descriptions in Spanish and English, its page,
//! licence, last change) with its distributions — the live CSV and JSON, and the copies in the
//! latest dump with their SHA-256 (`spdx:checksum`) and size — the CSV's columns as a CSVW table
//! schema, and the dump's archive itself, whose evidence is in the log.

use super::dump::{DumpRow, Manifest};
use super::{DATASETS, Dataset, Format};
use serde_json::{Value, json};

const LANGUAGES: [&str; 2] = [
    "http://publications.europa.eu/resource/authority/language/SPA",
    "http://publications.europa.eu/resource/authority/language/ENG",
];

fn text(es: &str, en: &str) -> Value {
    json!([{"@language": "es", "@value": es}, {"@language": "en", "@value": en}])
}

fn id(url: impl Into<String>) -> Value {
    json!({"@id": url.into()})
}

fn time(at: &str) -> Value {
    json!({"@type": "xsd:dateTime", "@value": at})
}

fn media(format: Format) -> (Value, Value) {
    match format {
        Format::Csv => (
            id("http://www.iana.org/assignments/media-types/text/csv"),
            id("http://publications.europa.eu/resource/authority/file-type/CSV"),
        ),
        Format::Json => (
            id("http://www.iana.org/assignments/media-types/application/json"),
            id("http://publications.europa.eu/resource/authority/file-type/JSON"),
        ),
    }
}

fn checksum(sha256: &str) -> Value {
    json!({
        "@type": "spdx:Checksum",
        "spdx:algorithm": id("spdx:checksumAlgorithm_sha256"),
        "spdx:checksumValue": {"@type": "xsd:hexBinary", "@value": sha256},
    })
}

fn size(bytes: u64) -> Value {
    json!({"@type": "xsd:nonNegativeInteger", "@value": bytes.to_string()})
}

fn dataset(base: &str, licence: &str, d: &Dataset, dump: Option<(&DumpRow, &Manifest)>) -> Value {
    let mut distributions = Vec::new();
    let mut modified = None;
    for format in Format::ALL {
        let (media_type, file_type) = media(format);
        let file = format!("{}.{}", d.slug, format.extension());
        let mut live = json!({
            "@id": format!("{base}/data/{file}"),
            "@type": "dcat:Distribution",
            "dct:title": text(
                &format!("{} ({}, al día)", d.title_es, format.extension().to_uppercase()),
                &format!("{} ({}, up to date)", d.title_en, format.extension().to_uppercase()),
            ),
            "dcat:accessURL": id(format!("{base}/data/{file}")),
            "dcat:downloadURL": id(format!("{base}/data/{file}")),
            "dcat:mediaType": media_type.clone(),
            "dct:format": file_type.clone(),
            "dct:license": id(licence),
        });
        if format == Format::Csv {
            live["dct:conformsTo"] = id("https://www.rfc-editor.org/rfc/rfc4180");
            live["csvw:tableSchema"] = json!({
                "@type": "csvw:Schema",
                "csvw:column": d.columns.iter().map(|c| json!({
                    "@type": "csvw:Column",
                    "csvw:name": c.name,
                    "dct:description": text(c.es, c.en),
                })).collect::<Vec<_>>(),
            });
        }
        distributions.push(live);
        if let Some((row, manifest)) = dump
            && let Some(entry) = manifest.files.iter().find(|f| f.name == file)
        {
            modified = Some(entry.changed_at.clone());
            let url = format!("{base}/data/dumps/{}/{file}", row.id);
            distributions.push(json!({
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": text(
                    &format!("{} ({}, volcado del {})", d.title_es, format.extension().to_uppercase(), manifest.generated_at),
                    &format!("{} ({}, dump of {})", d.title_en, format.extension().to_uppercase(), manifest.generated_at),
                ),
                "dcat:accessURL": id(url.clone()),
                "dcat:downloadURL": id(url),
                "dcat:mediaType": media_type,
                "dct:format": file_type,
                "dct:license": id(licence),
                "dct:issued": time(&manifest.generated_at),
                "dct:modified": time(&entry.changed_at),
                "dcat:byteSize": size(entry.bytes),
                "spdx:checksum": checksum(&entry.sha256),
            }));
        }
    }
    let mut out = json!({
        "@id": format!("{base}/data#{}", d.slug),
        "@type": "dcat:Dataset",
        "dct:identifier": d.slug,
        "dct:title": text(d.title_es, d.title_en),
        "dct:description": text(d.about_es, d.about_en),
        "dcat:landingPage": id(format!("{base}{}", d.page)),
        "dct:language": LANGUAGES.iter().map(|l| id(*l)).collect::<Vec<_>>(),
        "dct:license": id(licence),
        "dcat:distribution": distributions,
    });
    if let Some(at) = modified {
        out["dct:modified"] = time(&at);
    }
    out
}

/// The whole catalogue, addressed under `base` (the portal's public URL).
pub fn catalog(base: &str, licence: &str, dump: Option<&DumpRow>) -> Value {
    let base = base.trim_end_matches('/');
    let manifest = dump.and_then(|d| d.manifest().map(|m| (d, m)));
    let with = manifest.as_ref().map(|(d, m)| (*d, m));
    let mut datasets: Vec<Value> = DATASETS
        .iter()
        .map(|d| dataset(base, licence, d, with))
        .collect();
    if let Some((row, m)) = with {
        let url = format!("{base}/api/v1/evidence/{}/document", row.evidence_id);
        datasets.push(json!({
            "@id": format!("{base}/data#dump"),
            "@type": "dcat:Dataset",
            "dct:identifier": "dump",
            "dct:title": text("Volcado de todos los datos abiertos", "Dump of all the open data"),
            "dct:description": text(
                "Todos los conjuntos en CSV y JSON, con su manifiesto (filas, tamaño y SHA-256 de cada archivo), en un archivo tar.gz registrado como evidencia en el registro público.",
                "Every dataset in CSV and JSON, with its manifest (rows, size and SHA-256 of each file), in one tar.gz archive registered as an evidence in the public log.",
            ),
            "dcat:landingPage": id(format!("{base}/v/{}", row.evidence_id)),
            "dct:language": LANGUAGES.iter().map(|l| id(*l)).collect::<Vec<_>>(),
            "dct:license": id(licence),
            "dct:modified": time(&m.generated_at),
            "dcat:distribution": [{
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": text(&row.archive_name, &row.archive_name),
                "dcat:accessURL": id(url.clone()),
                "dcat:downloadURL": id(url),
                "dcat:mediaType": id("http://www.iana.org/assignments/media-types/application/gzip"),
                "dct:format": id("http://publications.europa.eu/resource/authority/file-type/TAR_GZ"),
                "dct:license": id(licence),
                "dct:issued": time(&m.generated_at),
                "dcat:byteSize": size(u64::try_from(row.archive_bytes).unwrap_or(0)),
                "spdx:checksum": checksum(&row.archive_sha256),
            }],
        }));
    }
    let mut catalog = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "spdx": "http://spdx.org/rdf/terms#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "csvw": "http://www.w3.org/ns/csvw#",
        },
        "@id": format!("{base}/data/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": text("Datos abiertos de Minga", "Minga's open data"),
        "dct:description": text(
            "Los registros públicos de la red: decisiones, consejos, votaciones, sesiones, acuerdos, colectivos, nodos, proyectos, informes y evidencias.",
            "The network's public registers: decisions, councils, votes, meetings, agreements, collectives, nodes, projects, reports and evidences.",
        ),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": "Minga"},
        "foaf:homepage": id(format!("{base}/data")),
        "dct:language": LANGUAGES.iter().map(|l| id(*l)).collect::<Vec<_>>(),
        "dct:license": id(licence),
        "dcat:dataset": datasets,
    });
    if let Some((_, m)) = with {
        catalog["dct:modified"] = time(&m.generated_at);
    }
    catalog
}
