//! Query understanding: the first step of a search ("read" in
//! `design/shape.md`'s pipeline read → retrieve → rank → complete). Typed
//! text, the filters and a context (a checklist's subject) become a
//! [`Situation`] for the routing model and an [`Understood`] to show the user
//! ("Tolkat som: …", chips in the apps). One place, used by search, screening
//! referrals, the CLI and the FFI.
//!
//! * [`analyze`]: normalise, tokenise, stop words, Snowball Swedish stems,
//!   one typo, compound splitting — the same chain for the lexicon and the query.
//! * [`read`](read::read): phrases before single words, then who is who:
//!   a word for the abuser never becomes the person's group, a victim
//!   reading wins over a perpetrator reading unless help-seeking words say
//!   otherwise, danger now only from explicit words.

mod age;
pub mod analyze;
#[cfg(test)]
mod danger_tests;
#[cfg(test)]
mod field_tests;
mod needs;
mod read;
#[cfg(test)]
mod situation_tests;
#[cfg(test)]
mod tests;
mod who;
#[cfg(test)]
mod words_tests;

pub use read::{read, read_with, Reading};

use crate::vocab::{Form, Group, Lang, Need, Role};
use serde::Serialize;

/// What a lexicon word tells about who is who in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    /// An active violence verb: `slår`, `hotar`, `misshandlar`.
    Violence,
    /// A word that makes its person the victim: `utsatt`, `slagen`, `offer`.
    Victim,
    /// A word for the abuser: `pappa`, `pojkvän`, `ex`, `sambo`, `förövaren`.
    Abuser,
    /// The person wants help to stop using violence: `vill sluta`, `sluta slå`.
    Help,
    /// A word for a person who uses violence, as a search term (`våldsutövare`):
    /// a perpetrator reading that a victim reading outweighs.
    Perpetrator,
    /// Danger now: `akut`, `i fara`, `pågår`, `livsfara`, `är här nu`.
    Danger,
    /// Someone close to the person: `anhörig`, `orolig för`, `min dotter`.
    Relative,
    /// A professional asking for advice: `konsultation`, `patient`, `klient`.
    Professional,
    /// The speaker: `jag`, `vi`.
    SelfRef,
    /// A person as the object of a verb: `mig`, `henne`, `honom`.
    Object,
    /// `min`, `sin`, `hennes`: "min man" is a husband, not the person.
    Possessive,
    /// `av`, `från`: "slagen av sin man".
    By,
    /// A threat or a weapon (`kniv`, `i fara`, `hotar att döda`): danger now
    /// only with a word for now and none for the past.
    Threat,
    /// `nu`.
    Now,
    /// `igår`, `förut`, `i helgen`: what is told happened before.
    Past,
    /// A son or daughter (`sonen`, `dottern`): a child, unless the parent is
    /// old and no age under 18 is given.
    Offspring,
    /// A partner or former partner (`sambon`, `min man`, `exet`): someone
    /// who uses violence as [`Cue::Abuser`] does, and whose victim is an
    /// adult, not a child ("sambon slår mig och barnen är rädda").
    Partner,
    /// A negation (`inte`, `ej`, `ingen`): the next two words of its clause
    /// say no danger or threat now ("ej akut", "ingen akut fara"), and a
    /// violence word among them no form ("har inte slagit henne").
    Not,
    /// A subject pronoun (`hon`): its group is a guess; about a pupil or a
    /// child ("elev säger att hon inte vill gå hem") it is a girl, not a
    /// woman.
    Pronoun,
    /// `just nu`, `right now`: danger now only together with violence, a
    /// victim word or a threat, and none for the past ("han slår henne just
    /// nu"; not "just nu bor hon hos sin mamma").
    RightNow,
    /// What is heard or done in the present (`hör skrik`, `har låst in
    /// sig`, `viskar att han är hemma`): danger now unless the text has a
    /// word for the past or for a habit ("hör skrik varje natt").
    Present,
    /// `varje`, `ofta`, `brukar`: what happens again and again, not now.
    Habit,
    /// A wish for treatment or help (`vill ha behandling`, `vill ha
    /// hjälp`): the person uses violence when the first person named is the
    /// subject of a violence verb and no one is told as subjected to it by
    /// a victim word or the speaker ("han har slagit sin sambo och vill ha
    /// behandling"; not "hon har blivit slagen och vill ha behandling").
    Treatment,
    /// He is near: at the door, outside, on his way (`står utanför`,
    /// `bankar på dörren`, `är på väg tillbaka`). Danger now as
    /// [`Cue::Present`] is, and only when the nearest person before it is
    /// the one who uses violence, a man, or nobody named ("hon står utanför
    /// arbetsmarknaden", "mamma sitter i bilen utanför" are not).
    Near,
    /// She is pregnant (`gravid`, `väntar barn`, `mvc`): care as well as
    /// support when violence to her body is told (blows, kicks, rape: the
    /// midwife or a doctor should see her), none for control or threats
    /// alone ("jag är gravid och han bestämmer allt").
    Pregnancy,
    /// Long ago (`förra året`, `för två år sedan`): before, as
    /// [`Cue::Past`] is for danger, and no care now for what happened then
    /// ("han strypte mig förra året och nu är han arg igen"), unless
    /// something recent (`igår`) or danger now is told too.
    LongAgo,
}

