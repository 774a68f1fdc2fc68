//! Charts drawn on the server as SVG with plotters, embedded in the page with the same figures
//! in a table beside them (a chart alone says nothing to a screen reader).

use plotters::prelude::*;

/// A horizontal bar per person: meetings attended out of the meetings held. Returns the SVG
/// document, `width` pixels wide.
pub fn attendance_svg(rows: &[(String, u32, u32)], caption: &str, width: u32) -> String {
    let height = 60 + 28 * u32::try_from(rows.len().max(1)).unwrap_or(1);
    let max = rows.iter().map(|r| r.2).max().unwrap_or(1).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        // drawing into a string cannot fail; a chart that could not be drawn is left blank
        let _ = draw(&root, rows, caption, max);
        let _ = root.present();
    }
    svg
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    rows: &[(String, u32, u32)],
    caption: &str,
    max: u32,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let n = rows.len().max(1);
    let label_width = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(8)
        .min(32);
    // one segment per person: each name is centred on its own bar, never on a boundary
    let rows_n = u32::try_from(n).unwrap_or(1);
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(u32::try_from(label_width * 8 + 12).unwrap_or(200))
        .build_cartesian_2d(0u32..max, (0u32..rows_n).into_segmented())
        .map_err(e)?;
    let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_labels(usize::try_from(max.min(12)).unwrap_or(12))
        .x_label_style(("sans-serif", 12))
        .y_labels(n)
        .y_label_style(("sans-serif", 13))
        .y_label_formatter(&|y| match y {
            // the top bar is the first person; a segment past the last has no one
            SegmentValue::CenterOf(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| n.checked_sub(1 + i))
                .and_then(|row| names.get(row).cloned())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .draw()
        .map_err(e)?;
    let brand = RGBColor(0x0b, 0x5d, 0x4b);
    let tint = RGBColor(0xe3, 0xf1, 0xed);
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .flat_map(|(i, (_, attended, total))| {
                    let y = u32::try_from(n - 1 - i).unwrap_or(0);
                    let span = || (SegmentValue::Exact(y), SegmentValue::Exact(y + 1));
                    let ((from, to), (from2, to2)) = (span(), span());
                    [
                        Rectangle::new([(0, from), (*total, to)], tint.filled()),
                        Rectangle::new([(0, from2), (*attended, to2)], brand.filled()),
                    ]
                }),
        )
        .map_err(e)?;
    Ok(())
}

/// A line over time (a node's lag, peers, latency or availability), `width` pixels wide; the
/// times on the axis in UTC. An empty series still draws its frame.
pub fn line_svg(
    points: &[(chrono::DateTime<chrono::Utc>, f64)],
    caption: &str,
    width: u32,
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 220)).into_drawing_area();
        let _ = draw_line(&root, points, caption, &[]);
        let _ = root.present();
    }
    svg
}

/// A metric's values over time against its reference levels (the baseline and the target of the
/// phase under way), each drawn as a horizontal line labelled with `refs`' text.
pub fn metric_svg(
    points: &[(chrono::DateTime<chrono::Utc>, f64)],
    refs: &[(f64, String)],
    caption: &str,
    width: u32,
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 240)).into_drawing_area();
        let _ = draw_line(&root, points, caption, refs);
        let _ = root.present();
    }
    svg
}

