//! Tests of the loader's rules on small inline files, and of the bundled content.

use super::*;
use crate::model::PhoneKind;
use crate::vocab::Form;

const MUNICIPALITIES: &str = "\
code,name,county_code,county_name,lat,lon
0780,Växjö,07,Kronobergs län,56.8777,14.8091
0781,Ljungby,07,Kronobergs län,56.8339,13.9408
2380,Östersund,23,Jämtlands län,63.1792,14.6357
";

const ORGANIZATIONS: &str = "\
id,name,agency_kind,role_sv,role_en,website
kvinnofridslinjen,Kvinnofridslinjen,national_helpline,Nationell stödtelefon för våldsutsatta kvinnor.,National helpline.,https://kvinnofridslinjen.se
ljungby-soc,Ljungby kommun – socialtjänsten,social_services,Ansvarar för stöd till våldsutsatta och barn.,,
jour-ljungby,Demo: kvinnojour för Ljungby,womens_shelter,Demopost – påhittad. Stöd och skyddat boende.,,
";

const SERVICES: &str = "\
id,organization,name_sv,name_en,description_sv,description_en,area,groups,needs,forms,languages,hours,web,email,address,municipality,lat,lon,confidential_address,verified_on,source,demo,tags
kvinnofridslinjen,kvinnofridslinjen,Kvinnofridslinjen,,Stödtelefon för kvinnor som utsatts för våld.,,SE,women,talk_now;counselling,*,sv;en,24/7,https://kvinnofridslinjen.se,,,,,,no,2026-11-22,kvinnofridslinjen.se,no,jour
ljungby-socialtjanst,ljungby-soc,Demo: socialtjänsten Ljungby,,\"Demopost – kontrollera uppgifterna lokalt. Våld i nära relation, orosanmälan.\",,0781,women;children,child_protection;counselling,physical;psychological,sv,mon-fri 08:00-16:00; closed-holidays,,soc@exempel.se,Demogatan 1,0781,56.83,13.94,no,,demo,yes,orosanmälan
ljungby-kvinnojour,jour-ljungby,Demo: kvinnojour för Ljungby,,Demopost.,,county:07,women,protected_housing,*,sv,24/7,,,,0781,,,yes,,demo,yes,skyddat boende
";

const PHONES: &str = "\
service,number,kind,label_sv,label_en,hours
kvinnofridslinjen,020-50 50 50,voice,,,
ljungby-socialtjanst,070-174 06 05,voice,Reception,Reception,
ljungby-socialtjanst,070-174 06 08,voice,Jour,,
ljungby-kvinnojour,070-174 06 06,voice,,,
";

const MUNI_FILE: &str = "content/municipalities.csv";
const ORG_FILE: &str = "content/directory/organizations.csv";
const SVC_FILE: &str = "content/directory/services.csv";
const PHONE_FILE: &str = "content/directory/phones.csv";

/// The four fixture files, editable.
struct Fixture {
    files: [String; 4],
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            files: [MUNICIPALITIES, ORGANIZATIONS, SERVICES, PHONES].map(str::to_owned),
        }
    }
    /// Replaces text in one file (0 municipalities, 1 organizations, 2 services, 3 phones).
    fn edit(mut self, file: usize, from: &str, to: &str) -> Fixture {
        assert!(
            self.files[file].contains(from),
            "fixture {file} lacks {from:?}"
        );
        self.files[file] = self.files[file].replacen(from, to, 1);
        self
    }
    fn append(mut self, file: usize, line: &str) -> Fixture {
        self.files[file].push_str(line);
        self.files[file].push('\n');
        self
    }
    fn parse(&self) -> Result<Directory, Vec<ContentError>> {
        parse_directory(&DirectorySources {
            municipalities: (MUNI_FILE, &self.files[0]),
            organizations: (ORG_FILE, &self.files[1]),
            services: (SVC_FILE, &self.files[2]),
            phones: (PHONE_FILE, &self.files[3]),
        })
    }
    /// The errors, which must exist.
    fn errors(&self) -> Vec<ContentError> {
        match self.parse() {
            Ok(_) => panic!("expected errors, got a directory"),
            Err(e) => e,
        }
    }
    /// Asserts exactly one error, and returns its display text.
    fn one_error(&self) -> String {
        let errors = self.errors();
        assert_eq!(
            errors.len(),
            1,
            "expected one error, got:\n{}",
            format_errors(&errors)
        );
        errors[0].to_string()
    }
}

