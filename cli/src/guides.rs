//! `fyr confidentiality [KIND] [--service ID]`: what a member of staff may
//! share, with whom and when, per agency kind (the core's cards, marked for
//! the region's legal review).

use crate::{print_json, CmdResult, Ctx, Failure};
use clap::Args;
use fyr_core::guides::ConfidentialityView;
use fyr_core::vocab::{AgencyKind, Lang};

#[derive(Args)]
pub struct ConfidentialityArgs {
    /// The agency kind (healthcare, school_health, social_services, police,
    /// church …; see `fyr vocab`). Default: this device's agency kind.
    #[arg(value_name = "AGENCY_KIND")]
    kind: Option<String>,
    /// The card for this service's agency kind (from its page).
    #[arg(long, value_name = "SERVICE_ID", conflicts_with = "kind")]
    service: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn confidentiality(ctx: &Ctx, a: ConfidentialityArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let sv = ctx.lang == Lang::Sv;
    let card = match (&a.service, &a.kind) {
        (Some(id), _) => fyr.service_confidentiality(id)?,
        (None, Some(k)) => {
            let kind = AgencyKind::parse(k).ok_or_else(|| {
                Failure::usage(format!("unknown agency kind '{k}' (see `fyr vocab`)"))
            })?;
            fyr.confidentiality(kind)?
        }
        (None, None) => match fyr.settings()?.agency_kind {
            Some(k) => fyr.confidentiality(k)?,
            None => {
                return Err(Failure::usage(if sv {
                    "ange en aktörstyp (t.ex. healthcare) eller ställ in enhetens med `fyr settings`".to_string()
                } else {
                    "give an agency kind (e.g. healthcare) or set the device's with `fyr settings`"
                        .to_string()
                }))
            }
        },
    };
    if a.json {
        return print_json(&card);
    }
    match card {
        Some(c) => print_card(&c),
        None => println!(
            "{}",
            if sv {
                "Inget sekretesskort för den aktörstypen – följ din verksamhets rutin."
            } else {
                "No confidentiality card for that agency kind – follow your organization's routine."
            }
        ),
    }
    Ok(())
}

/// Prints a card (also after a screening's result).
pub fn print_card(c: &ConfidentialityView) {
    println!("{} ({})", c.title, c.agency_label);
    if let Some(n) = &c.legal_review_note {
        println!("[{n}]");
    }
    for p in &c.points {
        println!("  - {p}");
    }
}