fn draw_line(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    points: &[(chrono::DateTime<chrono::Utc>, f64)],
    caption: &str,
    refs: &[(f64, String)],
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let now = chrono::Utc::now();
    let from = points
        .first()
        .map_or(now - chrono::Duration::hours(1), |p| p.0);
    let to = points
        .last()
        .map_or(now, |p| p.0)
        .max(from + chrono::Duration::minutes(1));
    let levels = points.iter().map(|p| p.1).chain(refs.iter().map(|r| r.0));
    let top = levels.clone().fold(0.0_f64, f64::max).max(1.0) * 1.1;
    let bottom = levels.fold(0.0_f64, f64::min) * 1.1;
    let span = to - from;
    // seconds since `from` on the x axis (plotters' own time axes need its chrono feature)
    let secs = |t: chrono::DateTime<chrono::Utc>| (t - from).num_milliseconds() as f64 / 1000.0;
    let width = secs(to);
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 15))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..width, bottom..top)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(5)
        .x_label_style(("sans-serif", 11))
        .y_label_style(("sans-serif", 11))
        .x_label_formatter(&|x| {
            let t = from + chrono::Duration::milliseconds((*x * 1000.0) as i64);
            if span > chrono::Duration::days(120) {
                t.format("%Y-%m").to_string()
            } else if span > chrono::Duration::days(2) {
                t.format("%m-%d").to_string()
            } else {
                t.format("%H:%M").to_string()
            }
        })
        .draw()
        .map_err(e)?;
    let brand = RGBColor(0x0b, 0x5d, 0x4b);
    chart
        .draw_series(LineSeries::new(
            points.iter().map(|(t, v)| (secs(*t), *v)),
            brand.stroke_width(2),
        ))
        .map_err(e)?;
    let grey = RGBColor(0x66, 0x66, 0x66);
    for (level, label) in refs {
        chart
            .draw_series(LineSeries::new(
                [(0.0, *level), (width, *level)],
                grey.stroke_width(1),
            ))
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(Text::new(
                label.clone(),
                (0.0, *level),
                ("sans-serif", 11).into_font().color(&grey),
            )))
            .map_err(e)?;
    }
    // a metric's few values are marked one by one (a node's thousands of samples are not)
    if !refs.is_empty() {
        chart
            .draw_series(
                points
                    .iter()
                    .map(|(t, v)| Circle::new((secs(*t), *v), 3, brand.filled())),
            )
            .map_err(e)?;
    }
    Ok(())
}

/// Per day, two bars side by side: the evidences registered and those covered by an anchor,
/// `width` pixels wide. `names` label the two series in the legend.
pub fn daily_svg(
    days: &[(chrono::NaiveDate, i64, i64)],
    names: (&str, &str),
    caption: &str,
    width: u32,
) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 260)).into_drawing_area();
        let _ = draw_daily(&root, days, names, caption);
        let _ = root.present();
    }
    svg
}

