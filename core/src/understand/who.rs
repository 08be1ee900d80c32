//! Who is who: roles, groups, needs, forms and the language from the read
//! tokens and their cues (the second half of [`read`](super::read::read)).

use super::read::{has, Reading, Tok};
use super::Cue;
use crate::routing::Lexicon;
use crate::vocab::{Group, Need, Role};

/// Roles, groups, needs, forms and the language from the read tokens.
// Windows over parallel arrays (tokens, cues, abuser marks) read clearer by index.
#[allow(clippy::needless_range_loop)]
/// `cues` are the tokens' cues, `negated` what a negation reaches
/// ([`negation`]) and `ages` the text's ages in order (`age::ages`; the
/// first is the text's age).
pub(super) fn who_is_who(
    lex: &Lexicon,
    toks: &[Tok],
    mut cues: Vec<u32>,
    negated: &[bool],
    ages: &[(usize, u32)],
    drop: &[String],
    out: &mut Reading,
) {
    let n = toks.len();
    let age = ages.first().copied();
    // A negation reaches the next two words or phrases of its clause: they
    // say no danger or threat now ("inte i akut fara just nu", "inte längre
    // akut"), and a violence word among them no form ("har inte slagit").
    for j in (0..n).filter(|&j| negated[j]) {
        cues[j] &= !(Cue::Danger.bit() | Cue::Threat.bit() | Cue::Now.bit() | Cue::RightNow.bit());
    }
    let groups_of = |i: usize| {
        toks[i]
            .meanings
            .iter()
            .fold(0u32, |a, &m| a | lex.meanings[m].situation.groups)
    };
    let can_be_abuser = |i: usize| toks[i].meanings.iter().any(|&m| lex.meanings[m].abuser);
    let person =
        |i: usize| groups_of(i) != 0 || has(cues[i], Cue::Abuser) || has(cues[i], Cue::Object);
    let active = |i: usize| has(cues[i], Cue::Violence) && !has(cues[i], Cue::Victim);
    // The speaker as an object ("mig", "oss": no group of their own).
    let speaker_object = |j: usize| has(cues[j], Cue::Object) && groups_of(j) == 0;
    // The folded word at j.
    let word = |j: usize| toks[j].t.word.as_str();
    // "han", "he": him.
    let he = |j: usize| ["han", "he"].contains(&word(j));
    // "från" is "by" only after a word for what was done ("hot från sin
    // man", "slagen från"); else it is where from ("ringer från bvc, mamma
    // …": the mother is not the abuser).
    let forms_at = |j: usize| {
        toks[j]
            .meanings
            .iter()
            .any(|&m| lex.meanings[m].situation.forms != 0)
    };
    let by = |j: usize| {
        has(cues[j], Cue::By)
            && (!["fran", "from"].contains(&word(j))
                || (j > 0
                    && (has(cues[j - 1], Cue::Victim)
                        || has(cues[j - 1], Cue::Violence)
                        || forms_at(j - 1))))
    };
    // Whether token i stands for the abuser.
    let abuser_at = |i: usize| -> bool {
        // "pappa 78 blir hotad av sin son": a word for the abuser with its
        // age and a victim word right after is the person.
        let aged_victim = || {
            ages.iter().any(|&(at, _)| at == i + 1)
                && (i + 2..(i + 5).min(n)).any(|j| has(cues[j], Cue::Victim))
        };
        if has(cues[i], Cue::Abuser) && !aged_victim() {
            return true;
        }
        // A deed is no one ("tar min pension": a group, but what is done),
        // nor is what someone has or is ("hans läggning", "hennes
        // funktionsnedsättning", "hemtjänsten": a group word that names no
        // one who could do it).
        let attribute = !can_be_abuser(i)
            && !has(cues[i], Cue::Abuser)
            && !has(cues[i], Cue::Partner)
            && groups_of(i)
                & !(Group::Lgbtq.bit() | Group::Disabilities.bit() | Group::OlderPeople.bit())
                == 0;
        if !person(i) || active(i) || attribute {
            return false;
        }
        let before = i.saturating_sub(2)..i;
        if before.clone().any(by) {
            return true;
        }
        // The object of an active violence verb: "hotar sin man", "slår
        // min sambo" (not the partner who does it).
        if i >= 2 && has(cues[i - 1], Cue::Possessive) && active(i - 2) {
            return false;
        }
        if can_be_abuser(i)
            && before
                .clone()
                .any(|j| has(cues[j], Cue::Possessive) || has(cues[j], Cue::Abuser))
        {
            return true;
        }
        // The subject of an active violence verb: "mannen slår", "man som slår".
        if i > 0 && (active(i - 1) || has(cues[i - 1], Cue::Victim)) {
            return false;
        }
        // Up to five words on ("hon har en kniv och hotar sin man"); not
        // past a word for telling ("elev berättar att extrapappan slår
        // henne": the verb is another's, however little is known of him).
        const TELLS: &[&str] = &[
            "berattar",
            "berattade",
            "sager",
            "sa",
            "sade",
            "uppger",
            "uppgav",
            "skriver",
            "skrev",
            "beskriver",
            "beskrev",
            "tells",
            "says",
            "said",
        ];
        for j in i + 1..(i + 6).min(n) {
            if has(cues[j], Cue::Victim) || by(j) || TELLS.contains(&word(j)) {
                return false;
            }
            if active(j) {
                return true;
            }
            // Another subject in between: the verb is theirs ("arg på
            // barnen att jag skakar dem").
            if person(j) || has(cues[j], Cue::SelfRef) {
                return false;
            }
        }
        false
    };
    let abuser: Vec<bool> = (0..n).map(abuser_at).collect();
    // The victim: a victim word; or a person after an active violence verb.
    let mut victim = cues.iter().any(|&c| has(c, Cue::Victim));
    for i in 0..n {
        if active(i) {
            for j in i + 1..(i + 4).min(n) {
                if person(j) && !abuser[j] {
                    victim = true;
                }
            }
        }
    }
    // The speaker as the subject of violence: "jag slår", "jag har slagit",
    // "jag tappar humöret och slår min sambo" (a verb that did not happen,
    // "jag har aldrig slagit henne", is not).
    let mut self_violence = false;
    for i in (0..n).filter(|&i| has(cues[i], Cue::SelfRef)) {
        for j in i + 1..(i + 6).min(n) {
            // "jag blir våldsam": the adjective is a violence word and a word
            // for the one who uses it.
            if active(j) && !negated[j] {
                self_violence = true;
                break;
            }
            if has(cues[j], Cue::Victim) || has(cues[j], Cue::Relative) || person(j) {
                break;
            }
        }
    }
    // Someone close ("min mamma", "grannen") is a relative of the person
    // unless they are the one using violence ("min mamma dricker och slår oss").
    // Not his ("hans kompisar", "his mother"): the abuser's people.
    // Not one said not to be there ("inga grannar").
    let his = |i: usize| i > 0 && ["hans", "his"].contains(&word(i - 1));
    let uses_it = |i: usize| {
        (i + 1..(i + 5).min(n))
            .take_while(|&j| !has(cues[j], Cue::Victim) && !by(j))
            .any(active)
    };
    let relative =
        (0..n).any(|i| has(cues[i], Cue::Relative) && !negated[i] && !his(i) && !uses_it(i));
    let help = cues.iter().any(|&c| has(c, Cue::Help));
    let perpetrator = cues.iter().any(|&c| has(c, Cue::Perpetrator));
    // What the reader found before (an interpreter for another script),
    // then the words' meanings.
    let mut s = std::mem::take(&mut out.situation);
    let mut language = None;
    // Groups read from words that can name the abuser ("mannen").
    let mut maybe_abuser_groups = 0;
    // Groups read only from a pronoun ("slår henne").
    let mut pronoun_groups = 0;
    // "Pratar" before a language is speaking it ("hon pratar bara
    // nordsamiska"), not someone to talk to now.
    let language_at = |j: usize| {
        toks.get(j).is_some_and(|t| {
            t.meanings
                .iter()
                .any(|&m| lex.meanings[m].language.is_some())
        })
    };
    let speaks = |i: usize| (i + 1..i + 3).any(language_at);
    for (i, t) in toks.iter().enumerate() {
        for &m in &t.meanings {
            let mm = &lex.meanings[m];
            if mm.situation.needs == Need::TalkNow.bit() && mm.cue.is_none() && speaks(i) {
                continue;
            }
            // Negated: no danger, and no form from a violence word (the blow
            // that did not happen). Other words keep what they say: what a
            // person does not have or may not do is often the sign itself
            // ("inga egna pengar", "ingenstans att bo").
            if negated[i] {
                // "inga suicidtankar": a worker noting what was asked.
                let taken = Need::AcuteDanger.bit() | Need::SuicidePrevention.bit();
                s.needs |= mm.situation.needs & !taken;
                if !has(cues[i], Cue::Violence) && !has(cues[i], Cue::Victim) {
                    s.forms |= mm.situation.forms;
                }
            } else {
                s.needs |= mm.situation.needs;
                s.forms |= mm.situation.forms;
            }
            // An object pronoun is the person only after a violence verb
            // ("slår henne"; not "rädd för honom").
            let object_aside = mm.cue == Some(Cue::Object)
                && !(i.saturating_sub(3)..i).any(|j| has(cues[j], Cue::Violence));
            if !abuser[i] && !object_aside {
                if matches!(mm.cue, Some(Cue::Object | Cue::Pronoun)) {
                    pronoun_groups |= mm.situation.groups;
                }
                s.groups |= mm.situation.groups;
                if mm.abuser {
                    maybe_abuser_groups |= mm.situation.groups;
                }
            }
            if language.is_none() {
                language = mm.language.clone();
            }
        }
    }
    // "henne" about a pupil or a child is a girl, not a woman: when the text
    // starts with the child ("elev berättar att styvpappan slår henne"; not
    // "maken kallar henne värdelös, hotar ta barnen"), or gives her age
    // ("hon är 15 och blir slagen av pappa").
    let young = Group::Children.bit() | Group::YoungPeople.bit();
    let first_person = (0..n).find(|&i| person(i));
    // An age under 18 within three words after a word with one of `mask`'s
    // cues: whose age it is ("hon är 15", "jag är 9").
    let minor_after = |mask: u32| {
        age.is_some_and(|(at, a)| a < 18 && (at.saturating_sub(3)..at).any(|j| cues[j] & mask != 0))
    };
    if minor_after(Cue::Pronoun.bit() | Cue::Object.bit())
        || first_person.is_some_and(|i| groups_of(i) & young != 0 && !abuser[i])
    {
        let named: u32 = toks
            .iter()
            .flat_map(|t| t.meanings.iter())
            .filter(|&&m| !matches!(lex.meanings[m].cue, Some(Cue::Object | Cue::Pronoun)))
            .fold(0, |a, &m| a | lex.meanings[m].situation.groups);
        s.groups &= !(pronoun_groups & !named);
    }
    // An age under 18 ("jag är 12", "16 åring", "15-årig", "14 years") is a
    // child; one of 65 or more ("pappa 82", "kvinna 78 år") an older person.
    if let Some((_, a)) = age {
        if a < 18 {
            s.groups |= Group::Children.bit();
            if a >= 13 {
                s.groups |= Group::YoungPeople.bit();
            }
        } else if a >= 65 {
            s.groups |= Group::OlderPeople.bit();
        }
    }
    // An older person's son or daughter is grown up ("gammal dam, sonen tar
    // hennes pengar"): with older people in the text and no age under 18,
    // a child read only from an offspring word is not a child (a grandchild,
    // "barnet" or an age still is).
    let (old, kids) = (Group::OlderPeople.bit(), Group::Children.bit());
    if s.groups & old != 0 && s.groups & kids != 0 && age.is_none_or(|(_, a)| a >= 18) {
        let only_grown = toks.iter().flat_map(|t| &t.meanings).all(|&m| {
            let mm = &lex.meanings[m];
            mm.situation.groups & kids == 0 || mm.cue == Some(Cue::Offspring)
        });
        if only_grown {
            s.groups &= !kids;
        }
    }
    // "kvinna slagen, mannen har gått": with a woman in the text, a man
    // named by a word that can name the abuser is not the person.
    let (w, m) = (Group::Women.bit(), Group::Men.bit());
    // (A woman only as `hon` does not keep him: "hon har skyddat boende men
    // mannen har hittat henne".)
    if s.groups & w != 0
        && maybe_abuser_groups & m != 0
        && maybe_abuser_groups & !pronoun_groups & w == 0
    {
        s.groups &= !m;
    }
    // Danger now from what the text says is happening, never from what
    // happened before: a threat or a weapon with a word for now; "just nu"
    // with violence in the text ("han slår henne just nu"; not "just nu bor
    // hon hos sin mamma"); screams heard or a woman hiding, told in the
    // present and not as a habit ("hör skrik"; not "hör skrik varje natt").
    let any = |c: Cue| cues.iter().any(|&x| has(x, c));
    let violence =
        (0..n).any(|i| !negated[i] && (has(cues[i], Cue::Violence) || has(cues[i], Cue::Victim)));
    let right_now = any(Cue::RightNow);
    // He is near: the nearest person before the words is the abuser, a man
    // or nobody named.
    let his_nearness_before = |i: usize| match (0..i)
        .rev()
        .find(|&j| person(j) || has(cues[j], Cue::SelfRef))
    {
        None => true,
        // "jag är på väg hem": the speaker, not him.
        Some(j) if has(cues[j], Cue::SelfRef) => false,
        Some(j) => abuser[j] || he(j) || groups_of(j) & Group::Men.bit() != 0,
    };
    // ("han är där": the phrase names him itself.)
    let his_nearness = |i: usize| he(i) || his_nearness_before(i);
    let present = (0..n).any(|i| {
        !negated[i] && (has(cues[i], Cue::Present) || (has(cues[i], Cue::Near) && his_nearness(i)))
    });
    if !any(Cue::Past)
        && !any(Cue::LongAgo)
        && ((any(Cue::Threat) && (any(Cue::Now) || right_now))
            || (right_now && violence)
            || (present && !any(Cue::Habit)))
    {
        s.needs |= Need::AcuteDanger.bit();
    }
    // "prata med någon som kan heder": a worker asking someone who knows
    // wants a consultation; the talking is theirs, not the person's need of
    // support now ("patienten vill prata med någon" keeps it).
    if s.needs & Need::Consultation.bit() != 0 {
        s.needs &= !Need::TalkNow.bit();
    }
    let dropped = |k: &str| drop.iter().any(|d| d == k);
    // An abuser named as such ("han", "pappa", "min man") makes the text
    // about someone else's violence: it outweighs a perpetrator word.
    let named_abuser = (0..n).any(|i| {
        abuser[i]
            && (has(cues[i], Cue::Abuser)
                || (i.saturating_sub(2)..i).any(|j| has(cues[j], Cue::Possessive)))
    });
    // "han har slagit sin sambo och vill ha behandling": a wish for
    // treatment by the one a violence verb is told of, with no victim word
    // and no speaker as its object.
    // The wish is its subject's: the nearest person before it that is not
    // the object of a violence verb ("sin sambo" after "slagit"); a subject
    // pronoun is always a subject ("pappa slår mamma och hon vill ha hjälp"
    // is her wish).
    let speaker_hit = (0..n).any(speaker_object);
    let object = |j: usize| (j.saturating_sub(2)..j).any(active);
    let wisher = |t: usize| {
        (0..t).rev().find(|&j| {
            has(cues[j], Cue::SelfRef) || (person(j) && (has(cues[j], Cue::Pronoun) || !object(j)))
        })
    };
    let treatment = (0..n).any(|t| {
        has(cues[t], Cue::Treatment) && !negated[t] && wisher(t).is_some_and(|j| abuser[j])
    }) && !cues.iter().any(|&c| has(c, Cue::Victim))
        && !speaker_hit
        && (0..n).any(|i| active(i) && !negated[i]);
    // Convicted of, charged with or suspected of violence ("han är dömd
    // för misshandel mot sin fru och vill gå i behandling", "klient dömd
    // för misshandel mot ex vill gå behandling"): a wish for treatment
    // after it is the convicted one's (a probation officer's or social
    // worker's words), whoever the conviction names as hurt.
    const CONVICTED: &[&str] = &[
        "domd",
        "domdes",
        "falld",
        "falldes",
        "straffad",
        "atalad",
        "atalas",
        "misstankt",
        "convicted",
    ];
    let convicted = (0..n).find(|&i| {
        CONVICTED.contains(&word(i))
            && (i + 1..(i + 5).min(n)).any(|j| has(cues[j], Cue::Violence) || forms_at(j))
    });
    let convicted_treatment = convicted.is_some_and(|c| {
        // The one convicted: the nearest person or pronoun before.
        let subject = (c.saturating_sub(3)..c)
            .rev()
            .find(|&j| person(j) || has(cues[j], Cue::Pronoun) || has(cues[j], Cue::Professional));
        (c + 1..n).any(|t| {
            has(cues[t], Cue::Treatment)
                && !negated[t]
                && match wisher(t) {
                    None => true,
                    // Someone the conviction names, or the one convicted.
                    Some(j) => j > c || Some(j) == subject || abuser[j],
                }
        }) && !speaker_hit
    });
    let uses_violence = (help
        || self_violence
        || treatment
        || convicted_treatment
        || (perpetrator && !victim && !named_abuser))
        && !dropped("role:uses_violence");
    let mut roles = Vec::new();
    if uses_violence {
        roles.push(Role::UsesViolence);
        // The people the violence is against are not the person in front of
        // you; children stay (their protection matters).
        let keep = Group::Children.bit() | Group::YoungPeople.bit();
        s.groups = (s.groups & keep) | Group::PeopleWhoUseViolence.bit();
    } else {
        let anyone = victim || s.forms != 0 || abuser.iter().any(|&a| a);
        let adult = Group::Women.bit() | Group::Men.bit() | Group::OlderPeople.bit();
        // The speaker's own partner ("sambon slår mig", "min man har slagit
        // mig"): the speaker is grown up, whatever children are named. Not a
        // parent's partner ("mammas sambo slår mig"): there the partner word
        // follows another person's word.
        let speaker = speaker_hit || (0..n).any(|j| has(cues[j], Cue::SelfRef));
        // A mother's or father's word (not a partner's: "min mamma slår mig").
        const PARENT: &[&str] = &[
            "pappa",
            "pappan",
            "mamma",
            "mamman",
            "styvpappa",
            "styvpappan",
            "styvmamma",
            "styvmamman",
            "styvfar",
            "styvmor",
            "bonuspappa",
            "bonuspappan",
            "bonusmamma",
            "bonusmamman",
            "dad",
            "mum",
            "mom",
            "father",
            "mother",
        ];
        let parent = |i: usize| PARENT.contains(&word(i));
        // A parent's partner ("mammas nya kille", "pappas sambo", "mamma
        // och hennes kille"): to a child who says it, a parent at home.
        const PARENTS: &[&str] = &["mammas", "mammans", "pappas", "pappans", "mors", "fars"];
        let parents_partner = |i: usize| {
            (has(cues[i], Cue::Partner) || can_be_abuser(i) || groups_of(i) != 0)
                && (i.saturating_sub(2)..i).any(|j| {
                    PARENTS.contains(&word(j))
                        || (["hennes", "hans", "her", "his"].contains(&word(j))
                            && (0..j).any(parent))
                })
        };
        let parentish = |i: usize| parent(i) || PARENTS.contains(&word(i)) || parents_partner(i);
        // Only "min", "mitt", "mina", "my" make a partner the speaker's own
        // ("hennes kille" is someone else's).
        let mine = |j: usize| ["min", "mitt", "mina", "my"].contains(&word(j));
        let own_partner = speaker
            && (0..n).any(|i| {
                let after_mine = i > 0 && mine(i - 1);
                let after_possessive = i > 0 && has(cues[i - 1], Cue::Possessive);
                // "sambon", "min sambo"; or "min man", "min fru", "min kille".
                !parents_partner(i)
                    && ((has(cues[i], Cue::Partner)
                        && (i == 0 || after_mine || (!after_possessive && !person(i - 1))))
                        || (can_be_abuser(i) && after_mine && !parent(i)))
            });
        // "barnen", "bebisen" said by the speaker are a parent's words (a
        // child says "syskonen"): "han sa att han ska döda mig när barnen
        // sover" is the mother.
        let parent_speaking = speaker
            && toks.iter().any(|t| {
                ["barnen", "barnet", "bebisen", "ungarna", "the kids"].contains(&t.t.word.as_str())
            });
        let own_partner = own_partner || parent_speaking;
        // The speaker's own age under 18 ("jag är 9", "jag är bara 14",
        // "i am 15") makes the speaker the child, whoever else is named
        // ("min pappa slår mamma, jag är 9").
        // An age under 18 right after the word for the person ("kille 17
        // blir slagen av sin pojkvän"): that person is the child.
        // So is an age said as a noun before any other person ("en
        // 15-åring säger att hennes mamma…").
        let minor_person = age.is_some_and(|(at, a)| {
            let noun = toks[at].t.word.ends_with("aring")
                || toks.get(at + 1).is_some_and(|t| t.t.word == "aring");
            a < 18
                && ((at > 0
                    && person(at - 1)
                    && !abuser[at - 1]
                    && !has(cues[at - 1], Cue::Relative))
                    || (noun && first_person.is_none_or(|i| i > at)))
        });
        // A child named first, not as the one who uses violence nor as
        // someone's relative, is the person even when a parent is named
        // after ("elev i fyran säger att pappa slagit mamma": a child who
        // lives with violence, the concern report first).
        let child_first = first_person.is_some_and(|i| {
            groups_of(i) & young != 0
                && groups_of(i) & adult == 0
                && !abuser[i]
                && !has(cues[i], Cue::Relative)
        });
        // A parent who hits the speaker ("pappa slår mig", "mamma slår mig
        // när hon är arg"): a child's words, as a pupil says them to a
        // teacher (the women's shelter was first). Not with the speaker's
        // own partner or children named, nor with an age of 18 or more.
        let parent_hits_speaker = speaker_hit
            && !own_partner
            && age.is_none_or(|(_, a)| a < 18)
            && (0..n).any(|i| {
                parentish(i)
                    // ("min mamma" is read whole as someone close: the
                    // phrase's first word carries it.)
                    && (abuser[i]
                        || (i > 0
                            && toks[i].cont
                            && (abuser[i - 1] || has(cues[i - 1], Cue::Relative))))
            })
            // No one else named as the one who does it.
            && !(0..n).any(|j| {
                abuser[j] && !parentish(j) && !(j + 1 < n && toks[j + 1].cont && parentish(j + 1))
            });
        if minor_after(Cue::SelfRef.bit())
            || minor_person
            || parent_hits_speaker
            || (child_first && !own_partner)
            || (s.groups & Group::Children.bit() != 0 && s.groups & adult == 0 && !own_partner)
        {
            roles.push(Role::Child);
            // Hit by a parent or a parent's partner, the child is the one in
            // front of you: a mother named ("mammas kille", "när mamma
            // jobbar") is not a woman to route for.
            if parent_hits_speaker {
                s.groups &= !adult;
            }
        } else if anyone && !relative {
            roles.push(Role::Subjected);
            // The speaker's own wife ("min fru slår mig", "my wife hits
            // me"): most often a man's words, and men's help (the chip can
            // be removed). "Flickvän" is left open: women say it too.
            const WIFE: &[&str] = &[
                "fru", "frun", "hustru", "hustrun", "exfru", "exfrun", "wife",
            ];
            let wife = speaker
                && (0..n).any(|i| {
                    abuser[i] && WIFE.contains(&word(i)) && (i.saturating_sub(2)..i).any(mine)
                });
            if wife && s.groups & Group::Women.bit() == 0 {
                s.groups |= Group::Men.bit();
            }
        }
    }
    if relative {
        roles.push(Role::Relative);
    }
    if cues.iter().any(|&c| has(c, Cue::Professional)) {
        roles.push(Role::Professional);
    }
    roles.retain(|r| !dropped(&format!("role:{}", r.id())));
    roles.dedup();
    super::needs::situation_needs(&mut s, &cues, ages, &roles, relative, victim);
    s.roles = roles.iter().fold(0, |a, r| a | r.bit());
    for d in drop {
        let (kind, id) = d.split_once(':').unwrap_or((d.as_str(), ""));
        match kind {
            "group" => s.groups &= !Group::parse(id).map(|g| g.bit()).unwrap_or(0),
            "need" => s.needs &= !Need::parse(id).map(|g| g.bit()).unwrap_or(0),
            "form" => s.forms &= !crate::vocab::Form::parse(id).map(|g| g.bit()).unwrap_or(0),
            "danger" => s.needs &= !Need::AcuteDanger.bit(),
            "language" => language = None,
            _ => {}
        }
    }
    out.situation = s;
    out.roles = roles;
    out.language = language;
}
