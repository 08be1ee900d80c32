//! One content CSV file, parsed and validated as `fyr hub publish` does. The
//! first byte picks the file (municipalities, organizations, services,
//! phones); the other three are small fixed files, so each input costs one
//! file's work, not the whole bundle's.
#![no_main]
use fyr_core::content::{self, DirectorySources};
use libfuzzer_sys::fuzz_target;

const MUNICIPALITIES: &str = "code,name,county_code,county_name,lat,lon,localities\n\
0780,Växjö,07,Kronobergs län,56.88,14.81,Braås;Lammhult\n";

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let organizations = format!("{}\n", content::ORGANIZATION_COLUMNS.join(","));
    let services = format!("{}\n", content::SERVICE_COLUMNS.join(","));
    let phones = format!("{}\n", content::PHONE_COLUMNS.join(","));
    let mut src = DirectorySources {
        municipalities: ("municipalities.csv", MUNICIPALITIES),
        organizations: ("organizations.csv", &organizations),
        services: ("services.csv", &services),
        phones: ("phones.csv", &phones),
    };
    match which % 4 {
        0 => src.municipalities.1 = text,
        1 => src.organizations.1 = text,
        2 => src.services.1 = text,
        _ => src.phones.1 = text,
    }
    if let Err(errors) = content::parse_directory(&src) {
        let _ = content::format_errors(&errors);
    }
});
