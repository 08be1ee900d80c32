//! The directory as a file Swedish Excel opens as it is: semicolon-separated
//! (Excel's list separator under Swedish regional settings), UTF-8 with a
//! byte-order mark (without it Excel reads å/ä/ö as Windows-1252), CRLF line
//! ends, every cell quoted when needed. One line per service with its phone
//! numbers, labels instead of ids, and the ids kept for reference.

use super::services_list::items;
use super::workdir;
use super::{i18n, rights, Authed, Console};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The CSV text (BOM included) of the given rows under the given header.
pub fn excel_csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(header);
    for r in rows {
        // A cell starting with = + - @ would be run as a formula by Excel.
        let safe: Vec<String> = r
            .iter()
            .map(|c| {
                if c.starts_with(['=', '+', '-', '@']) {
                    format!("'{c}")
                } else {
                    c.clone()
                }
            })
            .collect();
        let _ = w.write_record(&safe);
    }
    w.into_inner().unwrap_or_default()
}

pub(crate) async fn services_csv(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let t = |k| i18n::text(a.lang, k);
    let header = [
        t("name"),
        t("organization"),
        t("agency_kind"),
        t("area"),
        t("phones"),
        t("hours"),
        t("verified_on"),
        t("demo"),
        t("retired"),
        "id",
    ];
    let rows: Vec<Vec<String>> = items(&c, &a, &w)
        .into_iter()
        .map(|i| {
            let hours = w
                .row("services", &i.id)
                .and_then(|r| r.fields.get("hours").cloned())
                .unwrap_or_default();
            vec![
                i.name,
                i.organization,
                i.agency_kind_label,
                i.area_label,
                i.phones.join(", "),
                hours,
                i.verified_on,
                if i.demo { t("yes") } else { "" }.to_string(),
                i.retired.unwrap_or_default(),
                i.id,
            ]
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fyr-tjanster.csv\"",
            ),
        ],
        excel_csv(&header, &rows),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_gets_a_bom_semicolons_and_no_formulas() {
        let out = super::excel_csv(
            &["Namn", "Telefon"],
            &[vec!["Åsa; Öst".into(), "=1+1".into()]],
        );
        assert!(out.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = String::from_utf8(out[3..].to_vec()).unwrap();
        assert_eq!(text, "Namn;Telefon\r\n\"Åsa; Öst\";'=1+1\r\n");
    }
}