#[test]
fn the_fixture_parses() {
    let dir = Fixture::new()
        .parse()
        .unwrap_or_else(|e| panic!("{}", format_errors(&e)));
    assert_eq!(dir.municipalities.len(), 3);
    assert_eq!(dir.municipalities[2].name, "Östersund");
    assert_eq!(dir.municipalities[2].county_code, "23");
    assert_eq!(dir.organizations.len(), 3);
    assert_eq!(dir.organizations[2].agency_kind, AgencyKind::WomensShelter);
    assert_eq!(dir.organizations[1].role.en, None);
    assert_eq!(dir.services.len(), 3);

    let kfl = &dir.services[0];
    assert_eq!(kfl.area, ServiceArea::National);
    assert_eq!(kfl.forms.len(), Form::ALL.len(), "'*' means all forms");
    assert!(kfl.verified());
    assert_eq!(
        kfl.verified_on,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
    );
    assert_eq!(kfl.phones.len(), 1);
    assert_eq!(kfl.phones[0].kind, PhoneKind::Voice);
    assert_eq!(kfl.languages, vec!["sv", "en"]);

    let soc = &dir.services[1];
    assert!(soc.demo && !soc.verified());
    assert_eq!(
        soc.area,
        ServiceArea::Municipalities {
            codes: vec!["0781".into()]
        }
    );
    assert_eq!(soc.needs, vec![Need::ChildProtection, Need::Counselling]);
    assert_eq!(soc.hours, "mon-fri 08:00-16:00; closed-holidays");
    assert_eq!(soc.phones.len(), 2);
    assert_eq!(
        soc.phones[0]
            .label
            .as_ref()
            .unwrap()
            .get(crate::vocab::Lang::En),
        "Reception"
    );
    assert_eq!(soc.email.as_deref(), Some("soc@exempel.se"));
    assert_eq!(
        soc.description.sv,
        "Demopost – kontrollera uppgifterna lokalt. Våld i nära relation, orosanmälan."
    );
    let loc = soc.location.as_ref().unwrap();
    assert_eq!(loc.address.as_deref(), Some("Demogatan 1"));
    assert_eq!((loc.lat, loc.lon), (Some(56.83), Some(13.94)));

    let jour = &dir.services[2];
    assert!(jour.confidential_address);
    assert_eq!(jour.area, ServiceArea::County { code: "07".into() });
    let loc = jour.location.as_ref().unwrap();
    assert_eq!(
        (loc.address.as_deref(), loc.lat, loc.municipality.as_deref()),
        (None, None, Some("0781"))
    );
    assert_eq!(jour.tags, vec!["skyddat boende"]);
}

#[test]
fn error_display_names_file_row_id_and_problem() {
    let f = Fixture::new().edit(
        2,
        "child_protection;counselling",
        "child_protection;protcted_housing",
    );
    assert_eq!(
        f.one_error(),
        "content/directory/services.csv row 3 (id ljungby-socialtjanst): unknown need 'protcted_housing'"
    );
    let e = ContentError::new("x.csv", None, None, "cannot read".into());
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"file":"x.csv","row":null,"id":null,"problem":"cannot read"}"#
    );
    assert_eq!(e.to_string(), "x.csv: cannot read");
}

#[test]
fn wrong_or_missing_header_columns() {
    let e = Fixture::new().edit(2, ",tags\n", ",tagz\n").errors();
    let msgs = format_errors(&e);
    assert!(
        msgs.contains("services.csv row 1: unknown column 'tagz'"),
        "{msgs}"
    );
    assert!(
        msgs.contains("services.csv row 1: missing column 'tags'"),
        "{msgs}"
    );
    // The services file is unreadable: phones naming its services are not
    // reported again as unknown.
    assert_eq!(e.len(), 2, "{msgs}");

    let msg = Fixture::new()
        .edit(3, "label_en,hours", "label_en")
        .one_error();
    assert!(
        msg.contains("phones.csv row 1: missing column 'hours'"),
        "{msg}"
    );
}

#[test]
fn columns_may_come_in_any_order() {
    let f = Fixture::new()
        .edit(
            0,
            "code,name,county_code,county_name,lat,lon",
            "name,code,county_code,county_name,lat,lon",
        )
        .edit(0, "0780,Växjö", "Växjö,0780");
    let f = f
        .edit(0, "0781,Ljungby", "Ljungby,0781")
        .edit(0, "2380,Östersund", "Östersund,2380");
    let dir = f
        .parse()
        .unwrap_or_else(|e| panic!("{}", format_errors(&e)));
    assert_eq!(dir.municipalities[0].code, "0780");
    assert_eq!(dir.municipalities[0].name, "Växjö");
}

#[test]
fn duplicate_ids() {
    let f = Fixture::new().append(
        2,
        "kvinnofridslinjen,kvinnofridslinjen,Dubblett,,Text.,,SE,women,talk_now,*,sv,24/7,https://kvinnofridslinjen.se,,,,,,no,2026-11-22,kvinnofridslinjen.se,no,",
    );
    assert_eq!(
        f.one_error(),
        "content/directory/services.csv row 5 (id kvinnofridslinjen): duplicate service id 'kvinnofridslinjen' (first on row 2)"
    );
    let f = Fixture::new().append(1, "jour-ljungby,Annan jour,womens_shelter,Roll.,,");
    assert!(f
        .one_error()
        .contains("organizations.csv row 5 (id jour-ljungby): duplicate organization id"));
    let f = Fixture::new().append(0, "0780,Växjö,07,Kronobergs län,56.8777,14.8091");
    assert!(f.one_error().contains(
        "municipalities.csv row 5 (id 0780): duplicate municipality code 0780 (first on row 2)"
    ));
}

#[test]
fn unknown_organization() {
    let f = Fixture::new().edit(2, ",jour-ljungby,", ",jour-ljunby,");
    assert_eq!(
        f.one_error(),
        "content/directory/services.csv row 4 (id ljungby-kvinnojour): unknown organization 'jour-ljunby'"
    );
}

