//! Plain A4 PDF documents with real text in an embedded TrueType font (krilla): the batch
//! reports of the anchoring rounds and the approved minutes of the meetings. Lines are laid out
//! top to bottom over as many pages as they need, each page with a footer.

use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::{DateTime as PdfTime, Metadata};
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;

/// Lines of text laid out top to bottom over as many A4 pages as they need.
pub struct Writer {
    pages: Vec<Vec<(f32, f32, String)>>,
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
            y: MARGIN,
        }
    }

    /// One line of `size` points.
    pub fn line(&mut self, size: f32, text: impl Into<String>) {
        let height = size * 1.45;
        if self.y + height > PAGE_H - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
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
        let mut document = Document::new();
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
    use super::wrap_words;

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
