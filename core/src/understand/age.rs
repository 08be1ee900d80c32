//! Ages as field staff write them: "jag är 12", "16 åring", "tjej 14",
//! "pappa 82", a school year ("åk 3", "går i åttan").

/// The positions and values of ages in the text: a number before
/// `år`/`åring`/`years` ("16 åring", "12-åring", "15 years"), after
/// `är`/`am` ("jag är 12", "jag är bara 15"), written together
/// ("12åring"), right after the word for a person ("tjej 14", "pappa 82"),
/// or a school year as its usual age ("åk 3", "årskurs 8", "går i åttan").
/// Every age in the text in that way, in order ("flickan är 13 och har en
/// pojkvän som är 19": 13, then 19); the first is the text's age.
pub(super) fn ages<'a>(words: &'a [&'a str]) -> impl Iterator<Item = (usize, u32)> + 'a {
    (0..words.len()).filter_map(|i| age_here(words, i).map(|a| (i, a)))
}

const AFTER: &[&str] = &["ar", "aring", "arig", "ars", "years", "year", "yo"];
const BEFORE: &[&str] = &["ar", "am"];
// Words between `är` and the age: "jag är bara 15", "i am only 14".
const BETWEEN: &[&str] = &["bara", "just", "only", "typ", "nastan"];
const PERSON: &[&str] = &[
    "tjej",
    "tjejen",
    "flicka",
    "flickan",
    "kille",
    "killen",
    "pojke",
    "pojken",
    "elev",
    "eleven",
    "barn",
    "barnet",
    "dotter",
    "dottern",
    "son",
    "sonen",
    "girl",
    "boy",
    "kvinna",
    "kvinnan",
    "man",
    "mannen",
    "mamma",
    "pappa",
    "mor",
    "far",
    "mormor",
    "morfar",
    "farmor",
    "farfar",
    "dam",
    "patient",
    "patienten",
    "pojkvan",
    "pojkvannen",
    "flickvan",
    "flickvannen",
    "sambo",
    "sambon",
    "pat",
    "woman",
];
const GRADE: &[&str] = &["ak", "arskurs", "klass", "grade"];
// "går i trean", "i åttan": the school year as a word.
const YEARS: &[&str] = &[
    "ettan", "tvaan", "trean", "fyran", "femman", "sexan", "sjuan", "attan", "nian",
];

/// The age the word at `i` gives, if it is one.
fn age_here(words: &[&str], i: usize) -> Option<u32> {
    let w = words[i];
    if let Some(y) = YEARS.iter().position(|&x| x == w) {
        if i > 0 && words[i - 1] == "i" {
            return Some(y as u32 + 7);
        }
    }
    let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let Ok(n) = digits.parse::<u32>() else {
        return None;
    };
    let tail = &w[digits.len()..];
    let next = words.get(i + 1).copied();
    // A distance, a time, an amount: "det är 8 mil", "är 20 minuter bort".
    const UNITS: &[&str] = &[
        "mil",
        "km",
        "kilometer",
        "meter",
        "minuter",
        "min",
        "timmar",
        "tim",
        "h",
        "dagar",
        "veckor",
        "manader",
        "kr",
        "kronor",
        "ganger",
        "st",
        "procent",
        "miles",
        "minutes",
        "hours",
        "days",
    ];
    if next.is_some_and(|x| UNITS.contains(&x)) {
        return None;
    }
    // A time ago, not an age: "för 2 år sedan", "3 år sen", "5 years ago".
    if words
        .get(i + 2)
        .is_some_and(|x| ["sedan", "sen", "ago", "tillbaka"].contains(x))
    {
        return None;
    }
    // "i 70-årsåldern", "80 årsåldern": an age, round.
    if tail == "arsaldern" || (tail.is_empty() && next == Some("arsaldern")) {
        return Some(n);
    }
    let word = |j: usize| words[j];
    // Right after a word for a person as a report writes it: "tjej 14",
    // "flicka 16", "pappa 82", "kvinna 34".
    if tail.is_empty() && i > 0 && PERSON.contains(&word(i - 1)) {
        return Some(n);
    }
    let prev = i.checked_sub(1).map(|j| match j {
        1.. if BETWEEN.contains(&word(j)) => word(j - 1),
        _ => word(j),
    });
    // A school year ("elev i åk 3", "årskurs 8", "klass 5"): the
    // year's usual age.
    if tail.is_empty() && n <= 9 && prev.is_some_and(|x| GRADE.contains(&x)) {
        return Some(n + 6);
    }
    if (!tail.is_empty() && AFTER.contains(&tail))
        || (tail.is_empty()
            && (next.is_some_and(|x| AFTER.contains(&x))
                || prev.is_some_and(|x| BEFORE.contains(&x))))
    {
        return Some(n);
    }
    None
}