#[test]
fn unknown_vocabulary_values_are_named() {
    // Groups are required; needs and forms may be empty (e.g. a coordinating body).
    let msg = Fixture::new().edit(2, "women;children,", ",").one_error();
    assert!(
        msg.ends_with("(id ljungby-socialtjanst): no groups given (at least one is required)"),
        "{msg}"
    );
    let dir = Fixture::new()
        .edit(
            2,
            "child_protection;counselling,physical;psychological",
            ",",
        )
        .parse()
        .unwrap();
    assert!(dir.services[1].needs.is_empty() && dir.services[1].forms.is_empty());
    let msg = Fixture::new()
        .edit(1, "womens_shelter", "shelter")
        .one_error();
    assert_eq!(msg, "content/directory/organizations.csv row 4 (id jour-ljungby): unknown agency kind 'shelter'");
    let msg = Fixture::new()
        .edit(2, "women;children,", "women;kids,")
        .one_error();
    assert!(msg.ends_with("unknown group 'kids'"), "{msg}");
    let msg = Fixture::new()
        .edit(2, "physical;psychological", "physical;honor")
        .one_error();
    assert!(msg.ends_with("unknown form 'honor'"), "{msg}");
    // All bad values in a row are reported.
    let e = Fixture::new()
        .edit(2, "physical;psychological", "fysiskt;psykiskt")
        .errors();
    assert_eq!(e.len(), 2, "{}", format_errors(&e));
    // Vocabulary ids are case-insensitive and accept '-' for '_'.
    assert!(Fixture::new()
        .edit(
            2,
            "child_protection;counselling",
            "Child-Protection;counselling"
        )
        .parse()
        .is_ok());
}

#[test]
fn area_must_name_known_municipalities_or_counties() {
    let msg = Fixture::new()
        .edit(2, ",0781,women;children", ",0781;0799,women;children")
        .one_error();
    assert!(
        msg.ends_with("area names an unknown municipality '0799'"),
        "{msg}"
    );
    let msg = Fixture::new().edit(2, "county:07", "county:08").one_error();
    assert!(msg.ends_with("area names an unknown county '08'"), "{msg}");
    let msg = Fixture::new().edit(2, "county:07", "").one_error();
    assert!(msg.contains("empty area"), "{msg}");
    let dir = Fixture::new()
        .edit(2, ",0781,women;children", ",0780;0781;2380,women;children")
        .parse()
        .unwrap();
    assert_eq!(
        dir.services[1].area,
        ServiceArea::Municipalities {
            codes: vec!["0780".into(), "0781".into(), "2380".into()]
        }
    );
}

