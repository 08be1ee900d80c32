//! `fyr help-card [LANG]`: the card to show the person in front of you, or
//! the languages it exists in.

use crate::{print_json, CmdResult, Ctx};
use clap::Args;
use fyr_core::helpcard::TextDirection;
use fyr_core::vocab::Lang;

#[derive(Args)]
pub struct HelpCardArgs {
    /// The card's language id (sv, en, ar, so, ti, prs, fa, uk); without it,
    /// the languages there are. (Not named `lang`: that is the global
    /// `--lang`, the language of Fyr's own texts.)
    #[arg(value_name = "LANG")]
    card_lang: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
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
            println!("{:<4} {} ({}){rtl}{mark}", l.lang, l.name, l.label);
        }
        return Ok(());
    };
    let card = fyr.help_card(&lang)?;
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
