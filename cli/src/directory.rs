//! `fyr search`, `show`, `municipalities`, `vocab`.

use crate::{print_json, CmdResult, Ctx, Failure};
use chrono::{DateTime, Utc};
use clap::Args;
use fyr_core::search::{unverified_mark, SearchQuery, ServiceHit};
use fyr_core::vocab::{Form, Group, Lang, Need};

#[derive(Args)]
pub struct SearchArgs {
    /// Words to search for (å/ä/ö optional; the last word may be a prefix).
    query: Vec<String>,
    /// Municipality: a name in any spelling, or its SCB code.
    #[arg(long, value_name = "NAME|CODE")]
    kommun: Option<String>,
    /// Target group (see `fyr vocab`); repeat or separate with commas.
    #[arg(long, value_name = "G")]
    group: Vec<String>,
    /// Need (see `fyr vocab`); repeat or separate with commas.
    #[arg(long, value_name = "N")]
    need: Vec<String>,
    /// Violence form (see `fyr vocab`); repeat or separate with commas.
    #[arg(long, value_name = "F")]
    form: Vec<String>,
    /// Language the service can be had in (ISO 639-1, e.g. en, ar).
    #[arg(long, value_name = "LANG")]
    language: Option<String>,
    /// Only what is open (or on call) now.
    #[arg(long)]
    open_now: bool,
    /// The instant for "open now" (RFC3339; default: now).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Distance from this position.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    near: Option<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Search again without a reading of the words (a key printed after
    /// "Tolkat som", e.g. group:men, role:uses_violence, danger); repeatable.
    #[arg(long, value_name = "KEY")]
    without: Vec<String>,
    /// JSON: {"emergency", "understood", "hits"}.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ShowArgs {
    id: String,
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    near: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn parse_at(s: Option<&str>) -> Result<Option<DateTime<Utc>>, Failure> {
    match s {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s.trim())
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| {
                Failure::usage(format!(
                    "bad date '{s}': expected RFC3339, e.g. 2026-11-22T14:30:00+01:00"
                ))
            }),
    }
}

pub fn parse_near(s: Option<&str>) -> Result<Option<(f64, f64)>, Failure> {
    let Some(s) = s else { return Ok(None) };
    let bad = || {
        Failure::usage(format!(
            "bad position '{s}': expected LAT,LON with latitude -90..90 and longitude -180..180"
        ))
    };
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let lat: f64 = a.trim().parse().map_err(|_| bad())?;
    let lon: f64 = b.trim().parse().map_err(|_| bad())?;
    if !(-90.0..=90.0).contains(&lat)
        || !(-180.0..=180.0).contains(&lon)
        || !lat.is_finite()
        || !lon.is_finite()
    {
        return Err(bad());
    }
    Ok(Some((lat, lon)))
}

fn parse_list<T>(
    what: &str,
    values: &[String],
    parse: fn(&str) -> Option<T>,
) -> Result<Vec<T>, Failure> {
    let mut out = Vec::new();
    for v in values.iter().flat_map(|v| v.split(',')) {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        out.push(
            parse(v)
                .ok_or_else(|| Failure::usage(format!("unknown {what} '{v}' (see `fyr vocab`)")))?,
        );
    }
    Ok(out)
}

pub fn search(ctx: &Ctx, a: SearchArgs) -> CmdResult {
    let groups = parse_list("group", &a.group, Group::parse)?;
    let needs = parse_list("need", &a.need, Need::parse)?;
    let forms = parse_list("form", &a.form, Form::parse)?;
    let at = parse_at(a.at.as_deref())?;
    let near = parse_near(a.near.as_deref())?;
    if a.limit == 0 {
        return Err(Failure::usage("bad --limit 0: must be at least 1"));
    }
    if let Some(l) = &a.language {
        if !fyr_core::model::is_language_code(&l.to_ascii_lowercase()) {
            return Err(Failure::usage(format!(
                "bad language '{l}': expected an ISO 639-1 code such as en (or 639-3 for a language without one, such as sma)"
            )));
        }
    }
    let fyr = ctx.open()?;
    let text = a.query.join(" ");
    let q = SearchQuery {
        text: if text.trim().is_empty() {
            None
        } else {
            Some(text)
        },
        municipality: a.kommun,
        groups,
        needs,
        forms,
        language: a.language.map(|l| l.to_ascii_lowercase()),
        agency_kinds: vec![],
        open_now: a.open_now,
        at,
        near,
        limit: a.limit,
        drop: a.without,
        ..Default::default()
    };
    let res = fyr.search_full(&q);
    crate::print_notices(&fyr);
    let res = res?;
    if a.json {
        return print_json(&res);
    }
    let hits = &res.hits;
    // The fixed action above every list, then how the words were read.
    println!("{}", res.emergency.label);
    if !res.understood.is_empty() {
        let keys: Vec<&str> = res
            .understood
            .chips
            .iter()
            .map(|c| c.key.as_str())
            .collect();
        println!("{}", res.understood.summary);
        println!(
            "  ({} --without {})",
            if ctx.lang == Lang::Sv {
                "ta bort en tolkning:"
            } else {
                "remove a reading:"
            },
            keys.join(" | ")
        );
    }
    println!();
    if hits.is_empty() {
        println!(
            "{}",
            if ctx.lang == Lang::Sv {
                "Inga träffar."
            } else {
                "No matches."
            }
        );
    }
    for h in hits {
        print_hit(h, ctx.lang);
    }
    Ok(())
}

