//! `fyr screen` without an answers file: one item at a time at the terminal
//! (answer, back, skip, quit to resume later), then the override and note.

use crate::Failure;
use fyr_core::checklist::Override;
use fyr_core::vocab::Lang;

fn read_line() -> Option<String> {
    let mut s = String::new();
    match std::io::stdin().read_line(&mut s) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(s.trim().to_string()),
    }
}

/// What completing a screening takes: an optional override and note.
type Completion = (Option<Override>, Option<String>);

/// One item at a time: an answer, `b` (back), `s` (skip = unknown), `q`
/// (quit; the session is kept to resume). Returns None when the user quit.
pub(crate) fn interactive(
    fyr: &fyr_core::Fyr,
    sid: &str,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Completion>, Failure> {
    use std::io::Write;
    let sv = lang == Lang::Sv;
    let mut view = fyr.screening(sid)?;
    println!("{} (v{})", view.title, view.version);
    if let Some(n) = &view.notice {
        println!("{n}");
    }
    println!(
        "{}",
        if sv {
            "Svara, eller: b = bakåt, s = hoppa över (vet ej), q = avbryt och spara"
        } else {
            "Answer, or: b = back, s = skip (unknown), q = quit and keep"
        }
    );
    while let Some(item) = view.next_item.clone() {
        let key = match (item.key, sv) {
            (true, true) => "  [nyckelfråga]",
            (true, false) => "  [key question]",
            _ => "",
        };
        println!("\n[{}] {}{key}", view.counter, item.text);
        if let Some(h) = &item.help {
            println!("  ({h})");
        }
        for (i, c) in item.choices.iter().enumerate() {
            println!("  {}. {}", i + 1, c.label);
        }
        print!(
            "{} > ",
            fyr_core::screening::answer_type_hint(&item.answer_type, lang)
        );
        std::io::stdout().flush().ok();
        let kept = || {
            println!(
                "\n{}: fyr screen {} --resume {sid}",
                if sv {
                    "Sparad. Fortsätt med"
                } else {
                    "Kept. Resume with"
                },
                view.checklist
            )
        };
        let Some(line) = read_line() else {
            kept();
            return Ok(None);
        };
        match line.as_str() {
            "q" | "quit" => {
                kept();
                return Ok(None);
            }
            "b" | "back" => view = fyr.back(sid)?,
            "s" | "skip" => {
                view = fyr.answer(sid, &item.id, fyr_core::checklist::Answer::Unknown, now)?
            }
            _ => match fyr.answer_text(sid, &item.id, &line, now) {
                Ok(v) => view = v,
                Err(e) => println!("  {e}"),
            },
        }
    }
    let options = fyr.override_levels(sid)?;
    let higher: Vec<&str> = options.iter().map(|l| l.id.as_str()).collect();
    if higher.is_empty() {
        return Ok(Some((None, None)));
    }
    let preview = fyr.preview(sid)?;
    if preview.not_assessed {
        println!(
            "\n{}",
            if sv {
                "Bedömning ej möjlig – nyckelfrågor saknar svar."
            } else {
                "Not assessed – key questions are unanswered."
            }
        );
    }
    for l in &options {
        println!(
            "  {:<12} {}",
            l.id,
            if sv { &l.label_sv } else { &l.label_en }
        );
    }
    loop {
        print!(
            "{} ({}) > ",
            if sv {
                "Höj nivån efter professionell bedömning? Ange nivå, eller tomt för nej"
            } else {
                "Raise the level by professional judgement? Enter a level, or empty for no"
            },
            higher.join(" / ")
        );
        std::io::stdout().flush().ok();
        let Some(level) = read_line().filter(|l| !l.is_empty()) else {
            return Ok(Some((None, None)));
        };
        if !higher.contains(&level.as_str()) {
            println!(
                "  {}: {}",
                if sv { "välj en av" } else { "choose one of" },
                higher.join(", ")
            );
            continue;
        }
        print!(
            "{} > ",
            if sv {
                "Skäl (krävs)"
            } else {
                "Reason (required)"
            }
        );
        std::io::stdout().flush().ok();
        let reason = read_line().unwrap_or_default();
        if reason.trim().is_empty() {
            println!(
                "  {}",
                if sv {
                    "ett skäl krävs"
                } else {
                    "a reason is required"
                }
            );
            continue;
        }
        return Ok(Some((Some(Override { level, reason }), None)));
    }
}
