//! The directory model, after Open Referral HSDS 3 (organization, service,
//! location, phone, schedule, service area, eligibility), extended for the
//! field: agency kinds with role descriptions, target groups, needs, violence
//! forms, on-call schedules, confidential addresses, verification and demo marks.
//!
//! These types are the *content*: what a coordinator edits under `content/`,
//! what the hub publishes in a feed and what the device stores. They serialize
//! to a canonical JSON form (field order fixed, optional fields omitted) that
//! feed digests are computed over.

use crate::vocab::{AgencyKind, Form, Group, Lang, Need};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Coordinates in their canonical form: degrees rounded to six decimals
/// (0.11 m of latitude), read and written. A source's further digits (a
/// converted SWEREF 99 point carries fifteen) say nothing about where a
/// door is, yet cost every phone their bytes: at 20,000 services they were a
/// fifth of the compressed snapshot (1.10 → 0.88 MB). A coordinate with six
/// decimals or fewer is written as it was read, so content written that way
/// keeps its bodies and digests.
pub mod coord {
    use serde::{Deserialize, Deserializer, Serializer};

    /// `x` rounded to six decimals (the nearest `f64` to the rounded decimal,
    /// which prints as that decimal).
    pub fn round(x: f64) -> f64 {
        if x.abs() < 1e9 {
            (x * 1e6).round() / 1e6
        } else {
            x
        }
    }

    /// `x` as a sheet or an exchange file writes it (the canonical decimal).
    pub fn text(x: f64) -> String {
        round(x).to_string()
    }

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(round(*x))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        f64::deserialize(d).map(round)
    }

    /// The same for an optional coordinate.
    pub mod opt {
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
            match x {
                Some(x) => s.serialize_some(&super::round(*x)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
            Option::<f64>::deserialize(d).map(|x| x.map(super::round))
        }
    }
}

/// A text in Swedish (required) and English (optional; Swedish is shown when missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub sv: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    pub fn new(sv: impl Into<String>, en: impl Into<String>) -> Text {
        let en: String = en.into();
        Text {
            sv: sv.into(),
            en: if en.is_empty() { None } else { Some(en) },
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Sv => &self.sv,
            Lang::En => self
                .en
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or(&self.sv),
        }
    }
}

/// A municipality (kommun) with its SCB code, county and approximate centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Municipality {
    /// Four-digit SCB code, e.g. "0780" (Växjö).
    pub code: String,
    /// The name with å/ä/ö, e.g. "Växjö".
    pub name: String,
    /// Two-digit county code, e.g. "07" (Kronoberg), "23" (Jämtland).
    pub county_code: String,
    pub county_name: String,
    #[serde(with = "coord")]
    pub lat: f64,
    #[serde(with = "coord")]
    pub lon: f64,
    /// Towns and villages in the municipality, so that a place people know
    /// ("Funäsdalen", "Järpen") finds the municipality it belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub localities: Vec<String>,
}

/// An organization: one party in the work, with its role described.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub agency_kind: AgencyKind,
    /// What this party does in the work against violence (the agreements ask
    /// every member of staff to know each party's role).
    pub role: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// Where a service is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServiceArea {
    /// All of Sweden.
    National,
    /// A whole county, by its two-digit code.
    County { code: String },
    /// Listed municipalities, by SCB code.
    Municipalities { codes: Vec<String> },
}

/// How a phone number is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Voice,
    Sms,
    Chat,
}