pub fn print_hit(h: &ServiceHit, lang: Lang) {
    let mark = unverified_mark(h, lang)
        .map(|m| format!("  [{m}]"))
        .unwrap_or_default();
    println!("{}{mark}", h.name);
    let area = &h.area;
    // "ca 57 km" when measured to the municipality's centre (the core's wording).
    let dist = h
        .distance_km
        .and_then(|d| fyr_core::present::distance_text(d, h.distance_approximate, lang))
        .map(|d| format!(" · {d}"))
        .unwrap_or_default();
    println!(
        "  {} · {} · {area}{dist}",
        h.organization,
        h.agency_kind.label(lang)
    );
    println!("  {}", h.open_text);
    for p in &h.phones {
        let kind = match (p.kind, lang) {
            (fyr_core::model::PhoneKind::Voice, Lang::Sv) => "ring",
            (fyr_core::model::PhoneKind::Voice, Lang::En) => "call",
            (fyr_core::model::PhoneKind::Sms, _) => "sms",
            (fyr_core::model::PhoneKind::Chat, _) => "chat",
        };
        let label = p
            .label
            .as_deref()
            .map(|l| format!(" – {l}"))
            .unwrap_or_default();
        let closed = match (p.open_now, lang) {
            (Some(false), Lang::Sv) => " (stängt nu)",
            (Some(false), Lang::En) => " (closed now)",
            _ => "",
        };
        // A demo number is never offered as a call (the core's wording).
        let (kind, closed) = if fyr_core::content::is_fiction_number(&p.number) {
            ("demo", "")
        } else {
            (kind, closed)
        };
        let number = fyr_core::present::phone_text(&p.number, lang);
        println!("  {kind}: {number}{label}{closed}");
    }
    if let Some(w) = &h.web {
        println!("  web: {w}");
    }
    println!("  id: {}", h.id);
    println!();
}

pub fn show(ctx: &Ctx, a: ShowArgs) -> CmdResult {
    let at = parse_at(a.at.as_deref())?;
    let near = parse_near(a.near.as_deref())?;
    let fyr = ctx.open()?;
    let d = fyr.show(&a.id, at, near);
    crate::print_notices(&fyr);
    let d = d?;
    if a.json {
        return print_json(&d);
    }
    let sv = ctx.lang == Lang::Sv;
    print_hit(&d.hit, ctx.lang);
    println!("{}", d.description);
    println!();
    println!("{}: {}", if sv { "Område" } else { "Area" }, d.hit.area);
    println!("{}:", if sv { "Öppettider" } else { "Hours" });
    for l in &d.schedule {
        println!("  {l}");
    }
    if let Some(addr) = &d.address {
        println!("{}: {addr}", if sv { "Besöksadress" } else { "Address" });
    }
    if d.confidential_address {
        println!(
            "{}",
            if sv {
                "Adressen är skyddad."
            } else {
                "The address is confidential."
            }
        );
    }
    if let Some(e) = &d.email {
        println!("e-post: {e}");
    }
    println!();
    println!(
        "{} ({}):",
        if sv {
            "Aktörens roll"
        } else {
            "The party's role"
        },
        d.agency_kind_label
    );
    println!("  {}", d.role);
    // The party's confidentiality card is one command away.
    if fyr.confidentiality(d.hit.agency_kind)?.is_some() {
        println!(
            "  {}: fyr confidentiality --service {}",
            if sv { "Sekretess" } else { "Confidentiality" },
            d.hit.id
        );
    }
    println!();
    let verified = match d.verified_on {
        Some(v) => v.to_string(),
        None => if sv { "ej verifierad" } else { "not verified" }.to_string(),
    };
    println!(
        "{}: {verified} · {}: {}",
        if sv { "Verifierad" } else { "Verified" },
        if sv { "källa" } else { "source" },
        d.source
    );
    Ok(())
}

pub fn municipalities(ctx: &Ctx, json: bool) -> CmdResult {
    let fyr = ctx.open()?;
    let m = fyr.municipalities();
    if json {
        return print_json(&m);
    }
    for m in m {
        println!(
            "{}  {:<12} {} ({})",
            m.code, m.name, m.county_name, m.county_code
        );
    }
    Ok(())
}

pub fn vocab(ctx: &Ctx, json: bool) -> CmdResult {
    let v = fyr_core::Fyr::vocabulary();
    if json {
        return print_json(&v);
    }
    let pick = |e: &fyr_core::vocab::VocabEntry| if ctx.lang == Lang::Sv { e.sv } else { e.en };
    for (title, list) in [
        ("groups", &v.groups),
        ("needs", &v.needs),
        ("forms", &v.forms),
        ("agency kinds", &v.agency_kinds),
    ] {
        println!("{title}:");
        for e in list {
            println!("  {:<26} {}", e.id, pick(e));
        }
    }
    Ok(())
}
