//! `fyr checklists`, `checklist`, `screen`, `screenings`, `outbox`, `settings`, and the CLI's key.

use crate::{print_json, CmdResult, Ctx, Failure};
use clap::{Args, Subcommand};
use fyr_core::checklist::Override;
use fyr_core::vocab::Lang;
use std::path::PathBuf;

use crate::interactive::interactive;

#[derive(Args)]
pub struct ChecklistArgs {
    id: String,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ScreenArgs {
    /// The checklist id (see `fyr checklists`).
    id: String,
    /// Answers from a JSON file instead of asking interactively.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// The municipality whose services are referred to (default: the device's home municipality).
    #[arg(long, value_name = "NAME|CODE")]
    kommun: Option<String>,
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Resume a screening kept from an earlier run.
    #[arg(long, value_name = "SESSION_ID")]
    resume: Option<String>,
    /// Samråd: the agency kind contact was taken with (e.g. social_services),
    /// sent anonymously with the statistic; no free text (see `fyr vocab`).
    #[arg(long, value_name = "AGENCY_KIND")]
    contact_taken: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ScreeningsArgs {
    #[command(subcommand)]
    cmd: Option<ScreeningsCmd>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum ScreeningsCmd {
    /// Show one screening (decrypted).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Discard a screening.
    Discard { id: String },
    /// Delete completed screenings older than the retention period.
    Purge,
    /// Start over with a new key when screenings are locked (key file lost,
    /// wrong FYR_KEY): the old sealed screenings are kept aside, unreadable,
    /// and purged after the retention period. With FYR_KEY set, that key is
    /// the new one; otherwise a new key file is written (an old one is kept
    /// as key.old-TIME).
    ResetKey,
}

#[derive(Args)]
pub struct SettingsArgs {
    /// Home municipality (name or code).
    #[arg(long, value_name = "NAME|CODE")]
    kommun: Option<String>,
    /// Your agency kind (see `fyr vocab`), used in anonymous statistics.
    #[arg(long, value_name = "KIND")]
    agency_kind: Option<String>,
    /// Days completed screenings are kept.
    #[arg(long, value_name = "DAYS")]
    retention_days: Option<u32>,
    #[arg(long)]
    json: bool,
}

pub fn checklists(ctx: &Ctx, json: bool) -> CmdResult {
    let fyr = ctx.open()?;
    let list = fyr.checklists()?;
    if json {
        return print_json(&list);
    }
    for c in list {
        let title = if ctx.lang == Lang::Sv {
            &c.title_sv
        } else {
            &c.title_en
        };
        let ex = if c.example {
            if ctx.lang == Lang::Sv {
                "  [exempel]"
            } else {
                "  [example]"
            }
        } else {
            ""
        };
        println!("{:<14} v{:<3} {:<12} {title}{ex}", c.id, c.version, c.kind);
    }
    Ok(())
}

pub fn checklist(ctx: &Ctx, a: ChecklistArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let c = fyr.checklist(&a.id)?;
    if a.json {
        // The whole definition, with `items` flattened in order for tools.
        let mut v = serde_json::to_value(&c).map_err(|e| Failure::failed(e.to_string()))?;
        let items: Vec<serde_json::Value> = c
            .items()
            .map(|i| {
                serde_json::json!({
                    "id": i.id,
                    "text": i.text,
                    "help": i.help,
                    "type": i.answer_type.id(),
                    "choices": i.choices,
                    "weight": i.weight,
                    "red_flag": i.red_flag,
                    "red_flag_text": i.red_flag_text,
                    "key": c.is_key(&i.id),
                    "show_if": i.show_if,
                    "leads_to": i.leads_to,
                })
            })
            .collect();
        v["items"] = serde_json::Value::Array(items);
        return print_json(&v);
    }
    let l = ctx.lang;
    println!("{} (v{}, {})", c.title.get(l), c.version, c.kind.id());
    if let Some(n) = c.notice_text() {
        println!("{}", n.get(l));
    }
    println!();
    println!(
        "levels: {}",
        c.levels
            .iter()
            .map(|x| if x.acute {
                format!("{} [acute]", x.id)
            } else {
                x.id.clone()
            })
            .collect::<Vec<_>>()
            .join(" < ")
    );
    for sec in &c.sections {
        println!("\n## {}", sec.title.get(l));
        for i in &sec.items {
            let flag = i
                .red_flag
                .as_deref()
                .map(|f| format!(" [red flag → {f}]"))
                .unwrap_or_default();
            let cond = i
                .show_if
                .as_ref()
                .map(|s| format!(" (if {})", s.item))
                .unwrap_or_default();
            let key = if c.is_key(&i.id) { " [key]" } else { "" };
            println!(
                "- {}: {}  ({}, weight {}){key}{flag}{cond}",
                i.id,
                i.text.get(l),
                i.answer_type.id(),
                i.weight
            );
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersFile {
    #[serde(default)]
    answers: serde_json::Map<String, serde_json::Value>,
    #[serde(default, rename = "override")]
    override_: Option<OverrideIn>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideIn {
    level: String,
    #[serde(default)]
    reason: String,
}

pub fn screen(ctx: &Ctx, a: ScreenArgs) -> CmdResult {
    let at = crate::directory::parse_at(a.at.as_deref())?;
    let now = at.unwrap_or_else(chrono::Utc::now);
    // Read and check the answers file before anything is stored.
    let file = match &a.answers {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                Failure::usage(format!("cannot read answers file {}: {e}", p.display()))
            })?;
            let f: AnswersFile = serde_json::from_str(&text)
                .map_err(|e| Failure::usage(format!("bad answers file {}: {e}", p.display())))?;
            Some(f)
        }
        None => None,
    };
    let fyr = ctx.open()?;
    let checklist = fyr.checklist(&a.id)?;
    // Every answer checked (item ids, answer types) before anything is stored.
    let parsed = match &file {
        Some(f) => Some(
            fyr_core::checklist::parse_answers_json(
                &checklist,
                &serde_json::json!({ "answers": f.answers }),
            )
            .map_err(|errs| Failure::usage(errs.join("; ")))?,
        ),
        None => None,
    };
    if let Some(f) = &file {
        if let Some(o) = &f.override_ {
            if o.reason.trim().is_empty() {
                return Err(Failure::usage(format!(
                    "the override to level '{}' needs a reason",
                    o.level
                )));
            }
            if checklist.level_index(&o.level).is_none() {
                return Err(Failure::usage(format!(
                    "unknown level '{}' in the override",
                    o.level
                )));
            }
        }
    }
    let view = match &a.resume {
        Some(id) => fyr.screening(id)?,
        None => fyr.start_screening(&a.id, a.kommun.as_deref(), now)?,
    };
    let sid = view.session_id.clone();
    let (ov, note) = match file {
        Some(f) => {
            let answers = parsed.unwrap_or_default();
            // Only the items these answers leave shown are answered, in order
            // (as the engine does: hiding an item drops its answer).
            let shown = fyr_core::checklist::visibility(&checklist, &answers);
            for id in answers
                .keys()
                .filter(|id| !shown.iter().any(|(i, _)| &i.id == *id))
            {
                eprintln!(
                    "fyr: answer to '{id}' ignored: the item is not shown given the other answers"
                );
            }
            for (item, answer) in shown {
                if let Some(a) = answer {
                    if let Err(e) = fyr.answer(&sid, &item.id, a.clone(), now) {
                        let _ = fyr.discard_screening(&sid);
                        return Err(e.into());
                    }
                }
            }
            (
                f.override_.map(|o| Override {
                    level: o.level,
                    reason: o.reason,
                }),
                f.note,
            )
        }
        None => match interactive(&fyr, &sid, ctx.lang, now)? {
            Some(v) => v,
            None => return Ok(()),
        },
    };
    let from_file = a.answers.is_some();
    let contact = match a.contact_taken.as_deref() {
        None => None,
        Some(k) => Some(fyr_core::vocab::AgencyKind::parse(k).ok_or_else(|| {
            Failure::usage(format!(
                "unknown agency kind '{k}' in --contact-taken (see `fyr vocab`)"
            ))
        })?),
    };
    let out = match fyr.complete_screening_with_contact(&sid, ov, note, contact, now) {
        Ok(out) => out,
        Err(e) => {
            // An answers file that cannot complete (an override the result
            // does not allow) leaves nothing behind, like any other bad input.
            if from_file {
                let _ = fyr.discard_screening(&sid);
            }
            return Err(e.into());
        }
    };
    if a.json {
        return print_json(&out);
    }
    print_outcome(&out, ctx.lang);
    Ok(())
}

fn print_outcome(o: &fyr_core::screening::ScreeningOutcome, lang: Lang) {
    let sv = lang == Lang::Sv;
    println!();
    let floor = !o.not_assessed && !o.missing_key.is_empty();
    println!(
        "{}: {}{} ({})",
        if sv { "Nivå" } else { "Level" },
        match (floor, sv) {
            (true, true) => "minst ",
            (true, false) => "at least ",
            _ => "",
        },
        o.level_label,
        o.level
    );
    if !o.missing_key.is_empty() {
        println!(
            "{}:",
            if sv {
                "Nyckelfrågor utan svar"
            } else {
                "Key questions unanswered"
            }
        );
        for m in &o.missing_key {
            println!("  - {}", m.text);
        }
    }
    if !o.red_flags.is_empty() {
        println!("{}:", if sv { "Varningsflaggor" } else { "Red flags" });
        for r in &o.red_flags {
            println!("  - {}", r.text);
        }
    }
    if o.unanswered > 0 {
        println!(
            "{}",
            if sv {
                format!(
                    "OBS: {} frågor obesvarade – bedömningen är ofullständig",
                    o.unanswered
                )
            } else {
                format!(
                    "Note: {} questions unanswered – the assessment is incomplete",
                    o.unanswered
                )
            }
        );
    }
    if o.override_used {
        println!(
            "{}",
            if sv {
                "Nivån höjd efter professionell bedömning."
            } else {
                "Level raised by professional judgement."
            }
        );
    }
    println!("\n{}:", if sv { "Åtgärder" } else { "Actions" });
    for a in &o.actions {
        println!("  - {a}");
    }
    println!("\n{}:\n", if sv { "Hänvisa till" } else { "Refer to" });
    for h in &o.referrals {
        crate::directory::print_hit(h, lang);
    }
    if !o.consultation.is_empty() {
        println!(
            "\n{}:\n",
            if sv {
                "Konsultation för dig (yrkesverksam) – ersätter aldrig en orosanmälan"
            } else {
                "Consultation for you (the professional) – never instead of a concern report"
            }
        );
        for h in &o.consultation {
            crate::directory::print_hit(h, lang);
        }
    }
    if let Some(c) = &o.confidentiality {
        println!();
        crate::guides::print_card(c);
    }
    if !o.leads_to.is_empty() {
        println!(
            "{}: {}",
            if sv { "Fortsätt med" } else { "Continue with" },
            o.leads_to.join(", ")
        );
    }
    println!("session: {}", o.session_id);
}

pub fn screenings(ctx: &Ctx, a: ScreeningsArgs) -> CmdResult {
    let fyr = ctx.open()?;
    match a.cmd {
        None => {
            let list = fyr.screenings()?;
            let unreadable = fyr.unreadable_screenings()?;
            if a.json {
                return print_json(&list);
            }
            let days = fyr.settings()?.retention_days as i64;
            for u in unreadable {
                println!(
                    "{}  unreadable (set aside {} after a key reset; purged after {})",
                    u.session_id,
                    u.set_aside_at.format("%Y-%m-%d"),
                    (u.set_aside_at + chrono::Duration::days(days)).format("%Y-%m-%d")
                );
            }
            for s in list {
                let state = match (&s.completed_at, &s.level) {
                    (Some(_), Some(l)) => format!("completed, level {l}"),
                    _ => format!("in progress, {} answered", s.answered),
                };
                println!(
                    "{}  {} v{}  started {}  {state}",
                    s.session_id,
                    s.checklist,
                    s.version,
                    s.started_at.format("%Y-%m-%d %H:%M")
                );
            }
            Ok(())
        }
        Some(ScreeningsCmd::Show { id, json }) => {
            let s = fyr.screening_details(&id)?;
            if json || a.json {
                return print_json(&s);
            }
            println!("{} {} v{}", s.id, s.checklist_id, s.checklist_version);
            for (k, v) in &s.answers {
                println!("  {k}: {}", v.as_text());
            }
            if let Some(r) = &s.result {
                println!("level: {} (score {})", r.level, r.score);
                if !r.missing_key.is_empty() {
                    println!("key questions unanswered: {}", r.missing_key.join(", "));
                }
            }
            if let Some(n) = &s.note {
                println!("note: {n}");
            }
            Ok(())
        }
        Some(ScreeningsCmd::Discard { id }) => {
            fyr.discard_screening(&id)?;
            println!("discarded {id}");
            Ok(())
        }
        Some(ScreeningsCmd::ResetKey) => {
            let Some(lock) = fyr.screening_lock()? else {
                return Err(Failure::failed(
                    "the key opens this device's screenings: nothing to reset",
                ));
            };
            let key = match std::env::var("FYR_KEY") {
                Ok(_) => crate::key::given_key(&ctx.data_dir)
                    .ok()
                    .flatten()
                    .ok_or_else(|| Failure::usage("FYR_KEY is not a key (64 hex digits)"))?,
                Err(_) => crate::key::write_new_key(&ctx.data_dir)?,
            };
            let n = fyr.reset_screening_key(key, chrono::Utc::now())?;
            let days = fyr.settings()?.retention_days;
            println!(
                "new screening key in use ({}); {n} sealed screening(s) set aside as unreadable, purged after {days} days",
                lock.reason.id()
            );
            Ok(())
        }
        Some(ScreeningsCmd::Purge) => {
            let n = fyr.purge_screenings(chrono::Utc::now())?;
            println!("purged {n}");
            Ok(())
        }
    }
}

pub fn outbox(ctx: &Ctx, json: bool) -> CmdResult {
    let fyr = ctx.open()?;
    let entries = fyr.outbox()?;
    if json {
        return print_json(&entries);
    }
    if entries.is_empty() {
        println!(
            "{}",
            if ctx.lang == fyr_core::vocab::Lang::Sv {
                "Utkorgen är tom."
            } else {
                "The outbox is empty."
            }
        );
    }
    for e in entries {
        let q = e
            .quarantined
            .map(|r| format!("  [set aside: {r}]"))
            .unwrap_or_default();
        println!(
            "{} {} {}{q}",
            e.event.event_id, e.event.kind, e.event.payload
        );
    }
    Ok(())
}
pub fn settings(ctx: &Ctx, a: SettingsArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let mut s = fyr.settings()?;
    if let Some(k) = &a.kommun {
        s.home_municipality = Some(fyr.municipality(k)?.code);
    }
    if let Some(k) = &a.agency_kind {
        s.agency_kind = Some(fyr_core::vocab::AgencyKind::parse(k).ok_or_else(|| {
            Failure::usage(format!("unknown agency kind '{k}' (see `fyr vocab`)"))
        })?);
    }
    if let Some(d) = a.retention_days {
        s.retention_days = d;
    }
    s.lang = ctx.lang;
    fyr.set_settings(&s)?;
    if a.json {
        return print_json(&s);
    }
    println!(
        "home municipality: {}",
        s.home_municipality.as_deref().unwrap_or("-")
    );
    println!(
        "agency kind: {}",
        s.agency_kind.map(|k| k.id()).unwrap_or("-")
    );
    println!("retention: {} days", s.retention_days);
    Ok(())
}
