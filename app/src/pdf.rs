//! Plain A4 PDF documents with real text in an embedded TrueType font (krilla): the batch
//! reports of the anchoring rounds and the approved minutes of the meetings. Lines are laid out
//! top to bottom over as many pages as they need, each page with a footer. Every document is
//! PDF/A-2b (archival), validated by krilla as it is written.

use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::Point;
use krilla::metadata::{DateTime as PdfTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;

/// A QR code placed on a page: its top-left corner, its side, its modules row by row.
struct Qr {
    x: f32,
    y: f32,
    side: f32,
    modules: Vec<bool>,
    width: usize,
}

/// Lines of text laid out top to bottom over as many A4 pages as they need.
pub struct Writer {
    pages: Vec<Vec<(f32, f32, String)>>,
    codes: Vec<Vec<Qr>>,
    y: f32,
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            pages: vec![Vec::new()],
            codes: vec![Vec::new()],
            y: MARGIN,
        }
    }

    /// A QR code of `text`, `side` points wide, below what came before (on a new page when it
    /// does not fit), with its quiet zone left white.
    pub fn qr(&mut self, text: &str, side: f32) -> Result<(), String> {
        let (modules, width) = crate::components::qr::modules(text)?;
        if self.y + side + 8.0 > PAGE_H - MARGIN {
            self.new_page();
        }
        let y = self.y + 4.0;
        if let Some(page) = self.codes.last_mut() {
            page.push(Qr {
                x: MARGIN,
                y,
                side,
                modules,
                width,
            });
        }
        self.y = y + side + 4.0;
        Ok(())
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.codes.push(Vec::new());
        self.y = MARGIN;
    }

    /// One line of `size` points.
    pub fn line(&mut self, size: f32, text: impl Into<String>) {
        let height = size * 1.45;
        if self.y + height > PAGE_H - MARGIN {
            self.new_page();
        }
        self.y += height;
        if let Some(page) = self.pages.last_mut() {
            page.push((size, self.y, text.into()));
        }
    }

    /// Cuts `text` every `width` characters (for hashes and other unbreakable fields).
    pub fn wrapped(&mut self, size: f32, text: &str, width: usize) {
        for raw in text.lines() {
            let chars: Vec<char> = raw.chars().collect();
            if chars.is_empty() {
                self.line(size, "");
            }
            for chunk in chars.chunks(width.max(1)) {
                self.line(size, chunk.iter().collect::<String>());
            }
        }
    }

    /// Prose: each line of `text` broken between words at `width` characters (a word longer than
    /// the line is cut), keeping a line's leading indentation on its continuation lines.
    pub fn paragraphs(&mut self, size: f32, text: &str, width: usize) {
        for line in wrap_words(text, width) {
            self.line(size, line);
        }
    }

    /// A little vertical space.
    pub fn gap(&mut self) {
        self.y += 6.0;
    }

    /// The PDF: `title` and `language` in its metadata, `footer(page, pages)` at the foot of
    /// each page.
    pub fn finish(
        self,
        font: &[u8],
        title: &str,
        language: &str,
        created: DateTime<Utc>,
        footer: impl Fn(usize, usize) -> String,
    ) -> Result<Vec<u8>, String> {
        let font = Font::new(font.to_vec().into(), 0).ok_or("the PDF font cannot be read")?;
        // archival: PDF/A-2b (XMP metadata, every font embedded, no transparency or device
        // colours); krilla refuses to finish a document that breaks it
        let configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_B)
            .finish()
            .map_err(|e| format!("PDF/A configuration: {e:?}"))?;
        let mut document = Document::new_with(SerializeSettings {
            configuration,
            ..SerializeSettings::default()
        });
        document.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .language(language.to_string())
                .creator("Minga".into())
                .creation_date(
                    PdfTime::new(u16::try_from(created.year()).unwrap_or(2026))
                        .month(u8::try_from(created.month()).unwrap_or(1))
                        .day(u8::try_from(created.day()).unwrap_or(1))
                        .hour(u8::try_from(created.hour()).unwrap_or(0))
                        .minute(u8::try_from(created.minute()).unwrap_or(0))
                        .second(u8::try_from(created.second()).unwrap_or(0)),
                ),
        );
        let total = self.pages.len();
        for (n, lines) in self.pages.iter().enumerate() {
            let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for code in self.codes.get(n).into_iter().flatten() {
                // every dark module a filled square, the quiet zone (4 modules) around left white
                let module = code.side / (code.width + 8) as f32;
                let mut path = krilla::geom::PathBuilder::new();
                for (i, dark) in code.modules.iter().enumerate() {
                    if *dark {
                        let (col, row) = ((i % code.width) as f32, (i / code.width) as f32);
                        if let Some(rect) = krilla::geom::Rect::from_xywh(
                            code.x + (col + 4.0) * module,
                            code.y + (row + 4.0) * module,
                            module,
                            module,
                        ) {
                            path.push_rect(rect);
                        }
                    }
                }
                if let Some(path) = path.finish() {
                    surface.set_fill(Some(krilla::paint::Fill::default()));
                    surface.draw_path(&path);
                }
            }
            for (size, y, text) in lines {
                surface.draw_text(
                    Point::from_xy(MARGIN, *y),
                    font.clone(),
                    *size,
                    text,
                    false,
                    TextDirection::Auto,
                );
            }
            surface.draw_text(
                Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0),
                font.clone(),
                7.0,
                &footer(n + 1, total),
                false,
                TextDirection::Auto,
            );
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| format!("writing the PDF: {e:?}"))
    }
}

