//! Distribution settings: where a device syncs and whom it trusts, carried
//! inside the signed content as the one record of kind `distribution`
//! (from `content/distribution.toml`). Being signed and versioned like the
//! rest of the content, a fresh install knows its hub from the bundled
//! version alone, and a newer signed version may change it.
//!
//! Keys follow the TUF model of rotation: a version signed by the current
//! key announces the next key (`next_keys`); devices then accept either; a
//! later version (usually signed by the new key) moves it to `trusted_keys`
//! and lists the old one in `retired_keys`. A manifest signed by a retired
//! key is refused with [`crate::feed::FeedError::RetiredKey`].

use crate::feed::{self, Record, RecordKind};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

/// The id of the one distribution record.
pub const RECORD_ID: &str = "distribution";
/// The content file it is read from, relative to the content folder.
pub const FILE: &str = "distribution.toml";

/// Where devices sync and whom they trust.
/// Fields this app does not know are skipped (a newer region's settings
/// never cut an older app off its hub); the hub's own check
/// ([`Distribution::from_toml`]) still names an unknown field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// The feed's folder (where `manifest.json` lives), http(s), ending in `/`.
    pub feed_url: String,
    /// Other copies of the same feed (any static web server or CDN), tried in
    /// order when `feed_url` cannot be reached.
    #[serde(default)]
    pub mirrors: Vec<String>,
    /// The hub's API base: uploads go to `<hub_url>v1/events`, enrollment to
    /// `<hub_url>v1/enroll`.
    pub hub_url: String,
    /// Publisher keys (64 hex digits) whose signature devices accept.
    pub trusted_keys: Vec<String>,
    /// Announced next keys: accepted as well, so that the version after this
    /// one may be signed by the new key.
    #[serde(default)]
    pub next_keys: Vec<String>,
    /// Keys no longer accepted; a version signed by one is refused.
    #[serde(default)]
    pub retired_keys: Vec<String>,
    /// How often a device checks for a new version, in hours (1–168).
    pub check_interval_hours: u32,
    /// Apps older than this are told to update (shown in status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_app_version: Option<String>,
}

/// The fields `distribution.toml` may have (the hub refuses others: a typo
/// would otherwise be published and silently skipped by every device).
#[cfg(feature = "authoring")]
const FIELDS: [&str; 8] = [
    "feed_url",
    "mirrors",
    "hub_url",
    "trusted_keys",
    "next_keys",
    "retired_keys",
    "check_interval_hours",
    "min_app_version",
];

/// The trust a distribution record gives: the accepted and the retired keys.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub accepted: Vec<VerifyingKey>,
    pub retired: Vec<VerifyingKey>,
}

fn check_url(field: &str, s: &str, errs: &mut Vec<String>) {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            if !s.ends_with('/') {
                errs.push(format!("{field}: {s:?} must end with '/'"));
            }
        }
        Ok(_) => errs.push(format!("{field}: {s:?} must be an http or https URL")),
        Err(e) => errs.push(format!("{field}: {s:?} is not a URL: {e}")),
    }
}

fn check_keys(field: &str, keys: &[String], errs: &mut Vec<String>) -> Vec<VerifyingKey> {
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match feed::parse_verifying_key(k) {
            Ok(v) => out.push(v),
            Err(e) => errs.push(format!("{field}[{i}]: {e}")),
        }
    }
    out
}

