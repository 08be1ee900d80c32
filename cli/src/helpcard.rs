//! `fyr help-card [LANG]`: the card to show the person in front of you, or
//! the languages it exists in.

use crate::{print_json, CmdResult, Ctx};
use clap::Args;
use fyr_core::helpcard::{Audience, TextDirection};
use fyr_core::vocab::Lang;

#[derive(Args)]
pub struct HelpCardArgs {
    /// The card's language id (sv, en, ar, so, ti, prs, fa, uk); without it,
    /// the languages there are. (Not named `lang`: that is the global
    /// `--lang`, the language of Fyr's own texts.)
    #[arg(value_name = "LANG")]
    card_lang: Option<String>,
    /// Whom the card is for: women (the default), children, men,
    /// people_who_use_violence.
    #[arg(long = "for", value_name = "AUDIENCE", default_value = "women", value_parser = parse_audience)]
    audience: Audience,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn parse_audience(s: &str) -> Result<Audience, String> {
    Audience::parse(s).ok_or_else(|| {
        format!("unknown audience '{s}' (women, children, men, people_who_use_violence)")
    })
}

pub fn help_card(ctx: &Ctx, a: HelpCardArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let sv = ctx.lang == Lang::Sv;
    let Some(lang) = a.card_lang else {
        let langs = fyr.help_card_languages()?;
        if a.json {
            return print_json(&langs);
        }
        for l in &langs {
            let rtl = if l.direction == TextDirection::Rtl {
                if sv {
                    " · skrivs från höger till vänster"
                } else {
                    " · right to left"
                }
            } else {
                ""
            };
            let mark = match (l.reviewed, sv) {
                (true, _) => "",
                (false, true) => " · ej granskad",
                (false, false) => " · not reviewed",
            };
            let others: Vec<&str> = l
                .audiences
                .iter()
                .map(String::as_str)
                .filter(|a| *a != "women")
                .collect();
            let also = if others.is_empty() {
                String::new()
            } else if sv {
                format!(" · även --for {}", others.join(", "))
            } else {
                format!(" · also --for {}", others.join(", "))
            };
            println!("{:<4} {} ({}){rtl}{mark}{also}", l.lang, l.name, l.label);
        }
        return Ok(());
    };
    let card = fyr.help_card_for(&lang, a.audience)?;
    if a.json {
        return print_json(&card);
    }
    if let Some(n) = &card.not_reviewed_notice {
        println!("[{n}]\n");
    }
    // Terminals lay out right-to-left text themselves (or not at all); the
    // apps set the direction from `direction`.
    println!("{}\n", card.title);
    for p in &card.points {
        println!("{p}\n");
    }
    for n in &card.numbers {
        println!("{}  {}", n.number, n.label);
    }
    Ok(())
}
