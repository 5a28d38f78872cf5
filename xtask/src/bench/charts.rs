//! The history's charts, as SVG drawn with plotters from the records they are given:
//! instructions per operation over the commits for ours and the floor, ours / floor with the
//! 1.2 target, and the client's ratios with their targets; the backfill's older counting
//! method in a chart of its own. One CPU feature set per chart (counts differ between
//! them); the legend sits beside the plot, never over it.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use plotters::prelude::*;

use super::records::{Record, WallRecord};

/// The plot's width; the legend takes [`LEGEND_WIDTH`] more on its right.
const PLOT_WIDTH: u32 = 1000;
const LEGEND_WIDTH: u32 = 300;
const HEIGHT: u32 = 520;

/// The colours of the series, one per benchmark.
const COLOURS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(57, 59, 121),
];

/// One line: a name, a colour index, dashed or not, its points (commit index, value).
struct Series {
    name: String,
    colour: usize,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

/// Draws one chart to `path`.
fn chart(
    path: &Path,
    title: &str,
    y_desc: &str,
    commits: &[String],
    series: &[Series],
    targets: &[(f64, &str)],
) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| anyhow!("{}: {e}", path.display());
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(targets.iter().map(|t| t.0));
    let (low, high) = values.fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(v), h.max(v)));
    if low > high {
        bail!("{title}: nothing to draw");
    }
    let pad = ((high - low) * 0.08).max(high * 0.02);
    let root = SVGBackend::new(path, (PLOT_WIDTH + LEGEND_WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (plot, legend) = root.split_horizontally(PLOT_WIDTH);
    let last = commits.len().saturating_sub(1).max(1) as f64;
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(56)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.3..last + 0.3, (low - pad).max(0.0)..high + pad)
        .map_err(|e| err(&e))?;
    let labels = commits.to_vec();
    chart
        .configure_mesh()
        .x_desc("commit (oldest left; each one that changed core/)")
        .y_desc(y_desc)
        .x_labels(labels.len().min(16))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .draw()
        .map_err(|e| err(&e))?;
    let mut entries: Vec<(String, RGBColor, bool)> = Vec::new();
    for (value, name) in targets {
        let line = vec![(-0.3, *value), (last + 0.3, *value)];
        chart
            .draw_series(LineSeries::new(line, BLACK.stroke_width(1)))
            .map_err(|e| err(&e))?;
        entries.push((name.to_string(), BLACK, false));
    }
    for s in series {
        let colour = COLOURS[s.colour % COLOURS.len()];
        let style = colour.stroke_width(2);
        if s.dashed {
            chart
                .draw_series(DashedLineSeries::new(s.points.clone(), 6, 4, style))
                .map_err(|e| err(&e))?;
        } else {
            chart
                .draw_series(LineSeries::new(s.points.clone(), style))
                .map_err(|e| err(&e))?;
        }
        if !s.name.is_empty() {
            entries.push((s.name.clone(), colour, s.dashed));
        }
        // Points too, so a series of one commit shows.
        chart
            .draw_series(s.points.iter().map(|p| Circle::new(*p, 3, colour.filled())))
            .map_err(|e| err(&e))?;
    }
    draw_legend(&legend, &entries).map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// The legend in its own area: a short line in each series' colour and style, and its name.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    entries: &[(String, RGBColor, bool)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let top = 40;
    for (i, (name, colour, dashed)) in entries.iter().enumerate() {
        let y = top + 20 * i as i32;
        if *dashed {
            for x in [4, 14] {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 6, y)],
                    colour.stroke_width(2),
                ))?;
            }
        } else {
            area.draw(&PathElement::new(
                vec![(4, y), (24, y)],
                colour.stroke_width(2),
            ))?;
        }
        area.draw(&Text::new(name.clone(), (30, y - 7), ("sans-serif", 13)))?;
    }
    Ok(())
}

/// The records of the (CPU feature set, counting method) with the most commits, the commits
/// in order, and the method's name: counts of one method on one feature set compare.
fn dominant(records: &[Record]) -> (Vec<&Record>, Vec<String>, String) {
    let mut sets: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r.features.as_str(), r.method.as_str()))
        .collect();
    sets.sort_unstable();
    sets.dedup();
    let commits_of = |set: &(&str, &str)| {
        let mut commits: Vec<&str> = records
            .iter()
            .filter(|r| (r.features.as_str(), r.method.as_str()) == *set)
            .map(|r| r.commit.as_str())
            .collect();
        commits.sort_unstable();
        commits.dedup();
        commits.len()
    };
    let best = sets.into_iter().max_by_key(commits_of).unwrap_or_default();
    let chosen: Vec<&Record> = records
        .iter()
        .filter(|r| (r.features.as_str(), r.method.as_str()) == best)
        .collect();
    let mut commits: Vec<(u64, String)> =
        chosen.iter().map(|r| (r.order, r.commit.clone())).collect();
    commits.sort();
    commits.dedup();
    (
        chosen,
        commits.into_iter().map(|(_, c)| c).collect(),
        best.1.to_string(),
    )
}

/// A series of `value` over the commits for one benchmark.
fn series_of(
    records: &[&Record],
    commits: &[String],
    bench: &str,
    value: impl Fn(&Record) -> Option<f64>,
) -> Vec<(f64, f64)> {
    commits
        .iter()
        .enumerate()
        .filter_map(|(i, commit)| {
            let record = records
                .iter()
                .find(|r| r.commit == *commit && r.bench == bench)?;
            Some((i as f64, value(record)?))
        })
        .collect()
}

