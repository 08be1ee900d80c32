//! Records that evolve: what a device checks before a content version is
//! applied, and what tells an older app to update.
//!
//! - Every record of every kind a version brings is decoded into its model
//!   type and checked by the same rules as at the hub (services,
//!   organizations, municipalities decode; checklists, the routing model,
//!   the lexicon and help cards parse and validate; distribution settings
//!   validate). One invalid record refuses the whole version with a reason
//!   naming kind and id; the device keeps the version it has and shows the
//!   reason (`fyr status`, the apps' status line).
//! - Distribution settings skip fields this app does not know (a newer
//!   region's file never cuts an older app off its hub).
//! - `min_app_version` in the signed distribution settings: an app older
//!   than it is told to update ([`app_update_notice`]).

use crate::feed::{Record, RecordKind};
use crate::vocab::Lang;

/// Why a record was refused: kind, id and the rule, in one line.
pub fn validate_record(r: &Record) -> Result<(), String> {
    let fail = |e: String| format!("{} {}: {e}", r.kind, r.id);
    match r.kind {
        RecordKind::Municipality => r
            .decode::<crate::model::Municipality>()
            .map(|_| ())
            .map_err(|e| fail(e.to_string())),
        RecordKind::Organization => r
            .decode::<crate::model::Organization>()
            .map(|_| ())
            .map_err(|e| fail(e.to_string())),
        RecordKind::Service => r
            .decode::<crate::model::Service>()
            .map(|_| ())
            .map_err(|e| fail(e.to_string())),
        RecordKind::Checklist => crate::checklist::Checklist::from_json(&r.id, &r.body)
            .map(|_| ())
            .map_err(|e| fail(join(e))),
        RecordKind::HelpCard => r
            .decode::<crate::helpcard::HelpCard>()
            .map(|_| ())
            .map_err(|e| fail(e.to_string())),
        RecordKind::Routing => crate::routing::Routing::from_json(&r.id, &r.body)
            .map(|_| ())
            .map_err(|e| fail(join(e))),
        RecordKind::Lexicon => crate::routing::Lexicon::from_json(&r.id, &r.body)
            .map(|_| ())
            .map_err(|e| fail(join(e))),
        RecordKind::Distribution => {
            let d: crate::distribution::Distribution =
                r.decode().map_err(|e| fail(e.to_string()))?;
            d.validate().map_err(|e| fail(e.join("; ")))
        }
    }
}

fn join<E: std::fmt::Display>(e: Vec<E>) -> String {
    e.iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks every record; the first invalid one refuses the version.
pub fn validate_records(records: &[Record]) -> Result<(), String> {
    records.iter().try_for_each(validate_record)
}

/// This app's version.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

fn parse_version(v: &str) -> Option<Vec<u64>> {
    v.trim().split('.').map(|p| p.parse().ok()).collect()
}

/// Is `have` older than `min` (dotted numbers; an unparsable `min` never is)?
pub fn older_than(have: &str, min: &str) -> bool {
    match (parse_version(have), parse_version(min)) {
        (Some(h), Some(m)) => h < m,
        _ => false,
    }
}

/// The notice to show when the signed content asks for a newer app.
pub fn app_update_notice(min_app_version: Option<&str>, lang: Lang) -> Option<String> {
    let min = min_app_version?;
    if !older_than(APP_VERSION, min) {
        return None;
    }
    Some(match lang {
        Lang::Sv => format!(
            "Uppdatera appen: regionen kräver version {min} eller senare (du har {APP_VERSION}). Katalogen fungerar tills vidare."
        ),
        Lang::En => format!(
            "Update the app: the region requires version {min} or later (this is {APP_VERSION}). The directory keeps working meanwhile."
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        assert!(older_than("0.1.0", "0.2"));
        assert!(older_than("0.9.0", "0.10.0"));
        assert!(!older_than("1.0.0", "1.0.0"));
        assert!(!older_than("1.0.0", "soon"));
        assert!(app_update_notice(Some("999.0"), Lang::Sv)
            .unwrap()
            .contains("999.0"));
        assert_eq!(app_update_notice(Some("0.0.1"), Lang::En), None);
    }

    #[test]
    fn a_broken_record_of_any_kind_is_named() {
        let bad = Record {
            kind: RecordKind::Checklist,
            id: "adult-risk".into(),
            body: r#"{"id":"adult-risk"}"#.into(),
        };
        let e = validate_record(&bad).unwrap_err();
        assert!(e.starts_with("checklist adult-risk:"), "{e}");
        let bad = Record {
            kind: RecordKind::Service,
            id: "jour".into(),
            body: r#"{"name": 3}"#.into(),
        };
        assert!(validate_record(&bad)
            .unwrap_err()
            .starts_with("service jour:"));
        for r in crate::bundle::embedded_records().unwrap() {
            validate_record(&r).unwrap();
        }
    }
}
