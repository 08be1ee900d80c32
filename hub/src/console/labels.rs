//! Words instead of ids on every page: counties, agency kinds, phone
//! channels, municipalities, checklist levels, field names, and dates as
//! people read them (Europe/Stockholm). The vocabularies are the core's
//! (`fyr_core::vocab`); the console only picks the language.

use super::i18n;
use super::workdir::WorkDir;
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use fyr_core::vocab::{AgencyKind, Lang};
use serde_json::Value;
use std::collections::BTreeMap;

/// The counties the console serves (SCB code, name).
pub fn counties() -> Vec<(String, String)> {
    vec![
        ("07".to_string(), "Kronoberg".to_string()),
        ("23".to_string(), "Jämtland".to_string()),
    ]
}

pub fn county(code: &str) -> String {
    counties()
        .into_iter()
        .find(|(c, _)| c == code)
        .map(|(c, n)| format!("{n} ({c})"))
        .unwrap_or_else(|| code.to_string())
}

fn lang(l: &str) -> Lang {
    if l == "en" {
        Lang::En
    } else {
        Lang::Sv
    }
}

pub fn agency_kind(id: &str, l: &str) -> String {
    AgencyKind::parse(id)
        .map(|k| k.label(lang(l)).to_string())
        .unwrap_or_else(|| id.to_string())
}

/// Agency kinds as (id, label) choices.
pub fn agency_kinds(l: &str) -> Vec<(String, String)> {
    AgencyKind::entries()
        .into_iter()
        .map(|e| {
            (
                e.id.to_string(),
                if l == "en" { e.en } else { e.sv }.to_string(),
            )
        })
        .collect()
}

pub fn channel(id: &str, l: &str) -> String {
    match (id, l == "en") {
        ("voice", false) => "samtal".into(),
        ("voice", true) => "call".into(),
        ("sms", false) => "sms".into(),
        ("sms", true) => "text message".into(),
        (o, _) => o.to_string(),
    }
}

/// Municipality code → name, from the working directory.
pub fn municipalities(w: &WorkDir) -> BTreeMap<String, String> {
    w.rows
        .iter()
        .filter(|r| r.file == "municipalities")
        .map(|r| {
            (
                r.key.clone(),
                r.fields.get("name").cloned().unwrap_or_default(),
            )
        })
        .collect()
}