fn draw_daily(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    days: &[(chrono::NaiveDate, i64, i64)],
    names: (&str, &str),
    caption: &str,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let n = u32::try_from(days.len().max(1)).unwrap_or(1);
    let top = days.iter().map(|d| d.1.max(d.2)).max().unwrap_or(1).max(1);
    let top = u32::try_from(top)
        .unwrap_or(u32::MAX)
        .saturating_add(top as u32 / 10 + 1);
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 15))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(48)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u32..top)
        .map_err(e)?;
    let labels: Vec<String> = days
        .iter()
        .map(|d| d.0.format("%m-%d").to_string())
        .collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(days.len().clamp(1, 10))
        .x_label_style(("sans-serif", 11))
        .y_labels(5)
        .y_label_style(("sans-serif", 11))
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| labels.get(i).cloned())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .draw()
        .map_err(e)?;
    let brand = RGBColor(0x0b, 0x5d, 0x4b);
    let tint = RGBColor(0x9f, 0xc9, 0xbd);
    let count = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    // each day's segment holds two bars: registered on the left half, anchored on the right
    chart
        .draw_series(days.iter().enumerate().map(|(i, d)| {
            let x = u32::try_from(i).unwrap_or(0);
            Rectangle::new(
                [
                    (SegmentValue::Exact(x), 0),
                    (SegmentValue::CenterOf(x), count(d.1)),
                ],
                tint.filled(),
            )
        }))
        .map_err(e)?
        .label(names.0)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], tint.filled()));
    chart
        .draw_series(days.iter().enumerate().map(|(i, d)| {
            let x = u32::try_from(i).unwrap_or(0);
            Rectangle::new(
                [
                    (SegmentValue::CenterOf(x), 0),
                    (SegmentValue::Exact(x + 1), count(d.2)),
                ],
                brand.filled(),
            )
        }))
        .map_err(e)?
        .label(names.1)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], brand.filled()));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(e)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_names_each_person_and_draws_their_bars() {
        let svg = attendance_svg(
            &[
                ("Ana Martínez".into(), 3, 4),
                ("Jorge Castillo".into(), 1, 4),
            ],
            "Asistencia 2026",
            640,
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Ana Martínez") && svg.contains("Jorge Castillo"));
        assert!(svg.contains("Asistencia 2026"));
        assert!(svg.matches("<rect").count() >= 4, "{svg}");
    }

    /// The `y` of every `<text>` holding `label`, and the vertical span of every filled bar.
    fn labels_and_bars(svg: &str, label: &str) -> (Vec<f64>, Vec<(f64, f64)>) {
        let attr = |tag: &str, name: &str| -> Option<f64> {
            let key = format!("{name}=\"");
            let at = tag.find(&key)? + key.len();
            tag[at..].split('"').next()?.parse().ok()
        };
        let texts = svg
            .split("<text")
            .skip(1)
            .filter(|t| {
                t.split('>')
                    .nth(1)
                    .is_some_and(|s| s.trim_start().starts_with(label))
            })
            .filter_map(|t| attr(t, "y"))
            .collect();
        let bars = svg
            .split("<rect")
            .skip(1)
            .filter_map(|r| Some((attr(r, "y")?, attr(r, "y")? + attr(r, "height")?)))
            .collect();
        (texts, bars)
    }

    #[test]
    fn each_name_labels_its_own_bar_once() {
        let rows: Vec<(String, u32, u32)> = [
            "Ana Martínez",
            "Carlos Pérez",
            "Jorge Castillo",
            "Gabriela Ríos",
            "Héctor Morales",
            "Sergio Vega",
            "Patricia Luna",
            "Daniela Cruz",
            "Valeria Campos",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| (n.to_string(), u32::try_from(i % 3).unwrap_or(0), 3))
        .collect();
        let svg = attendance_svg(&rows, "Asistencia", 720);
        for (name, _, _) in &rows {
            let (labels, bars) = labels_and_bars(&svg, name);
            assert_eq!(labels.len(), 1, "{name} labelled once: {labels:?}");
            // the label's baseline sits inside one bar's height, not on the edge between two
            assert!(
                bars.iter()
                    .any(|(top, bottom)| labels[0] > *top && labels[0] < *bottom),
                "{name} at {} is on no bar: {bars:?}",
                labels[0]
            );
        }
        // a member who attended nothing still has their name (and their grey bar)
        assert!(svg.contains("Ana Martínez"));
    }

    #[test]
    fn a_line_over_time_draws_its_caption_and_its_path() {
        let now = chrono::Utc::now();
        let points: Vec<_> = (0..24)
            .map(|h| {
                (
                    now - chrono::Duration::hours(24 - h),
                    f64::from(h as u32 % 5),
                )
            })
            .collect();
        let svg = line_svg(&points, "Retraso en bloques", 640);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Retraso en bloques"));
        assert!(svg.contains("<polyline") || svg.contains("<path"), "{svg}");
        assert!(line_svg(&[], "Vacío", 320).starts_with("<svg"));
    }

    #[test]
    fn an_empty_year_still_draws() {
        let svg = attendance_svg(&[], "Asistencia", 320);
        assert!(svg.starts_with("<svg"));
    }

    #[test]
    fn the_daily_chart_has_two_bars_a_day_and_its_legend() {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).expect("day");
        let svg = daily_svg(
            &[(day(29), 10, 10), (day(30), 8, 3)],
            ("Registradas", "Ancladas"),
            "Evidencias",
            720,
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Registradas") && svg.contains("Ancladas"));
        assert!(svg.contains("11-29") && svg.contains("11-30"));
        // the frame, two bars a day and the legend's two swatches at least
        assert!(svg.matches("<rect").count() >= 7, "{svg}");
    }
}
