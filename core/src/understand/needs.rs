//! What a situation needs as a whole once who is who is known
//! (`who::who_is_who`), whoever said what: a child with an adult partner, a
//! child subjected or hurt, a pregnant woman hurt, and no care now for what
//! was done long ago.

use super::read::has;
use super::Cue;
use crate::routing::Situation;
use crate::vocab::{Form, Group, Need, Role};

/// Needs the situation brings as a whole, whoever said what: a child with
/// an adult partner, a child subjected or hurt, no care now for what was
/// done long ago, a pregnant woman hurt (after the long-ago rule: pregnant
/// and hurt keeps care whenever the blows were, the safer error).
pub(super) fn situation_needs(
    s: &mut Situation,
    cues: &[u32],
    ages: &[(usize, u32)],
    roles: &[Role],
    relative: bool,
    victim: bool,
) {
    let any = |c: Cue| cues.iter().any(|&x| has(x, c));
    let age = ages.first().copied();
    // A child under 15 with a partner of 18 or more ("flickan är 13 och har
    // en pojkvän som är 19"): a crime against the child whatever she says
    // (brottsbalken's sexual offences against children; the chapter for the
    // region's lawyer to confirm): a concern report and the police.
    if any(Cue::Partner) && ages.iter().any(|&(_, a)| a < 15) && ages.iter().any(|&(_, a)| a >= 18)
    {
        s.needs |= Need::ChildProtection.bit() | Need::PoliceReport.bit();
    }
    // A situation's own groups for routing: a child is a child. A parent
    // telling of a child's age ("min dotter 14 blir slagen av sin pappa")
    // tells of a child too.
    let minor = age.is_some_and(|(_, a)| a < 18);
    if roles.contains(&Role::Child) || (minor && relative) {
        if roles.contains(&Role::Child) {
            s.groups |= Group::Children.bit();
        }
        // A child subjected to violence is a child the social services must
        // hear of (a concern report), whatever else the words ask for
        // hurt, or afraid to go home ("elev med blåmärken": the report
        // before the health centre; "tjej 14 vågar inte gå hem").
        let hurt_or_homeless = Need::MedicalCare.bit() | Need::ProtectedHousing.bit();
        if s.forms != 0 || victim || s.needs & hurt_or_homeless != 0 {
            s.needs |= Need::ChildProtection.bit();
        }
    }
    // Told as long ago, with nothing recent and no danger now: no care now
    // for what happened then ([`Cue::LongAgo`]).
    if any(Cue::LongAgo) && !any(Cue::Past) && s.needs & Need::AcuteDanger.bit() == 0 {
        s.needs &= !Need::MedicalCare.bit();
    }
    // Pregnant: care when violence to her body is told ([`Cue::Pregnancy`]).
    let bodily = Form::Physical.bit() | Form::Sexual.bit();
    if any(Cue::Pregnancy) && s.forms & bodily != 0 {
        s.needs |= Need::MedicalCare.bit();
    }
}
