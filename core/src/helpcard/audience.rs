//! Whom a help card is for, and what each audience's card must and must not give.

use super::REQUIRED_NUMBERS;
use serde::{Deserialize, Serialize};
#[cfg(feature = "authoring")]
use {super::HelpNumber, crate::content::normalize_number};

/// Whom a card is for. The women's card is the language's card (`<lang>.toml`,
/// record id `<lang>`); the others are `<lang>.<audience>.toml` (record id
/// `<lang>.<audience>`), each with the lines that serve that audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Women subjected to violence: Kvinnofridslinjen and 112.
    #[default]
    Women,
    /// Children and young people: Bris 116 111 and 112.
    Children,
    /// Men subjected to violence: Brottsofferjouren's line 116 006 and 112 –
    /// never a women's shelter.
    Men,
    /// People who use violence: 112 (the national line for them, Välj att
    /// sluta, is added when its number is confirmed).
    PeopleWhoUseViolence,
}

impl Audience {
    /// A card for people subjected to violence (not for those who use it).
    pub fn is_subjected(self) -> bool {
        self != Audience::PeopleWhoUseViolence
    }
    pub const ALL: [Audience; 4] = [
        Audience::Women,
        Audience::Children,
        Audience::Men,
        Audience::PeopleWhoUseViolence,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Audience::Women => "women",
            Audience::Children => "children",
            Audience::Men => "men",
            Audience::PeopleWhoUseViolence => "people_who_use_violence",
        }
    }
    pub fn parse(s: &str) -> Option<Audience> {
        let n = s.trim().to_ascii_lowercase().replace('-', "_");
        Audience::ALL.into_iter().find(|a| a.id() == n)
    }
    pub(super) fn is_women(&self) -> bool {
        *self == Audience::Women
    }
    /// The numbers a card for this audience must give.
    pub fn required_numbers(self) -> &'static [&'static str] {
        match self {
            Audience::Women => REQUIRED_NUMBERS,
            Audience::Children => &["116 111", "112"],
            Audience::Men => &["116 006", "112"],
            Audience::PeopleWhoUseViolence => &["112"],
        }
    }
    /// A number that must never be on a card for this audience (Kvinnofridslinjen
    /// is for women; a card for men or for people who use violence does not send there).
    #[cfg(feature = "authoring")]
    pub(super) fn forbidden_numbers(self) -> &'static [&'static str] {
        match self {
            Audience::Men | Audience::PeopleWhoUseViolence => &["020-50 50 50"],
            _ => &[],
        }
    }
}

/// Words of a promise a line makes about itself (free, anonymous).
#[cfg(feature = "authoring")]
const PROMISES: &[&str] = &["gratis", "kostnadsfri", "kostar inget", "anonym"];

/// The promise word in a Swedish point that names no line of the card other
/// than 112: "Hjälpen är gratis" promises for every help, which no one can.
#[cfg(feature = "authoring")]
pub(super) fn promise_without_a_line(point: &str, numbers: &[HelpNumber]) -> Option<&'static str> {
    let lower = point.to_lowercase();
    let word = PROMISES.iter().find(|w| lower.contains(*w))?;
    let found = super::numbers_in(point);
    let names_a_line = numbers
        .iter()
        .filter(|n| normalize_number(&n.number) != "112")
        .any(|n| {
            let want = normalize_number(&n.number);
            found.iter().any(|f| normalize_number(f) == want)
        });
    (!names_a_line).then_some(*word)
}