impl PhoneKind {
    pub fn parse(s: &str) -> Option<PhoneKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "voice" | "tel" | "phone" => Some(PhoneKind::Voice),
            "sms" | "text" => Some(PhoneKind::Sms),
            "chat" | "text_chat" => Some(PhoneKind::Chat),
            _ => None,
        }
    }
    pub fn id(self) -> &'static str {
        match self {
            PhoneKind::Voice => "voice",
            PhoneKind::Sms => "sms",
            PhoneKind::Chat => "chat",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// As dialled in Sweden, e.g. "020-50 50 50", "112", "070-174 06 05".
    pub number: String,
    pub kind: PhoneKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// The phone's own hours in the schedule syntax (see `schedule`); when
    /// absent the service's hours apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

/// A public visiting address. Never present for a service whose address is confidential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The municipality the service is located in (SCB code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "coord::opt")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "coord::opt")]
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub organization: String,
    pub name: Text,
    pub description: Text,
    pub area: ServiceArea,
    pub groups: Vec<Group>,
    pub needs: Vec<Need>,
    pub forms: Vec<Form>,
    /// Languages the service can be had in without an interpreter
    /// ([`is_language_code`]: ISO 639-1, or 639-3 for one without a 639-1
    /// code, e.g. `sma` South Sami).
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub phones: Vec<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Opening hours in the schedule syntax (see `schedule`), e.g. "24/7",
    /// "mon-fri 08:00-16:00; closed-holidays".
    pub hours: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The address is confidential (shelters): it is never stored.
    #[serde(default)]
    pub confidential_address: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_on: Option<NaiveDate>,
    /// Where the entry's facts come from.
    #[serde(default)]
    pub source: String,
    /// A demo entry: invented for demonstration, its numbers from PTS's fiction range.
    #[serde(default)]
    pub demo: bool,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Service {
    /// Verified means a verification date is known and the entry is not a demo.
    pub fn verified(&self) -> bool {
        self.verified_on.is_some() && !self.demo
    }
    /// What must be checked, for an entry whose facts are not yet confirmed
    /// from the organization's own page (source `unverified: …`).
    pub fn unverified(&self) -> Option<&str> {
        crate::content::unverified_note(&self.source)
    }
    pub fn is_national(&self) -> bool {
        matches!(self.area, ServiceArea::National)
    }
}

/// The whole directory: what a feed snapshot carries besides checklists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Directory {
    pub municipalities: Vec<Municipality>,
    pub organizations: Vec<Organization>,
    pub services: Vec<Service>,
}

/// A language code Fyr accepts: two lower-case letters (ISO 639-1, e.g.
/// `sv`, `se` North Sami) or, for a language that has no such code, three
/// (ISO 639-3, e.g. `sma` South Sami, `smj` Lule Sami) — as HSDS 3 allows.
pub fn is_language_code(code: &str) -> bool {
    matches!(code.len(), 2 | 3) && code.bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn located(lat: f64, lon: f64) -> Location {
        Location {
            address: None,
            municipality: None,
            lat: Some(lat),
            lon: Some(lon),
        }
    }

    #[test]
    fn coordinates_keep_six_decimals_and_content_written_with_fewer_is_unchanged() {
        // The Växjö office as content/ writes it: the body is byte for byte
        // what it was before coordinates were rounded (its digest holds).
        let json = serde_json::to_string(&located(56.8777, 14.8091)).unwrap();
        assert_eq!(json, r#"{"lat":56.8777,"lon":14.8091}"#);
        // A converted point with fifteen decimals: six are written, and read
        // back as the same number.
        let json = serde_json::to_string(&located(62.048357149374844, 13.412129312457301)).unwrap();
        assert_eq!(json, r#"{"lat":62.048357,"lon":13.412129}"#);
        let back: Location = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        // A long body from an older hub is read rounded too, so what a device
        // ranks by is what the canonical form says.
        let old: Location =
            serde_json::from_str(r#"{"lat":63.17920000000001,"lon":-0.0000004}"#).unwrap();
        assert_eq!((old.lat, old.lon), (Some(63.1792), Some(-0.0)));
        // Whole degrees, and a number no place has, pass unchanged.
        assert_eq!(
            serde_json::to_string(&located(63.0, 1e12)).unwrap(),
            r#"{"lat":63.0,"lon":1000000000000.0}"#
        );
    }

    #[test]
    fn a_municipality_centre_is_rounded_the_same_way() {
        let m = Municipality {
            code: "2361".into(),
            name: "Härjedalen".into(),
            county_code: "23".into(),
            county_name: "Jämtlands län".into(),
            lat: 62.0792456789,
            lon: 13.9999995,
            localities: vec!["Funäsdalen".into()],
        };
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains(r#""lat":62.079246,"lon":14.0,"#), "{json}");
    }
}