/// Breaks each line of `text` between words so that no line is longer than `width` characters
/// (a longer word is cut); continuation lines keep the line's leading indentation.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    for raw in text.lines() {
        let raw = raw.trim_end();
        let indent: String = raw.chars().take_while(|c| *c == ' ').collect();
        let room = width.saturating_sub(indent.chars().count()).max(4);
        let mut current = String::new();
        let mut len = 0;
        let mut any = false;
        for word in raw.split_whitespace() {
            any = true;
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > room {
                if len > 0 {
                    out.push(format!("{indent}{current}"));
                    current.clear();
                    len = 0;
                }
                let rest = word.split_off(room);
                out.push(format!("{indent}{}", word.iter().collect::<String>()));
                word = rest;
            }
            let needed = if len == 0 {
                word.len()
            } else {
                len + 1 + word.len()
            };
            if needed > room {
                out.push(format!("{indent}{current}"));
                current.clear();
                len = 0;
            }
            if len > 0 {
                current.push(' ');
                len += 1;
            }
            current.extend(word.iter());
            len += word.len();
        }
        if !any || len > 0 {
            out.push(format!("{indent}{current}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Writer, wrap_words};

    /// The XMP packet of a PDF (PDF/A keeps it uncompressed, so a reader finds it as text).
    fn xmp(pdf: &[u8]) -> String {
        let text = String::from_utf8_lossy(pdf);
        let start = text.find("<x:xmpmeta").expect("an XMP packet");
        let end = text[start..].find("</x:xmpmeta>").expect("its end") + start;
        text[start..end].to_string()
    }

    #[test]
    fn documents_declare_pdf_a_2b_with_their_title_and_language() {
        let font = std::fs::read(crate::settings::Settings::embedded("/tmp".into()).report_font)
            .expect("DejaVu Sans (fonts-dejavu-core)");
        let mut w = Writer::new();
        w.line(12.0, "Acta de la sesión · Minutes");
        w.qr("https://minga.example/v/abc", 90.0)
            .expect("a QR code");
        w.line(9.0, "Quórum verificado con siete miembros");
        let created = chrono::DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
            .unwrap()
            .to_utc();
        let pdf = w
            .finish(&font, "Acta 1", "es", created, |p, n| format!("{p}/{n}"))
            .expect("a valid PDF/A-2b");
        let meta = xmp(&pdf);
        assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "{meta}");
        assert!(
            meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{meta}"
        );
        assert!(meta.contains("Acta 1"), "{meta}");
        assert!(pdf.starts_with(b"%PDF-1.7"), "PDF/A-2 is based on PDF 1.7");
    }

    #[test]
    fn words_are_kept_whole_within_the_width() {
        let lines = wrap_words(
            "La sesión inició a las diez con quórum de siete miembros",
            20,
        );
        assert_eq!(
            lines,
            vec![
                "La sesión inició a",
                "las diez con quórum",
                "de siete miembros"
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
    }

    #[test]
    fn blank_lines_indentation_and_long_words() {
        let lines = wrap_words(
            "uno\n\n   sangría que continúa aquí\nabcdefghijklmnopqrstuvwxyz",
            12,
        );
        assert_eq!(
            lines,
            vec![
                "uno",
                "",
                "   sangría",
                "   que",
                "   continúa",
                "   aquí",
                "abcdefghijkl",
                "mnopqrstuvwx",
                "yz"
            ]
        );
    }
}