#[test]
fn bad_hours_carry_the_schedule_error() {
    let bad = "mon-fry 08:00-16:00";
    let expected = crate::schedule::Schedule::parse(bad)
        .expect_err("the schedule parser rejects it")
        .to_string();
    let msg = Fixture::new()
        .edit(2, "mon-fri 08:00-16:00; closed-holidays", bad)
        .one_error();
    assert!(
        msg.starts_with("content/directory/services.csv row 3 (id ljungby-socialtjanst): "),
        "{msg}"
    );
    assert!(msg.ends_with(&expected), "{msg} should end with {expected}");
    assert_eq!(
        msg.matches("bad hours 'mon-fry 08:00-16:00'").count(),
        1,
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(
            3,
            "Reception,Reception,",
            "Reception,Reception,mon-fri 25:00-16:00",
        )
        .one_error();
    assert!(
        msg.starts_with("content/directory/phones.csv row 3 (id ljungby-socialtjanst): bad hours"),
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(2, "mon-fri 08:00-16:00; closed-holidays", "")
        .one_error();
    assert!(msg.contains("empty hours"), "{msg}");
}

#[test]
fn phone_for_unknown_service_and_bad_kind() {
    let msg = Fixture::new()
        .append(3, "ljungby-soc,070-174 06 07,voice,,,")
        .one_error();
    assert_eq!(
        msg,
        "content/directory/phones.csv row 6 (id ljungby-soc): phone for an unknown service 'ljungby-soc' (not in content/directory/services.csv)"
    );
    let msg = Fixture::new()
        .edit(3, "070-174 06 06,voice", "070-174 06 06,fax")
        .one_error();
    assert!(
        msg.ends_with("bad phone kind 'fax' (voice, sms or chat)"),
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(3, "070-174 06 06,voice", "ring jouren,voice")
        .one_error();
    assert!(msg.contains("'ring jouren' is not a phone number"), "{msg}");
    let msg = Fixture::new()
        .append(3, "ljungby-kvinnojour,070-174 06 06,voice,,,")
        .one_error();
    assert!(msg.contains("duplicate phone"), "{msg}");
}

#[test]
fn demo_entries_only_use_fiction_or_verified_numbers() {
    // A made-up local number on a demo entry.
    let msg = Fixture::new()
        .edit(3, "070-174 06 06", "0470-123 45")
        .one_error();
    assert!(
        msg.starts_with("content/directory/phones.csv row 5 (id ljungby-kvinnojour): demo entry uses the number '0470-123 45'"),
        "{msg}"
    );
    // Just outside the fiction range.
    let msg = Fixture::new()
        .edit(3, "070-174 06 06", "070-174 06 04")
        .one_error();
    assert!(msg.contains("neither in the fiction range"), "{msg}");
    // A national number no verified entry has.
    let msg = Fixture::new()
        .edit(3, "070-174 06 06", "114 14")
        .one_error();
    assert!(msg.contains("'114 14'"), "{msg}");
    // A verified entry's number, written differently, is its number…
    assert!(Fixture::new()
        .edit(
            3,
            "kvinnofridslinjen,020-50 50 50",
            "kvinnofridslinjen,020-505050"
        )
        .parse()
        .is_ok());
    // …and never a shelter's channel: a service is reachable only through its own.
    let msg = Fixture::new()
        .edit(3, "070-174 06 06", "020-505050")
        .one_error();
    assert!(
        msg.contains("row 4 (id ljungby-kvinnojour): lists 020-505050 (a national line's number), which is not a womens_shelter channel"),
        "{msg}"
    );
    // 112 on anything but the emergency number, the police or emergency care
    // (here a national support line): refused, naming the service.
    let msg = Fixture::new()
        .edit(
            3,
            "kvinnofridslinjen,020-50 50 50,voice,,,",
            "kvinnofridslinjen,020-50 50 50,voice,,,\nkvinnofridslinjen,112,voice,Akut fara,,",
        )
        .one_error();
    assert!(msg.contains("(id kvinnofridslinjen): lists 112 (SOS Alarm's emergency number), which is not a national_helpline channel"), "{msg}");
    // A verified entry may not use a fiction number.
    let e = Fixture::new()
        .edit(
            3,
            "kvinnofridslinjen,020-50 50 50",
            "kvinnofridslinjen,070-174 06 50",
        )
        .errors();
    let msgs = format_errors(&e);
    assert!(
        msgs.contains("phones.csv row 2 (id kvinnofridslinjen): verified (non-demo) entry uses the fiction-range number '070-174 06 50'"),
        "{msgs}"
    );
    assert_eq!(e.len(), 1, "{msgs}");
}

#[test]
fn demo_and_verification_marks() {
    let msg = Fixture::new()
        .edit(
            2,
            "no,,demo,yes,orosanmälan",
            "no,2026-11-22,demo,yes,orosanmälan",
        )
        .one_error();
    assert!(
        msg.ends_with("a demo entry cannot have verified_on (leave it empty)"),
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(
            2,
            "no,2026-11-22,kvinnofridslinjen.se,no",
            "no,,kvinnofridslinjen.se,no",
        )
        .one_error();
    assert!(
        msg.contains("row 2 (id kvinnofridslinjen): a non-demo entry needs verified_on"),
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(
            2,
            "no,2026-11-22,kvinnofridslinjen.se,no",
            "no,2026-11-22,,no",
        )
        .one_error();
    assert!(msg.contains("a non-demo entry needs a source"), "{msg}");
    let msg = Fixture::new()
        .edit(2, "no,,demo,yes,orosanmälan", "no,,demo,,orosanmälan")
        .one_error();
    assert!(msg.contains("demo must be 'yes' or 'no'"), "{msg}");
}

#[test]
fn confidential_addresses_are_never_stored() {
    let msg = Fixture::new()
        .edit(2, ",,,,0781,,,yes", ",,,Hemliga vägen 3,0781,,,yes")
        .one_error();
    assert!(
        msg.ends_with(
            "confidential_address=yes but an address is given: never store a confidential address"
        ),
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(2, ",,,,0781,,,yes", ",,,,0781,56.83,13.94,yes")
        .one_error();
    assert!(
        msg.contains("confidential_address=yes but coordinates are given"),
        "{msg}"
    );
    // Even bad coordinates on a confidential entry are refused as a location.
    let e = Fixture::new()
        .edit(2, ",,,,0781,,,yes", ",,,,0781,56.83,,yes")
        .errors();
    assert!(
        format_errors(&e).contains("never store a confidential location"),
        "{}",
        format_errors(&e)
    );
    // A shelter must be marked confidential.
    let msg = Fixture::new()
        .edit(2, ",,,,0781,,,yes", ",,,,0781,,,no")
        .one_error();
    assert!(
        msg.ends_with("a shelter's service must have confidential_address=yes"),
        "{msg}"
    );
}

#[test]
fn coordinates_must_be_in_sweden() {
    let msg = Fixture::new()
        .edit(2, "56.83,13.94", "13.94,56.83")
        .one_error();
    assert!(msg.contains("outside Sweden"), "{msg}");
    let msg = Fixture::new()
        .edit(0, "63.1792,14.6357", "63.1792,")
        .one_error();
    assert!(
        msg.starts_with("content/municipalities.csv row 4 (id 2380): give both lat and lon"),
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(0, "56.8339,13.9408", "52.5,13.4")
        .one_error();
    assert!(msg.contains("outside Sweden"), "{msg}");
}

#[test]
fn coordinates_from_a_converted_map_point_are_kept_to_six_decimals() {
    // A coordinator pastes a point converted from SWEREF 99: fifteen decimals.
    let dir = Fixture::new()
        .edit(2, "56.83,13.94", "56.833912345678901,13.940812345678901")
        .parse()
        .unwrap();
    let loc = dir.services[1].location.as_ref().unwrap();
    assert_eq!((loc.lat, loc.lon), (Some(56.833912), Some(13.940812)));
}

#[test]
fn bad_dates() {
    let msg = Fixture::new()
        .edit(2, "2026-11-22", "22/11/2026")
        .one_error();
    assert!(
        msg.ends_with("bad date '22/11/2026' (use YYYY-MM-DD, e.g. 2026-11-22)"),
        "{msg}"
    );
    let msg = Fixture::new()
        .edit(2, "2026-11-22", "2026-11-31")
        .one_error();
    assert!(msg.contains("bad date '2026-11-31'"), "{msg}");
}

#[test]
fn a_service_must_be_reachable() {
    let f = Fixture::new().edit(3, "ljungby-kvinnojour,070-174 06 06,voice,,,\n", "");
    assert_eq!(
        f.one_error(),
        "content/directory/services.csv row 4 (id ljungby-kvinnojour): the service has no phone, web or e-mail: add at least one way to reach it"
    );
    // A web address alone is information: hours on it are refused, naming the row.
    let f = Fixture::new().edit(3, "kvinnofridslinjen,020-50 50 50,voice,,,\n", "");
    assert_eq!(
        f.one_error(),
        "content/directory/services.csv row 2 (id kvinnofridslinjen): hours '24/7' on a service with no phone or chat: a website or e-mail is information, never open or 24/7 (leave hours empty, or add the phone or chat the hours are for)"
    );
    // Without hours, a web address alone is enough.
    let f = f.edit(
        2,
        "sv;en,24/7,https://kvinnofridslinjen.se",
        "sv;en,,https://kvinnofridslinjen.se",
    );
    assert!(f.parse().is_ok(), "{:?}", f.parse().err());
    // A service with a phone needs hours.
    let msg = Fixture::new()
        .edit(
            2,
            "sv;en,24/7,https://kvinnofridslinjen.se",
            "sv;en,,https://kvinnofridslinjen.se",
        )
        .one_error();
    assert!(
        msg.contains("row 2 (id kvinnofridslinjen): empty hours"),
        "{msg}"
    );
}

#[test]
fn every_demo_number_belongs_to_one_service() {
    let f = Fixture::new().append(3, "ljungby-socialtjanst,070-174 06 06,voice,,,");
    let msg = f.one_error();
    assert!(
        msg.contains("(id ljungby-socialtjanst): the demo number 070-174 06 06 is already used by service 'ljungby-kvinnojour' (row"),
        "{msg}"
    );
    // The same service may give one number for voice and SMS.
    let f = Fixture::new().append(3, "ljungby-kvinnojour,070-174 06 06,sms,,,");
    assert!(f.parse().is_ok(), "{:?}", f.parse().err());
}

#[test]
fn the_directory_content_keeps_demo_numbers_unique_and_web_only_entries_closed() {
    let d = crate::content::embedded_directory().unwrap();
    let mut owner: std::collections::HashMap<String, &str> = Default::default();
    for s in &d.services {
        for p in &s.phones {
            if super::validate::is_fiction_number(&p.number) {
                let prev = owner.insert(super::validate::normalize_number(&p.number), &s.id);
                assert!(
                    prev.is_none() || prev == Some(&s.id),
                    "{} shared by {prev:?} and {}",
                    p.number,
                    s.id
                );
            }
        }
        if s.phones.is_empty() {
            assert!(s.hours.is_empty(), "{} has hours but no phone", s.id);
        }
    }
    for id in [
        "svenska-kyrkan",
        "aklagarmyndigheten",
        "kriminalvarden",
        "linneuniversitetet",
    ] {
        let s = d.services.iter().find(|s| s.id == id).unwrap();
        assert!(s.phones.is_empty() && s.hours.is_empty(), "{id}");
    }
}

#[test]
fn empty_swedish_name() {
    let msg = Fixture::new()
        .edit(
            2,
            "jour-ljungby,Demo: kvinnojour för Ljungby,",
            "jour-ljungby,,",
        )
        .one_error();
    assert!(
        msg.ends_with("(id ljungby-kvinnojour): empty name_sv (the Swedish name is required)"),
        "{msg}"
    );
}

#[test]
fn municipality_rows_are_checked() {
    let e = Fixture::new()
        .edit(0, "0781,Ljungby,07", "781,Ljungby,07")
        .errors();
    let msgs = format_errors(&e);
    assert!(
        msgs.contains(
            "municipalities.csv row 3 (id 781): municipality code '781' is not four digits"
        ),
        "{msgs}"
    );
    assert!(
        msgs.contains("area names an unknown municipality '0781'"),
        "{msgs}"
    );
    let e = Fixture::new()
        .edit(
            0,
            "2380,Östersund,23,Jämtlands län",
            "2380,Östersund,07,Jämtlands län",
        )
        .errors();
    let msgs = format_errors(&e);
    assert!(
        msgs.contains("does not start with its county code 07"),
        "{msgs}"
    );
    assert!(
        msgs.contains("county 07 is named 'Jämtlands län' here but 'Kronobergs län'"),
        "{msgs}"
    );
}

#[test]
fn all_errors_are_reported_across_files() {
    let f = Fixture::new()
        .edit(1, "social_services", "socialtjänst")
        .edit(2, "physical;psychological", "physical;hedersvåld")
        .edit(2, "county:07", "county:99")
        .edit(2, "2026-11-22", "2026-13-01")
        .edit(3, "070-174 06 06,voice", "070-174 06 06,telefon")
        .append(3, "finns-inte,112,voice,,,");
    let e = f.errors();
    let msgs = format_errors(&e);
    assert_eq!(e.len(), 6, "{msgs}");
    for expected in [
        "organizations.csv row 3 (id ljungby-soc): unknown agency kind 'socialtjänst'",
        "services.csv row 2 (id kvinnofridslinjen): bad date '2026-13-01'",
        "services.csv row 3 (id ljungby-socialtjanst): unknown form 'hedersvåld'",
        "services.csv row 4 (id ljungby-kvinnojour): area names an unknown county '99'",
        "phones.csv row 5 (id ljungby-kvinnojour): bad phone kind 'telefon'",
        "phones.csv row 6 (id finns-inte): phone for an unknown service 'finns-inte'",
    ] {
        assert!(msgs.contains(expected), "missing {expected:?} in\n{msgs}");
    }
}

#[test]
fn semicolon_separated_export_is_explained() {
    let f = Fixture::new().edit(
        0,
        "code,name,county_code,county_name,lat,lon",
        "code;name;county_code;county_name;lat;lon",
    );
    let e = f.errors();
    assert!(
        e[0].to_string()
            .starts_with("content/municipalities.csv row 1: the file is semicolon-separated"),
        "{}",
        e[0]
    );
}

#[test]
fn loads_a_content_directory_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("directory")).unwrap();
    std::fs::write(tmp.path().join("municipalities.csv"), MUNICIPALITIES).unwrap();
    std::fs::write(
        tmp.path().join("directory/organizations.csv"),
        ORGANIZATIONS,
    )
    .unwrap();
    std::fs::write(tmp.path().join("directory/services.csv"), SERVICES).unwrap();
    let e = load_directory_dir(tmp.path()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(
        e[0].file.ends_with("phones.csv") && e[0].problem.starts_with("cannot read the file"),
        "{}",
        e[0]
    );

    std::fs::write(tmp.path().join("directory/phones.csv"), PHONES).unwrap();
    let dir = load_directory_dir(tmp.path()).unwrap_or_else(|e| panic!("{}", format_errors(&e)));
    assert_eq!(dir.services.len(), 3);

    std::fs::write(
        tmp.path().join("directory/services.csv"),
        SERVICES.replace("jour-ljungby,", "x,"),
    )
    .unwrap();
    let e = load_directory_dir(tmp.path()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(
        e[0].file.ends_with("services.csv") && e[0].problem == "unknown organization 'x'",
        "{}",
        e[0]
    );

    std::fs::write(tmp.path().join("municipalities.csv"), b"code,name\xff\n").unwrap();
    let e = load_directory_dir(tmp.path()).unwrap_err();
    assert!(e[0].problem.contains("not UTF-8"), "{}", e[0]);
}

// ---------------------------------------------------------------------------
// The bundled content.

fn embedded() -> Directory {
    embedded_directory()
        .unwrap_or_else(|e| panic!("the bundled content has errors:\n{}", format_errors(&e)))
}

use crate::content::NATIONAL_NUMBERS;

fn covers(s: &Service, m: &Municipality) -> bool {
    match &s.area {
        ServiceArea::National => true,
        ServiceArea::County { code } => *code == m.county_code,
        ServiceArea::Municipalities { codes } => codes.contains(&m.code),
    }
}

#[test]
fn embedded_content_parses_without_errors() {
    let dir = embedded();
    assert!(
        dir.services.len() >= 80,
        "only {} services",
        dir.services.len()
    );
}

#[test]
fn embedded_content_has_all_sixteen_municipalities() {
    let dir = embedded();
    let expected = [
        ("0760", "Uppvidinge"),
        ("0761", "Lessebo"),
        ("0763", "Tingsryd"),
        ("0764", "Alvesta"),
        ("0765", "Älmhult"),
        ("0767", "Markaryd"),
        ("0780", "Växjö"),
        ("0781", "Ljungby"),
        ("2303", "Ragunda"),
        ("2305", "Bräcke"),
        ("2309", "Krokom"),
        ("2313", "Strömsund"),
        ("2321", "Åre"),
        ("2326", "Berg"),
        ("2361", "Härjedalen"),
        ("2380", "Östersund"),
    ];
    assert_eq!(dir.municipalities.len(), 16);
    for (code, name) in expected {
        let m = dir
            .municipalities
            .iter()
            .find(|m| m.code == code)
            .unwrap_or_else(|| panic!("missing {code}"));
        assert_eq!(m.name, name);
        let county = if code.starts_with("07") {
            "Kronobergs län"
        } else {
            "Jämtlands län"
        };
        assert_eq!(m.county_name, county);
    }
}

#[test]
fn every_municipality_is_covered_locally_by_every_essential_kind() {
    let dir = embedded();
    let kind_of = |s: &Service| {
        dir.organizations
            .iter()
            .find(|o| o.id == s.organization)
            .unwrap()
            .agency_kind
    };
    type Rule = (&'static str, fn(AgencyKind, &Service) -> bool);
    let rules: &[Rule] = &[
        ("social services", |k, _| k == AgencyKind::SocialServices),
        ("social services on call", |k, _| {
            k == AgencyKind::SocialServicesOnCall
        }),
        ("police", |k, _| k == AgencyKind::Police),
        ("shelter", |k, _| {
            matches!(
                k,
                AgencyKind::WomensShelter | AgencyKind::YoungWomensShelter
            )
        }),
        ("county Barnahus", |k, s| {
            k == AgencyKind::Barnahus && matches!(s.area, ServiceArea::County { .. })
        }),
        ("perpetrator programme", |k, s| {
            k == AgencyKind::PerpetratorProgramme || s.needs.contains(&Need::PerpetratorProgramme)
        }),
        ("victim support", |k, _| k == AgencyKind::VictimSupport),
        ("church", |k, _| k == AgencyKind::Church),
        ("health or emergency care", |k, _| {
            matches!(k, AgencyKind::Healthcare | AgencyKind::EmergencyCare)
        }),
    ];
    let mut missing = Vec::new();
    for m in &dir.municipalities {
        for (what, rule) in rules {
            // National services cover everyone; the point is a local entry.
            let found = dir
                .services
                .iter()
                .any(|s| !s.is_national() && covers(s, m) && rule(kind_of(s), s));
            if !found {
                missing.push(format!("{} ({}): no local {what}", m.name, m.code));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn embedded_numbers_are_fiction_or_the_verified_national_ones() {
    let dir = embedded();
    let national: Vec<String> = NATIONAL_NUMBERS
        .iter()
        .map(|n| normalize_number(n))
        .collect();
    for s in &dir.services {
        for p in &s.phones {
            let fiction = is_fiction_number(&p.number);
            if s.demo {
                assert!(
                    fiction || national.contains(&normalize_number(&p.number)),
                    "demo entry {} has the number {}",
                    s.id,
                    p.number
                );
                if fiction {
                    // Written as PTS lists them.
                    assert!(
                        p.number.starts_with("070-174 06 ") && p.number.len() == 13,
                        "{}: {}",
                        s.id,
                        p.number
                    );
                }
            } else {
                assert!(
                    !fiction,
                    "verified entry {} has the fiction number {}",
                    s.id, p.number
                );
                assert!(
                    national.contains(&normalize_number(&p.number)),
                    "verified entry {} has {}, not one of the checked national numbers",
                    s.id,
                    p.number
                );
            }
        }
        if s.demo {
            assert_eq!(s.source, "demo", "{}", s.id);
            assert!(s.verified_on.is_none(), "{}", s.id);
            assert!(
                s.description.sv.contains("Demopost"),
                "{} does not say it is a demo entry",
                s.id
            );
        } else if let Some(note) = s.unverified() {
            // An unconfirmed line: no phone, what must be checked said in the
            // source and in the description.
            assert!(s.verified_on.is_none() && s.phones.is_empty(), "{}", s.id);
            assert!(!note.is_empty(), "{}", s.id);
            assert!(s.description.sv.starts_with("Ej verifierad"), "{}", s.id);
        } else {
            assert!(s.verified_on.is_some() && !s.source.is_empty(), "{}", s.id);
        }
    }
}

// ---- issue 16: demo marks, unverified national lines ----

#[test]
fn a_demo_entry_without_the_demo_mark_in_its_name_is_refused() {
    let msg = Fixture::new()
        .edit(2, "Demo: kvinnojour för Ljungby,,", "Kvinnojour Ljungby,,")
        .one_error();
    assert!(
        msg.contains("(id ljungby-kvinnojour): a demo entry's name_sv must begin with 'Demo:'"),
        "{msg}"
    );
}

#[test]
fn a_demo_organization_carries_the_mark_in_its_role_and_has_only_demo_services() {
    let msg = Fixture::new()
        .edit(1, "Demopost – påhittad. Stöd", "Stöd")
        .one_error();
    assert!(
        msg.contains(
            "(id jour-ljungby): a demo organization's role_sv must begin with the demo mark"
        ),
        "{msg}"
    );
    // A service of a demo organization marked as a real entry.
    let e = Fixture::new()
        .edit(
            2,
            ",,,yes,,demo,yes,skyddat",
            ",,,yes,2026-12-01,Kvinnojouren,no,skyddat",
        )
        .edit(
            2,
            "Demo: kvinnojour för Ljungby,,Demopost.",
            "Kvinnojour Ljungby,,Stöd.",
        )
        .errors();
    assert!(
        e.iter().any(|e| e
            .problem
            .contains("is a demo organization: its services are demo entries")),
        "{e:?}"
    );
}

#[test]
fn a_national_line_is_never_a_demo_entry() {
    let e = Fixture::new()
        .edit(
            2,
            "county:07,women,protected_housing",
            "SE,women,protected_housing",
        )
        .errors();
    assert!(
        e.iter()
            .any(|e| e.id.as_deref() == Some("ljungby-kvinnojour")
                && e.problem
                    .starts_with("a national line is never a demo entry")),
        "{e:?}"
    );
}

#[test]
fn an_unverified_line_says_what_to_check_has_no_date_and_no_phone() {
    // Accepted: no verified_on, what must be checked, web only.
    let ok = Fixture::new().edit(
        2,
        "no,2026-11-22,kvinnofridslinjen.se,no,jour",
        "no,,unverified: number and hours on kvinnofridslinjen.se,no,jour",
    );
    let e = ok
        .edit(
            2,
            "sv;en,24/7,https://kvinnofridslinjen.se",
            "sv;en,,https://kvinnofridslinjen.se",
        )
        .edit(3, "kvinnofridslinjen,020-50 50 50,voice,,,\n", "")
        .parse()
        .err()
        .unwrap_or_default();
    assert!(
        e.iter()
            .all(|e| e.id.as_deref() != Some("kvinnofridslinjen")),
        "{e:?}"
    );
    // A phone on an unverified entry is refused.
    let e = Fixture::new()
        .edit(
            2,
            "no,2026-11-22,kvinnofridslinjen.se,no,jour",
            "no,,unverified: number and hours on kvinnofridslinjen.se,no,jour",
        )
        .errors();
    assert!(
        e.iter().any(|e| e.file == PHONE_FILE
            && e.problem.contains(
                "is unverified (number and hours on kvinnofridslinjen.se): it has no phone"
            )),
        "{e:?}"
    );
    // Unverified with a date, or without saying what to check.
    let e = Fixture::new()
        .edit(
            2,
            "no,2026-11-22,kvinnofridslinjen.se,no,jour",
            "no,2026-11-22,unverified:,no,jour",
        )
        .errors();
    assert!(
        e.iter().any(|e| e
            .problem
            .starts_with("an unverified entry cannot have verified_on")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|e| e
            .problem
            .starts_with("source 'unverified:' must say what must be checked")),
        "{e:?}"
    );
    // Neither verified nor unverified: a national line needs its source.
    let e = Fixture::new()
        .edit(
            2,
            "no,2026-11-22,kvinnofridslinjen.se,no,jour",
            "no,,,no,jour",
        )
        .errors();
    assert!(
        e.iter()
            .any(|e| e.problem.starts_with("a non-demo entry needs verified_on")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|e| e.problem.starts_with("a non-demo entry needs a source")),
        "{e:?}"
    );
}

#[test]
fn unverified_notes_are_read_from_the_source() {
    assert_eq!(
        unverified_note("unverified: hours on x.se"),
        Some("hours on x.se")
    );
    assert_eq!(unverified_note("Unverified - hours"), Some("- hours"));
    assert_eq!(unverified_note("unverified:"), Some(""));
    assert_eq!(
        unverified_note("Kvinnofridslinjen, https://kvinnofridslinjen.se"),
        None
    );
    assert_eq!(unverified_note("demo"), None);
}

#[test]
fn every_national_line_has_a_source_or_says_it_is_unverified() {
    let dir = embedded();
    for id in [
        "valj-att-sluta",
        "terrafem",
        "nationella-stodtelefonen-heder",
        "rfsl-stodmottagning",
        "bris-vuxentelefon",
        "jourhavande-prast",
        "skatteverket-skyddade-personuppgifter",
        "mind-sjalvmordslinjen",
    ] {
        let s = dir.services.iter().find(|s| s.id == id).expect(id);
        assert!(s.is_national() && !s.demo, "{id}");
        assert!(s.verified() || s.unverified().is_some(), "{id}");
    }
    // Kvinnofridslinjen offers an interpreter itself (one fact in one place).
    let k = dir
        .services
        .iter()
        .find(|s| s.id == "kvinnofridslinjen")
        .unwrap();
    assert!(k.needs.contains(&Need::Interpretation) && k.languages == ["sv", "en"]);
}

#[test]
fn embedded_confidential_services_have_no_address_or_coordinates() {
    let dir = embedded();
    let mut shelters = 0;
    for s in dir.services.iter().filter(|s| s.confidential_address) {
        shelters += 1;
        if let Some(loc) = &s.location {
            assert!(
                loc.address.is_none() && loc.lat.is_none() && loc.lon.is_none(),
                "{} stores a location",
                s.id
            );
        }
    }
    assert!(shelters >= 8, "only {shelters} confidential services");
}

#[test]
fn embedded_kvinnofridslinjen_is_national_and_round_the_clock() {
    let dir = embedded();
    let kfl = dir
        .services
        .iter()
        .find(|s| s.id == "kvinnofridslinjen")
        .expect("kvinnofridslinjen");
    assert!(kfl.is_national() && kfl.verified());
    assert_eq!(kfl.hours, "24/7");
    assert!(kfl
        .phones
        .iter()
        .any(|p| p.number == "020-50 50 50" && p.kind == PhoneKind::Voice));
    let sos = dir
        .services
        .iter()
        .find(|s| s.id == "sos-alarm-112")
        .expect("112");
    assert!(sos.is_national() && sos.verified() && sos.phones[0].number == "112");
}

#[test]
fn embedded_content_reads_the_same_from_disk() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let from_disk = load_directory_dir(&dir).unwrap_or_else(|e| panic!("{}", format_errors(&e)));
    assert_eq!(from_disk, embedded());
}
