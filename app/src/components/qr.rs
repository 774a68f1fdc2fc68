//! QR codes of verification URLs, as SVG (for pages and print) and PNG (for documents).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Modules of margin around the code, as the standard asks.
const QUIET: usize = 4;

fn code(text: &str) -> Result<QrCode, String> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| e.to_string())
}

/// The code's dark modules, row by row, and its width in modules (no quiet zone).
pub fn modules(text: &str) -> Result<(Vec<bool>, usize), String> {
    let code = code(text)?;
    let width = code.width();
    Ok((
        code.to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
        width,
    ))
}

pub fn svg(text: &str) -> Result<String, String> {
    Ok(code(text)?
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// A black-on-white PNG, `scale` pixels per module.
pub fn png(text: &str, scale: usize) -> Result<Vec<u8>, String> {
    let code = code(text)?;
    let width = code.width();
    let modules: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    let side = (width + 2 * QUIET) * scale;
    let mut pixels = vec![255u8; side * side];
    for y in 0..width {
        for x in 0..width {
            if modules[y * width + x] {
                for dy in 0..scale {
                    let row = (y + QUIET) * scale + dy;
                    let start = row * side + (x + QUIET) * scale;
                    pixels[start..start + scale].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).map_err(|e| e.to_string())?;
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_svg_and_png() {
        let url = "https://minga.example/v/abcdefghijklmnop";
        let s = svg(url).expect("svg");
        assert!(s.contains("<svg") && s.contains("</svg>"));
        let p = png(url, 4).expect("png");
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(p));
        let reader = decoder.read_info().expect("a valid PNG");
        let info = reader.info();
        assert_eq!(info.width, info.height);
        assert!(info.width >= (21 + 8) * 4);
    }
}