/// "Ljungby (0781)" for an area or municipality list like "0781;0780",
/// "county:07" → "hela Kronoberg", "SE" → "hela Sverige".
pub fn area(a: &str, names: &BTreeMap<String, String>, l: &str) -> String {
    a.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.eq_ignore_ascii_case("SE") {
                i18n::text(l, "national").to_string()
            } else if let Some(c) = p.strip_prefix("county:") {
                format!("{} {}", i18n::text(l, "whole"), county(c))
            } else {
                names
                    .get(p)
                    .map(|n| format!("{n} ({p})"))
                    .unwrap_or_else(|| p.to_string())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A point in time as people read it: "3 dec 2026 14:05" in Stockholm time.
pub fn when(t: DateTime<Utc>, l: &str) -> String {
    let s = Stockholm.from_utc_datetime(&t.naive_utc());
    let months_sv = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let months_en = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    use chrono::Datelike;
    let m = (s.month0()) as usize;
    format!(
        "{} {} {} {}",
        s.day(),
        if l == "en" {
            months_en[m]
        } else {
            months_sv[m]
        },
        s.year(),
        s.format("%H:%M")
    )
}

/// A day (YYYY-MM-DD) as people read it: "3 dec 2026"; anything else as it is.
pub fn day(d: &str, l: &str) -> String {
    use chrono::Datelike;
    match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(n) => {
            let m = n.month0() as usize;
            let months = if l == "en" {
                [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ]
            } else {
                [
                    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov",
                    "dec",
                ]
            };
            format!("{} {} {}", n.day(), months[m], n.year())
        }
        Err(_) => d.to_string(),
    }
}

/// An RFC 3339 text as [`when`]; anything else as it is.
pub fn when_text(t: &str, l: &str) -> String {
    DateTime::parse_from_rfc3339(t)
        .map(|d| when(d.with_timezone(&Utc), l))
        .unwrap_or_else(|_| t.to_string())
}

/// An audit log action in words ("service.retire" → "Tjänst avvecklad");
/// an action without words is shown as it is.
pub fn action(id: &str, l: &str) -> String {
    let en = l == "en";
    if let Some(v) = id.strip_prefix("publish.revert-to-") {
        return if en {
            format!("Went back to version {v}")
        } else {
            format!("Tillbaka till version {v}")
        };
    }
    let (sv, e) = match id {
        "publish" => ("Publicerat", "Published"),
        "service.add" => ("Ny tjänst", "Service added"),
        "service.edit" => ("Tjänst ändrad", "Service changed"),
        "service.retire" => ("Tjänst avvecklad", "Service retired"),
        "service.unretire" => ("Tjänst tillbaka", "Service brought back"),
        "service.verify" => ("Kontrollerad i dag", "Verified today"),
        "draft.ready" => ("Klart att publicera", "Ready to publish"),
        "draft.hold" => ("Hålls tillbaka", "Held back"),
        "organization.edit" => ("Organisation ändrad", "Organization changed"),
        "distribution.settings" => (
            "Distributionsinställningar ändrade",
            "Distribution settings changed",
        ),
        "user.add" => ("Konto skapat", "Account added"),
        "user.disable" => ("Konto avstängt", "Account disabled"),
        "user.enable" => ("Konto påslaget igen", "Account re-enabled"),
        "user.set-password" => ("Nytt lösenord satt", "Password set"),
        "user.own-password" => ("Eget lösenord bytt", "Own password changed"),
        "enroll.code" => ("Registreringskod skapad", "Enrollment code issued"),
        "enroll.revoke" => ("Telefon spärrad", "Phone revoked"),
        "enroll.reinstate" => ("Spärr släppt", "Revocation lifted"),
        "correction.resolve" => ("Rapport åtgärdad", "Report resolved"),
        "correction.dismiss" => ("Rapport avfärdad", "Report dismissed"),
        "correction.reopen" => ("Rapport öppnad igen", "Report reopened"),
        "indicator.set" => ("Indikator sparad", "Indicator saved"),
        _ => return id.to_string(),
    };
    if en { e } else { sv }.to_string()
}

/// A field's name in words ("hours" → "Öppettider").
pub fn field(name: &str, l: &str) -> String {
    let key = match name {
        "name_sv" | "name" => "name",
        "description" | "description_sv" | "description_en" => "description",
        "hours" => "hours",
        "phones" => "phones",
        "web" | "website" => "web",
        "email" => "email",
        "address" => "address",
        "area" => "area",
        "municipality" => "municipality",
        "verified_on" => "verified_on",
        "source" => "source",
        "groups" => "groups",
        "needs" => "needs",
        "forms" => "forms",
        "languages" => "languages",
        "tags" => "tags",
        "demo" => "demo",
        "organization" => "organization",
        "agency_kind" => "agency_kind",
        _ => "",
    };
    if key.is_empty() {
        name.to_string()
    } else {
        let base = i18n::text(l, key).to_string();
        match name {
            "name_en" | "description_en" => format!("{base} (English)"),
            "name_sv" | "description_sv" => format!("{base} (svenska)"),
            _ => base,
        }
    }
}

/// A value from a record body in words: phones as "070-174 06 05 (samtal)",
/// lists joined, an agency kind by its label.
pub fn value(field: &str, v: Option<&Value>, l: &str) -> String {
    match v {
        None | Some(Value::Null) => "–".into(),
        Some(Value::String(s)) if field == "agency_kind" => agency_kind(s, l),
        Some(Value::String(s)) if s.is_empty() => "–".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => i18n::text(l, if *b { "yes" } else { "no" }).to_string(),
        Some(Value::Array(a)) => {
            let parts: Vec<String> = a
                .iter()
                .map(|x| match x {
                    Value::Object(o) if o.contains_key("number") => {
                        let n = o["number"].as_str().unwrap_or("");
                        let k = o.get("kind").and_then(Value::as_str).unwrap_or("voice");
                        let label = o
                            .get("label")
                            .and_then(|lb| lb.get(if l == "en" { "en" } else { "sv" }))
                            .and_then(Value::as_str)
                            .or_else(|| {
                                o.get(if l == "en" { "label_en" } else { "label_sv" })
                                    .and_then(Value::as_str)
                            })
                            .unwrap_or("");
                        let mut s = format!("{n} ({})", channel(k, l));
                        if !label.is_empty() {
                            s = format!("{label}: {s}");
                        }
                        s
                    }
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            if parts.is_empty() {
                "–".into()
            } else {
                parts.join(", ")
            }
        }
        Some(Value::Object(o)) if o.contains_key("sv") || o.contains_key("en") => o
            .get(if l == "en" { "en" } else { "sv" })
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        Some(v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_phones_and_areas_in_words() {
        let t = DateTime::parse_from_rfc3339("2026-07-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(when(t, "sv"), "1 jul 2026 14:00");
        assert_eq!(day("2026-12-24", "sv"), "24 dec 2026");
        assert_eq!(day("2026-05-01", "en"), "1 May 2026");
        assert_eq!(
            action("publish.revert-to-4", "sv"),
            "Tillbaka till version 4"
        );
        assert_eq!(action("enroll.revoke", "en"), "Phone revoked");
        let phones = serde_json::json!([{"number": "070-174 06 05", "kind": "voice"}]);
        assert_eq!(
            value("phones", Some(&phones), "sv"),
            "070-174 06 05 (samtal)"
        );
        let names: BTreeMap<String, String> = [("0781".to_string(), "Ljungby".to_string())].into();
        assert_eq!(
            area("0781;county:23", &names, "sv"),
            "Ljungby (0781), hela Jämtland (23)"
        );
        assert_eq!(
            agency_kind("healthcare", "sv"),
            AgencyKind::parse("healthcare").unwrap().label(Lang::Sv)
        );
    }
}
