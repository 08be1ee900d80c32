//! Open Referral HSDS 3 out of and into Fyr's directory.
//!
//! **Ids.** HSDS ids are UUIDs: each is a UUID v5 of a Fyr key (`service:ID`,
//! `organization:ID`, `phone:SERVICE:N`, …) in Fyr's own namespace, so the
//! same entry has the same UUID in every export ([`uuid_for`]).
//!
//! **The JSON form** ([`export_json`]) is one object:
//! `{"hsds_version": "3.0", "organizations": [...], "fyr_municipalities": [...]}`;
//! `organizations` is an HSDS organization package (each organization with
//! its `services`, each service with `phones`, `schedules`, `service_areas`,
//! `languages` and `service_at_locations` with their `location`).
//! **The tabular form** ([`export_tabular`]) is the HSDS CSV files with a
//! `datapackage.json` describing them (plus `fyr_municipalities.csv`).
//!
//! **Extension fields** (HSDS 3 allows additional properties), see
//! [`EXTENSIONS`]; where HSDS has a weaker equivalent it is filled too
//! (`assured_date` = verified on, weekly `schedules`, `attending_type`,
//! `eligibility_description`, `service_areas`).
//!
//! **Never a shelter's address.** A service with a confidential address, or
//! of a women's or young women's shelter whatever its flag says, is exported
//! with no location, address or coordinates.

mod export;
pub mod hours;
mod import;
mod mapping;
mod tabular;

pub use export::export_json;
pub use import::{import_json, import_tabular};
pub use tabular::{datapackage, export_tabular, TabularTable, TABULAR};

/// Sweden's time zone: Fyr's hours are wall-clock times here.
pub const TIME_ZONE: &str = "Europe/Stockholm";

/// The namespace of Fyr's UUIDs (a UUID v5 of `urn:fyr:hsds` in the URL namespace).
pub fn namespace() -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"urn:fyr:hsds")
}

/// The stable UUID of a Fyr key: the same key gives the same UUID in every export.
pub fn uuid_for(kind: &str, key: &str) -> String {
    uuid::Uuid::new_v5(&namespace(), format!("{kind}:{key}").as_bytes()).to_string()
}

/// The extension fields: (HSDS object, field, meaning).
pub const EXTENSIONS: &[(&str, &str, &str)] = &[
    ("organization", "fyr_id", "Fyr's organization id (a-z, 0-9, - and _)"),
    ("organization", "fyr_agency_kind", "the agency kind (police, social_services, womens_shelter …; content/README.md)"),
    ("organization", "fyr_role_sv", "the party's role in the work against violence, Swedish (also in description)"),
    ("organization", "fyr_role_en", "the party's role, English"),
    ("service", "fyr_id", "Fyr's service id"),
    ("service", "fyr_name_en", "the English name (name is the Swedish one)"),
    ("service", "fyr_description_en", "the English description"),
    ("service", "fyr_area", "the area as Fyr writes it: SE, county:NN or municipality codes 0780;0781 (service_areas names them too)"),
    ("service", "fyr_groups", "target groups (vocabulary ids; eligibility_description has their Swedish labels)"),
    ("service", "fyr_needs", "needs the service meets (vocabulary ids)"),
    ("service", "fyr_forms", "forms of violence (vocabulary ids)"),
    ("service", "fyr_hours", "the hours in Fyr's syntax, exactly (schedules has them as weekly rows)"),
    ("service", "fyr_time_zone", "IANA time zone of the hours: Europe/Stockholm (HSDS's numeric timezone is wrong half the year)"),
    ("service", "fyr_on_call", "the hours are an on-call period (jour)"),
    ("service", "fyr_closed_on_holidays", "closed on Swedish public holidays and the eves (midsummer, Christmas, New Year's)"),
    ("service", "fyr_confidential_address", "the address is confidential (shelters): no location is ever exported"),
    ("service", "fyr_municipality", "SCB code of the municipality the service is in"),
    ("service", "fyr_demo", "a demo entry: invented, numbers from PTS's fiction range, never to be called"),
    ("service", "fyr_verified", "verified: a verification date is known and it is not a demo"),
    ("service", "fyr_verified_on", "the date the facts were checked (also assured_date)"),
    ("service", "fyr_source", "where the facts come from"),
    ("service", "fyr_tags", "search words"),
    ("phone", "fyr_kind", "voice, sms or chat (type is voice, text or chat)"),
    ("phone", "fyr_label_en", "the English label (description is the Swedish one)"),
    ("phone", "fyr_hours", "the phone's own hours in Fyr's syntax, when they differ from the service's"),
    ("schedule", "fyr_time_zone", "IANA time zone: Europe/Stockholm"),
    ("schedule", "fyr_on_call", "this row is an on-call period"),
    ("schedule", "fyr_closed_on_holidays", "the row does not apply on public holidays and eves"),
    ("schedule", "fyr_holidays", "this row applies on public holidays and eves only"),
    ("schedule", "fyr_closed", "closed on the date valid_from–valid_to"),
    ("service_area", "fyr_area_kind", "national, county or municipality"),
    ("service_area", "fyr_code", "the county or municipality SCB code"),
    ("location", "fyr_address", "the visiting address as one line (HSDS addresses need a postal code Fyr does not keep)"),
    ("(top level)", "fyr_municipalities", "the municipalities Fyr knows: code, name, county_code, county_name, lat, lon, localities (tabular: fyr_municipalities.csv)"),
];
