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

/// A record's refusal in one line: kind, id and the rule.
pub fn refusal(r: &Record, why: impl std::fmt::Display) -> String {
    format!("{} {}: {why}", r.kind, r.id)
}

/// Why a record was refused: kind, id and the rule, in one line.
pub fn validate_record(r: &Record) -> Result<(), String> {
    let fail = |e: String| refusal(r, e);
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
        // Kept as it came, used by nothing: a newer app's content.
        RecordKind::Other(_) => Ok(()),
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

/// The paths of fields in `value` that `T` does not know. Content types
/// skip unknown fields when a device reads them (a newer region's record
/// never breaks an older app); authoring (`from_toml`) names them, so a
/// typo is not published and silently skipped.
#[cfg(feature = "authoring")]
pub(crate) fn unknown_fields<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Vec<String> {
    let mut out = Vec::new();
    let _: Result<T, _> = serde_ignored::deserialize(value, |p| out.push(p.to_string()));
    out
}

/// [`unknown_fields`] of a TOML text (empty when it does not parse: the
/// parser's own error names that).
#[cfg(feature = "authoring")]
pub(crate) fn unknown_toml_fields<T: serde::de::DeserializeOwned>(text: &str) -> Vec<String> {
    toml::from_str::<toml::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_value(v).ok())
        .map(unknown_fields::<T>)
        .unwrap_or_default()
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

    use crate::api::{Fyr, OpenOptions};
    use crate::feed::records_digest;
    use crate::store::{Bundle, ContentPosition};

    fn open(dir: &std::path::Path, bundle: Option<&Bundle>) -> Fyr {
        let o = OpenOptions {
            data_dir: dir.into(),
            key: Some([7; 32]),
            lang: Lang::Sv,
        };
        match bundle {
            None => Fyr::open(o).unwrap(),
            Some(b) => Fyr::open_with_bundle(o, &|| {
                Ok(Bundle {
                    position: b.position.clone(),
                    records: b.records.clone(),
                })
            })
            .unwrap(),
        }
    }

    /// The next app's bundle: the compiled-in one, one version on, with an edit.
    fn next_bundle(edit: impl Fn(&mut Vec<Record>)) -> Bundle {
        let b = crate::bundle::bundled().unwrap();
        let mut records = b.records;
        edit(&mut records);
        Bundle {
            position: ContentPosition {
                version: b.position.version + 1,
                digest: records_digest(&records),
                ..b.position
            },
            records,
        }
    }

    fn set_min_app_version(records: &mut [Record], v: &str) {
        let r = records
            .iter_mut()
            .find(|r| r.kind == RecordKind::Distribution)
            .unwrap();
        let mut d: crate::distribution::Distribution = r.decode().unwrap();
        d.min_app_version = Some(v.into());
        *r = d.record();
    }

    #[test]
    fn an_app_update_with_a_newer_bundle_adopts_it_and_shows_the_regions_min_app_version() {
        let d = tempfile::tempdir().unwrap();
        let now = chrono::Utc::now();
        // Installed last year, never synced (no network at the clinic).
        let v = open(d.path(), None).status(now).unwrap().content_version;
        assert_eq!(open(d.path(), None).status(now).unwrap().app_update, None);
        // The app store delivers a new app whose bundle is the next version,
        // in which the region asks for an app at least as new as 999.0.
        let next = next_bundle(|r| set_min_app_version(r, "999.0"));
        let f = open(d.path(), Some(&next));
        let s = f.status(now).unwrap();
        assert_eq!(s.content_version, v + 1, "the newer bundle is adopted");
        let notice = s.app_update.clone().expect("the user is told to update");
        assert!(
            notice.contains("999.0") && notice.contains(APP_VERSION),
            "{notice}"
        );
        let lines = crate::present::status::status_lines(&s, now, Lang::Sv);
        assert!(
            lines.iter().any(|l| l.text.starts_with("Uppdatera appen")),
            "{lines:?}"
        );
        drop(f);
        // Going back to the older app's bundle never rolls the store back.
        let s = open(d.path(), None).status(now).unwrap();
        assert_eq!(s.content_version, v + 1);
    }

    #[test]
    fn a_later_open_reads_only_the_bundles_version_and_decodes_it_only_when_newer() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let d = tempfile::tempdir().unwrap();
        let now = chrono::Utc::now();
        let loads = Arc::new(AtomicUsize::new(0));
        // The app's bundle as a source that counts how often it is decoded.
        let source = |b: Bundle| {
            let n = loads.clone();
            let (feed, version) = (b.position.feed_id.clone(), b.position.version);
            crate::store::BundleSource::new(move || {
                n.fetch_add(1, Ordering::SeqCst);
                Ok(Bundle {
                    position: b.position.clone(),
                    records: b.records.clone(),
                })
            })
            .with_peek(move || Some((feed.clone(), version)))
        };
        let o = || OpenOptions {
            data_dir: d.path().into(),
            key: Some([7; 32]),
            lang: Lang::Sv,
        };
        let first = crate::bundle::bundled().unwrap();
        let v = first.position.version;
        // First start: the bundle is imported.
        drop(Fyr::open_with_source(o(), source(first)).unwrap());
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        // Every later start of the same app: its version is read, not the bundle.
        for _ in 0..3 {
            let f = Fyr::open_with_source(o(), source(crate::bundle::bundled().unwrap())).unwrap();
            assert_eq!(f.status(now).unwrap().content_version, v);
        }
        assert_eq!(
            loads.load(Ordering::SeqCst),
            1,
            "an unchanged bundle is never decoded"
        );
        // An app update whose bundle is newer: decoded once and adopted.
        let next = next_bundle(|r| set_min_app_version(r, "0.1"));
        let f = Fyr::open_with_source(o(), source(next)).unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        assert_eq!(f.status(now).unwrap().content_version, v + 1);
        drop(f);
        // The older app again (its bundle is behind the store): not decoded,
        // nothing rolled back.
        let f = Fyr::open_with_source(o(), source(crate::bundle::bundled().unwrap())).unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        assert_eq!(f.status(now).unwrap().content_version, v + 1);
        drop(f);
        // The compiled-in source tells the same version as the bundle it decodes.
        let b = crate::bundle::bundled().unwrap();
        let s = crate::bundle::compiled_source();
        assert_eq!(s.load().unwrap().position.version, b.position.version);
        drop(Fyr::open(o()).unwrap());
    }

    #[test]
    fn a_newer_bundle_with_an_invalid_record_is_refused_in_the_transaction_and_nothing_changes() {
        let d = tempfile::tempdir().unwrap();
        let now = chrono::Utc::now();
        let v = open(d.path(), None).status(now).unwrap().content_version;
        // A checklist whose levels are gone (a broken edit): refused whole.
        let bad = next_bundle(|recs| {
            let r = recs
                .iter_mut()
                .find(|r| r.kind == RecordKind::Checklist)
                .unwrap();
            let mut v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            v.as_object_mut().unwrap().remove("levels");
            r.body = v.to_string();
        });
        let o = OpenOptions {
            data_dir: d.path().into(),
            key: Some([7; 32]),
            lang: Lang::Sv,
        };
        let e = Fyr::open_with_bundle(o, &|| {
            Ok(Bundle {
                position: bad.position.clone(),
                records: bad.records.clone(),
            })
        })
        .err()
        .expect("refused")
        .to_string();
        assert!(
            e.contains("refused whole") && e.contains("checklist"),
            "{e}"
        );
        let f = open(d.path(), None);
        assert_eq!(
            f.status(now).unwrap().content_version,
            v,
            "the old version stays"
        );
    }
}