impl Distribution {
    /// Parses and validates `distribution.toml`; every problem is named by
    /// its field, prefixed with `source`.
    #[cfg(feature = "authoring")]
    pub fn from_toml(source: &str, text: &str) -> Result<Distribution, Vec<String>> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| vec![format!("{source}: {}", e.message())])?;
        if let Some(k) = table.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(vec![format!("{source}: unknown field `{k}`")]);
        }
        let d: Distribution =
            toml::from_str(text).map_err(|e| vec![format!("{source}: {}", e.message())])?;
        d.validate().map_err(|errs| {
            errs.into_iter()
                .map(|e| format!("{source}: {e}"))
                .collect::<Vec<_>>()
        })?;
        Ok(d)
    }

    /// Checks every field; the messages name the field.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut errs = Vec::new();
        check_url("feed_url", &self.feed_url, &mut errs);
        for (i, m) in self.mirrors.iter().enumerate() {
            check_url(&format!("mirrors[{i}]"), m, &mut errs);
        }
        check_url("hub_url", &self.hub_url, &mut errs);
        let trusted = check_keys("trusted_keys", &self.trusted_keys, &mut errs);
        let next = check_keys("next_keys", &self.next_keys, &mut errs);
        let retired = check_keys("retired_keys", &self.retired_keys, &mut errs);
        if self.trusted_keys.is_empty() {
            errs.push("trusted_keys: at least one publisher key is needed".into());
        }
        for r in &retired {
            if trusted.contains(r) || next.contains(r) {
                errs.push(format!(
                    "retired_keys: key {} is also trusted or announced",
                    feed::key_id(r)
                ));
            }
        }
        if let Some(v) = &self.min_app_version {
            if v.split('.').any(|p| p.parse::<u64>().is_err()) {
                errs.push(format!(
                    "min_app_version: {v:?} is not a version like 1.2.0"
                ));
            }
        }
        if !(1..=168).contains(&self.check_interval_hours) {
            errs.push(format!(
                "check_interval_hours: {} is outside 1–168",
                self.check_interval_hours
            ));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    /// The accepted (trusted and announced) and retired keys. Assumes a
    /// validated record; unparsable keys are skipped.
    pub fn trust(&self) -> Trust {
        let parse = |v: &[String]| -> Vec<VerifyingKey> {
            v.iter()
                .filter_map(|k| feed::parse_verifying_key(k).ok())
                .collect()
        };
        let mut accepted = parse(&self.trusted_keys);
        for k in parse(&self.next_keys) {
            if !accepted.contains(&k) {
                accepted.push(k);
            }
        }
        Trust {
            accepted,
            retired: parse(&self.retired_keys),
        }
    }

    /// Is this key one devices accept (trusted or announced, not retired)?
    pub fn accepts(&self, key: &VerifyingKey) -> bool {
        let t = self.trust();
        t.accepted.contains(key) && !t.retired.contains(key)
    }

    /// Settings for one hub serving its own feed (`<hub_url>feed/`) and
    /// one publisher key: what a self-hosted hub, the demo and tests use.
    pub fn single(hub_url: &str, key: &VerifyingKey) -> Distribution {
        let hub_url = if hub_url.ends_with('/') {
            hub_url.to_string()
        } else {
            format!("{hub_url}/")
        };
        Distribution {
            feed_url: format!("{hub_url}feed/"),
            mirrors: Vec::new(),
            hub_url,
            trusted_keys: vec![hex::encode(key.as_bytes())],
            next_keys: Vec::new(),
            retired_keys: Vec::new(),
            check_interval_hours: 6,
            min_app_version: None,
        }
    }

    /// `records` with this as their distribution record (replacing any).
    pub fn replace_in(&self, records: Vec<Record>) -> Vec<Record> {
        let mut v: Vec<Record> = records
            .into_iter()
            .filter(|r| r.kind != RecordKind::Distribution)
            .collect();
        v.push(self.record());
        v
    }

    pub fn record(&self) -> Record {
        Record::new(RecordKind::Distribution, RECORD_ID, self)
    }

    /// The distribution record among content records, if there is one.
    pub fn from_records(records: &[Record]) -> Result<Option<Distribution>, feed::FeedError> {
        records
            .iter()
            .find(|r| r.kind == RecordKind::Distribution)
            .map(|r| r.decode::<Distribution>())
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn text(extra: &str) -> String {
        format!(
            "feed_url = \"https://fyr.example.invalid/feed/\"\nhub_url = \"https://fyr.example.invalid/\"\ntrusted_keys = [\"{KEY_A}\"]\ncheck_interval_hours = 6\n{extra}"
        )
    }

    #[test]
    fn a_valid_file_parses() {
        let d = Distribution::from_toml("distribution.toml", &text("")).unwrap();
        assert_eq!(d.trust().accepted.len(), 1);
        assert!(d.accepts(&feed::parse_verifying_key(KEY_A).unwrap()));
    }

    #[test]
    fn errors_name_the_field() {
        let bad = "feed_url = \"ftp://x/feed\"\nhub_url = \"nope\"\ntrusted_keys = [\"abc\"]\nretired_keys = []\ncheck_interval_hours = 0\n";
        let e = Distribution::from_toml("distribution.toml", bad)
            .unwrap_err()
            .join("\n");
        for f in [
            "feed_url",
            "hub_url",
            "trusted_keys[0]",
            "check_interval_hours",
        ] {
            assert!(e.contains(&format!("distribution.toml: {f}")), "{f}: {e}");
        }
        let e = Distribution::from_toml("d.toml", &text("color = 1\n")).unwrap_err();
        assert!(e[0].contains("color"), "{e:?}");
        let e =
            Distribution::from_toml("d.toml", &text(&format!("retired_keys = [\"{KEY_A}\"]\n")))
                .unwrap_err();
        assert!(e[0].contains("retired_keys"), "{e:?}");
        let e = Distribution::from_toml(
            "d.toml",
            "feed_url = \"https://x/feed/\"\nhub_url = \"https://x/\"\ntrusted_keys = []\ncheck_interval_hours = 1\n",
        )
        .unwrap_err();
        assert!(e[0].contains("trusted_keys"), "{e:?}");
    }
}
