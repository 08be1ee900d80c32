//! Server-rendered SVG bar charts for the follow-up. Hand-written (about 60
//! lines) rather than a chart crate: the charts need exactly one shape, must
//! render a suppressed cell as "<3" with no bar (a crate's axis or tooltip
//! could still print the value), and must carry a title and a text
//! alternative for screen readers.

use serde::Serialize;

/// One bar: its label and its count (`None` = suppressed, drawn as "<3"),
/// or a note instead of any bar (a group of unknown size: "at least 7").
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: Option<u64>,
    pub note: Option<String>,
}

fn shown(b: &Bar) -> String {
    match (&b.note, b.value) {
        (Some(n), _) => n.clone(),
        (None, Some(v)) => v.to_string(),
        (None, None) => "<3".into(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart as an inline SVG document.
pub fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let row = 22;
    let label_w = 190;
    let plot_w = 300;
    let h = 30 + row * bars.len().max(1);
    let max = bars
        .iter()
        .filter(|b| b.note.is_none())
        .filter_map(|b| b.value)
        .max()
        .unwrap_or(1)
        .max(1);
    let alt: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, shown(b)))
        .collect();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" aria-label=\"{t}: {a}\" class=\"chart\"><title>{t}</title>",
        w = label_w + plot_w + 60,
        t = esc(title),
        a = esc(&alt.join("; "))
    );
    s.push_str(&format!(
        "<text x=\"0\" y=\"16\" font-weight=\"bold\" font-size=\"13\">{}</text>",
        esc(title)
    ));
    for (i, b) in bars.iter().enumerate() {
        let y = 26 + i * row;
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            label_w - 6,
            y + 14,
            esc(&b.label)
        ));
        if let Some(note) = &b.note {
            s.push_str(&format!(
                "<rect x=\"{label_w}\" y=\"{y}\" width=\"24\" height=\"16\" fill=\"none\" stroke=\"#777\" stroke-dasharray=\"3 2\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" class=\"suppressed\">{}</text>",
                label_w + 30,
                y + 13,
                esc(note)
            ));
            continue;
        }
        match b.value {
            Some(v) => {
                let w = (v as f64 / max as f64 * plot_w as f64).round().max(1.0) as usize;
                s.push_str(&format!(
                    "<rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"16\" fill=\"#1f5f8b\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{v}</text>",
                    label_w + w + 4,
                    y + 13
                ));
            }
            None => s.push_str(&format!(
                "<rect x=\"{label_w}\" y=\"{y}\" width=\"24\" height=\"16\" fill=\"none\" stroke=\"#777\" stroke-dasharray=\"3 2\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" class=\"suppressed\">&lt;3</text>",
                label_w + 30,
                y + 13
            )),
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppressed_bar_has_no_value_anywhere() {
        let svg = bar_chart(
            "Q",
            &[
                Bar {
                    label: "2026-Q1".into(),
                    value: Some(7),
                    note: None,
                },
                Bar {
                    label: "2026-Q2".into(),
                    value: None,
                    note: None,
                },
                Bar {
                    label: "2026-Q3".into(),
                    value: None,
                    note: Some("minst 4".into()),
                },
            ],
        );
        assert!(svg.contains("2026-Q2: &lt;3"), "{svg}");
        assert!(svg.contains(">7<"));
        assert_eq!(svg.matches("&lt;3").count(), 2, "{svg}");
        // A group of unknown size has no bar, only its note.
        assert_eq!(svg.matches("<rect x=\"190\" y=\"26\"").count(), 1);
        assert_eq!(svg.matches("fill=\"#1f5f8b\"").count(), 1, "{svg}");
        assert!(svg.contains("2026-Q3: minst 4"));
    }
}