/// One line of ours / floor per benchmark of `benches`, named without `prefix`.
fn ratio_lines(
    records: &[&Record],
    commits: &[String],
    benches: &[&str],
    prefix: &str,
) -> Vec<Series> {
    benches
        .iter()
        .enumerate()
        .map(|(i, bench)| Series {
            name: bench.trim_start_matches(prefix).to_string(),
            colour: i,
            dashed: false,
            points: series_of(records, commits, bench, |r| r.floor.map(|f| r.ours / f)),
        })
        .collect()
}

/// Draws every chart into `dir`; their paths.
///
/// `records` are the gungraun history the gate reads; `callgrind_difference` the backfill's
/// older series, drawn apart (`server-ratio-callgrind-difference.svg`).
pub fn draw(
    records: &[Record],
    callgrind_difference: &[Record],
    wall: &[WallRecord],
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    let (records, commits, method) = dominant(records);
    if commits.is_empty() {
        bail!("the history is empty: run cargo xtask instructions");
    }
    std::fs::create_dir_all(dir)?;
    let mut benches: Vec<&str> = records.iter().map(|r| r.bench.as_str()).collect();
    benches.sort_unstable();
    benches.dedup();
    let server: Vec<&str> = benches
        .iter()
        .copied()
        .filter(|b| b.starts_with("server/"))
        .collect();
    let client: Vec<&str> = benches
        .iter()
        .copied()
        .filter(|b| b.starts_with("client/"))
        .collect();
    let mut written = Vec::new();

    let mut lines = Vec::new();
    for (i, bench) in server.iter().enumerate() {
        let name = bench.trim_start_matches("server/");
        lines.push(Series {
            name: format!("{name}: ours"),
            colour: i,
            dashed: false,
            points: series_of(&records, &commits, bench, |r| Some(r.ours)),
        });
        lines.push(Series {
            name: format!("{name}: floor"),
            colour: i,
            dashed: true,
            points: series_of(&records, &commits, bench, |r| r.floor),
        });
    }
    let path = dir.join("server-instructions.svg");
    chart(&path, &format!("Server: instructions per handshake (respond, write_response), ours solid, floor dashed ({method})"), "instructions per operation", &commits, &lines, &[])?;
    written.push(path);

    let ratios = ratio_lines(&records, &commits, &server, "server/");
    let path = dir.join("server-ratio.svg");
    chart(
        &path,
        &format!("Server: ours / floor instructions per capture, target at most 1.2 ({method})"),
        "ours / floor",
        &commits,
        &ratios,
        &[(1.2, "target 1.2")],
    )?;
    written.push(path);

    let (old, old_commits, old_method) = dominant(callgrind_difference);
    if !old_commits.is_empty() {
        let old_ratios = ratio_lines(&old, &old_commits, &server, "server/");
        let path = dir.join("server-ratio-callgrind-difference.svg");
        chart(
            &path,
            &format!("Server, the backfilled series: ours / floor ({old_method}, whole program; not comparable with gungraun)"),
            "ours / floor",
            &old_commits,
            &old_ratios,
            &[(1.2, "target 1.2")],
        )?;
        written.push(path);
    }

    let client_ratios = ratio_lines(&records, &commits, &client, "client/");
    let path = dir.join("client-ratio.svg");
    chart(
        &path,
        &format!("Client: ours / floor instructions, validate a 101 (target 1.2), write the request (1.5) ({method})"),
        "ours / floor",
        &commits,
        &client_ratios,
        &[(1.2, "validate target 1.2"), (1.5, "write target 1.5")],
    )?;
    written.push(path);

    if !wall.is_empty() {
        let mut commits: Vec<(u64, String)> =
            wall.iter().map(|r| (r.order, r.commit.clone())).collect();
        commits.sort();
        commits.dedup();
        let commits: Vec<String> = commits.into_iter().map(|(_, c)| c).collect();
        let mut rows: Vec<&str> = wall
            .iter()
            .filter(|r| r.bench.ends_with(" vs floor") || r.bench.starts_with("client"))
            .map(|r| r.bench.as_str())
            .collect();
        rows.sort_unstable();
        rows.dedup();
        let mut lines = Vec::new();
        for (i, bench) in rows.iter().enumerate() {
            let points = |value: &dyn Fn(&WallRecord) -> f64| -> Vec<(f64, f64)> {
                commits
                    .iter()
                    .enumerate()
                    .filter_map(|(x, c)| {
                        wall.iter()
                            .find(|r| r.commit == *c && r.bench == *bench)
                            .map(|r| (x as f64, value(r)))
                    })
                    .collect()
            };
            lines.push(Series {
                name: bench.to_string(),
                colour: i,
                dashed: false,
                points: points(&|r| r.ratio),
            });
            lines.push(Series {
                name: String::new(),
                colour: i,
                dashed: true,
                points: points(&|r| r.p10),
            });
            lines.push(Series {
                name: String::new(),
                colour: i,
                dashed: true,
                points: points(&|r| r.p90),
            });
        }
        let path = dir.join("wall-ratio.svg");
        chart(
            &path,
            "Wall time: ours / floor, paired rounds (median solid, 10th and 90th percentile dashed)",
            "ours / floor, wall time",
            &commits,
            &lines,
            &[(1.3, "server wall target 1.3")],
        )?;
        written.push(path);
    }
    Ok(written)
}