impl Cue {
    pub const ALL: &'static [Cue] = &[
        Cue::Violence,
        Cue::Victim,
        Cue::Abuser,
        Cue::Help,
        Cue::Perpetrator,
        Cue::Danger,
        Cue::Relative,
        Cue::Professional,
        Cue::SelfRef,
        Cue::Object,
        Cue::Possessive,
        Cue::By,
        Cue::Threat,
        Cue::Now,
        Cue::Past,
        Cue::Offspring,
        Cue::Partner,
        Cue::Not,
        Cue::Pronoun,
        Cue::RightNow,
        Cue::Present,
        Cue::Habit,
        Cue::Treatment,
        Cue::Near,
        Cue::Pregnancy,
        Cue::LongAgo,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Cue::Violence => "violence",
            Cue::Victim => "victim",
            Cue::Abuser => "abuser",
            Cue::Help => "help",
            Cue::Perpetrator => "perpetrator",
            Cue::Danger => "danger",
            Cue::Relative => "relative",
            Cue::Professional => "professional",
            Cue::SelfRef => "self",
            Cue::Object => "object",
            Cue::Possessive => "possessive",
            Cue::By => "by",
            Cue::Threat => "threat",
            Cue::Now => "now",
            Cue::Past => "past",
            Cue::Offspring => "offspring",
            Cue::Partner => "partner",
            Cue::Not => "not",
            Cue::Pronoun => "pronoun",
            Cue::RightNow => "right_now",
            Cue::Present => "present",
            Cue::Habit => "habit",
            Cue::Treatment => "treatment",
            Cue::Near => "near",
            Cue::Pregnancy => "pregnancy",
            Cue::LongAgo => "long_ago",
        }
    }
    pub fn parse(s: &str) -> Option<Cue> {
        Cue::ALL.iter().copied().find(|c| c.id() == s)
    }
    pub(crate) fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// One reading of the query, shown as a chip the user can remove: `key` goes
/// into `SearchQuery::drop` to search again without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReadingChip {
    /// `role:subjected`, `group:women`, `need:protected_housing`,
    /// `form:physical`, `language:ar`, `danger`.
    pub key: String,
    /// "role", "group", "need", "form", "language" or "danger".
    pub kind: String,
    /// The vocabulary id (the language code; "acute_danger" for danger).
    pub id: String,
    pub label: String,
}

/// How a query was understood (the `understood` of a search).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Understood {
    /// Who the person is (`subjected`, `uses_violence`, `child`, `relative`,
    /// `professional`); several when the text says so.
    pub roles: Vec<String>,
    pub groups: Vec<String>,
    /// Without `acute_danger` (that is `danger`).
    pub needs: Vec<String>,
    pub forms: Vec<String>,
    /// The language the person speaks, when the text names one.
    pub language: Option<String>,
    /// Danger now was read (explicit words only).
    pub danger: bool,
    /// The same, as chips in display order (danger first).
    pub chips: Vec<ReadingChip>,
    /// One line to show: "Tolkat som: utsatt för våld · kvinnor · fysiskt våld";
    /// empty when nothing was read.
    pub summary: String,
}

impl Understood {
    /// Whether anything was read.
    pub fn is_empty(&self) -> bool {
        self.chips.is_empty()
    }

    pub(crate) fn build(
        roles: &[Role],
        s: &crate::routing::Situation,
        language: Option<&str>,
        lang: Lang,
    ) -> Understood {
        let mut u = Understood {
            danger: s.danger(),
            language: language.map(str::to_string),
            ..Default::default()
        };
        let chip = |kind: &str, id: &str, label: &str| ReadingChip {
            key: if kind == "danger" {
                "danger".into()
            } else {
                format!("{kind}:{id}")
            },
            kind: kind.into(),
            id: id.into(),
            label: label.into(),
        };
        let mut chips = Vec::new();
        if u.danger {
            chips.push(chip(
                "danger",
                Need::AcuteDanger.id(),
                match lang {
                    Lang::Sv => "fara just nu",
                    Lang::En => "danger now",
                },
            ));
        }
        for r in roles {
            u.roles.push(r.id().into());
            chips.push(chip("role", r.id(), &r.label(lang).to_lowercase()));
        }
        for g in Group::ALL.iter().filter(|g| s.groups & g.bit() != 0) {
            u.groups.push(g.id().into());
            let label = lower(g.label(lang));
            // The child role and the children group read the same ("barn"): one chip.
            if !chips.iter().any(|c| c.label == label) {
                chips.push(chip("group", g.id(), &label));
            }
        }
        for n in Need::ALL
            .iter()
            .filter(|n| s.needs & n.bit() != 0 && **n != Need::AcuteDanger)
        {
            u.needs.push(n.id().into());
            chips.push(chip("need", n.id(), &lower(n.label(lang))));
        }
        for f in Form::ALL.iter().filter(|f| s.forms & f.bit() != 0) {
            u.forms.push(f.id().into());
            chips.push(chip("form", f.id(), &lower(f.label(lang))));
        }
        if let Some(l) = language {
            let label = match lang {
                Lang::Sv => format!("språk: {l}"),
                Lang::En => format!("language: {l}"),
            };
            chips.push(chip("language", l, &label));
        }
        if !chips.is_empty() {
            u.summary = format!(
                "{}: {}",
                match lang {
                    Lang::Sv => "Tolkat som",
                    Lang::En => "Understood as",
                },
                chips
                    .iter()
                    .map(|c| c.label.as_str())
                    .collect::<Vec<_>>()
                    .join(" · ")
            );
        }
        u.chips = chips;
        u
    }
}

/// A label in lower case unless it starts with an abbreviation ("hbtqi-personer").
fn lower(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

/// The fixed action above every result list: "Akut fara? Ring 112".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EmergencyAction {
    pub label: String,
    pub number: String,
    /// `tel:112`.
    pub uri: String,
}

impl EmergencyAction {
    pub fn new(lang: Lang) -> EmergencyAction {
        EmergencyAction {
            label: match lang {
                Lang::Sv => "Akut fara? Ring 112",
                Lang::En => "Acute danger? Call 112",
            }
            .into(),
            number: "112".into(),
            uri: "tel:112".into(),
        }
    }
}
