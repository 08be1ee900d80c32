//! The checks of a checklist's levels (`validate`): ids, texts, outcomes
//! and referrals, the acute levels at the top of the scale (112 first, a
//! line that always answers), and the honour warning beside a concern report.

use super::*;

/// Checks the levels into `r`; the level ids, for the checks that name them.
pub(super) fn check<'c>(c: &'c Checklist, r: &mut Report) -> HashSet<&'c str> {
    let level_ids: HashSet<&str> = c.levels.iter().map(|l| l.id.as_str()).collect();
    if c.levels.is_empty() {
        r.general("no levels: at least one level is needed");
    }
    let mut seen = HashSet::new();
    for level in &c.levels {
        let name = &level.id;
        if !valid_id(name) {
            r.general(format!(
                "level '{name}': id must be lowercase letters, digits, '_' or '-'"
            ));
        }
        if !seen.insert(name.as_str()) {
            r.general(format!("level '{name}': duplicate level id"));
        }
        if RESERVED_LEVELS.contains(&name.as_str()) {
            r.general(format!(
                "level '{name}': the id is reserved for a result that could not be assessed"
            ));
        }
        if missing_sv(&level.label) {
            r.general(format!(
                "level '{name}': label: Swedish text (sv) is missing"
            ));
        }
        for (i, a) in level.actions.iter().enumerate() {
            if missing_sv(a) {
                r.general(format!(
                    "level '{name}': action {}: Swedish text (sv) is missing",
                    i + 1
                ));
            }
        }
        if level.actions.is_empty() && level.referrals.is_empty() {
            r.general(format!(
                "level '{name}': has no outcome (neither actions nor referrals)"
            ));
        }
        for (i, q) in level.referrals.iter().enumerate() {
            if q.needs.is_empty() && q.groups.is_empty() && q.forms.is_empty() {
                r.general(format!(
                    "level '{name}': referral {} is empty (no needs, groups or forms)",
                    i + 1
                ));
            }
        }
        if let Some(target) = &level.leads_to {
            if target == &c.id {
                r.general(format!(
                    "level '{name}': leads_to points to the checklist itself"
                ));
            } else if !valid_id(target) {
                r.general(format!(
                    "level '{name}': leads_to '{target}' is not a valid checklist id"
                ));
            }
        }
    }

    // Acute levels: the top of the scale, each starting with 112 and a 24/7 line.
    if let Some(first_acute) = c.levels.iter().position(|l| l.acute) {
        for level in &c.levels[first_acute..] {
            if !level.acute {
                r.general(format!(
                    "level '{}' is above the acute level '{}' but not marked acute: acute levels are the highest",
                    level.id, c.levels[first_acute].id
                ));
            }
        }
    } else if matches!(
        c.kind,
        ChecklistKind::Screening
            | ChecklistKind::Children
            | ChecklistKind::Honour
            | ChecklistKind::Perpetrator
    ) {
        r.general(format!(
            "{NO_ACUTE_LEVEL}: a {} checklist marks its top level(s) acute = true",
            c.kind.id()
        ));
    }
    for level in c.levels.iter().filter(|l| l.acute) {
        let first = level.actions.first();
        let says_112 = |t: &str| t.contains("112");
        if !first.is_some_and(|a| says_112(&a.sv) && a.en.as_deref().is_none_or(says_112)) {
            r.general(format!(
                "level '{}': an acute level's first action must say to call 112",
                level.id
            ));
        }
        if !level.include_24_7 {
            r.general(format!(
                "level '{}': an acute level must set include_24_7 = true",
                level.id
            ));
        }
    }

    // Honour: a concern report for a minor never goes without the warning not
    // to tell guardians or the family (telling them can put the child in danger).
    if c.kind == ChecklistKind::Honour {
        for level in &c.levels {
            // A report mentioned anywhere at the level - in its actions or
            // in one role's actions ("orosanmäl…", "anmäl … till
            // socialtjänsten") - needs the warning among the actions everyone
            // sees: a warning only in a role's text leaves the others without it.
            let mentions = |s: &str| {
                let s = s.to_lowercase();
                s.contains("orosanmäl") || (s.contains("anmäl") && s.contains("socialtjänsten"))
            };
            let reports = level.actions.iter().any(|a| mentions(&a.sv))
                || level.role_actions.iter().any(|r| mentions(&r.text.sv));
            let warns = level
                .actions
                .iter()
                .any(|a| a.sv.trim_start().starts_with(HONOUR_DO_NOT_TELL));
            if reports && !warns {
                r.general(format!(
                    "level '{}': it mentions a concern report (orosanmälan) but lacks the warning never to tell guardians or the family (an action beginning '{HONOUR_DO_NOT_TELL} …')",
                    level.id
                ));
            }
        }
    }
    level_ids
}
