//! Complete: the last step of a query. From the ranked candidates to the list
//! shown: the limit; in an urgent situation nothing closed in the top three
//! while fitting reachable help exists; the line that always answers within
//! the top three (first only when the model says so: 112 in danger now);
//! 112 never first without danger now.

use super::index::{self, FacetIndex, FLAG_ALWAYS_OPEN, FLAG_REACHABLE};
use super::rank::{Candidate, WHY_LINE, WHY_REACHABLE_NOW};
use crate::routing::{Fit, Situation};
use crate::schedule::Moment;
use crate::vocab::{AgencyKind, Need, Role};

/// Whether a situation is urgent: danger now, someone to talk to or a
/// place to sleep now, or a person subjected to violence (or a child) in front of you.
pub(super) fn urgent(s: &Situation) -> bool {
    s.needs & (Need::AcuteDanger.bit() | Need::TalkNow.bit() | Need::ProtectedHousing.bit()) != 0
        || s.roles & (Role::Subjected.bit() | Role::Child.bit()) != 0
}

/// The first line of the routing model that fits the situation and can be
/// phoned at this instant (its position, and whether it is shown first).
pub(super) fn line_for(
    ix: &FacetIndex,
    rs: &index::RoutingState,
    s: &Situation,
    moment: &Moment,
    sched_open: &mut [Option<bool>],
) -> Option<(u32, bool)> {
    rs.routing.lines_for(s).find_map(|(id, first)| {
        let pos = *rs.line_pos.get(id)?;
        let e = &ix.entries.get(pos as usize);
        let open = e.flags & FLAG_REACHABLE != 0
            && (e.flags & FLAG_ALWAYS_OPEN != 0 || {
                let slot = &mut sched_open[e.sched as usize];
                *slot.get_or_insert_with(|| ix.schedules[e.sched as usize].is_open_at(moment))
            });
        open.then_some((pos, first))
    })
}

/// How many of the ranked candidates the list needs: a few beyond the limit
/// (the urgent rule may pull reachable help up).
pub(super) fn keep(limit: usize) -> usize {
    limit + 8
}

/// Orders, limits and completes the ranked candidates.
pub(super) fn complete(
    ix: &FacetIndex,
    mut cands: Vec<Candidate>,
    situation: &Situation,
    line: Option<(u32, bool)>,
    limit: usize,
) -> Vec<Candidate> {
    let order = super::rank::order;
    let keep = keep(limit);
    if cands.len() > keep {
        cands.select_nth_unstable_by(keep - 1, order);
        cands.truncate(keep);
    }
    cands.sort_by(order);
    // Urgent: a closed service never holds a top-three slot while fitting
    // reachable help exists further down.
    if urgent(situation) {
        for slot in 0..3.min(cands.len()) {
            if cands[slot].reachable_now {
                continue;
            }
            if let Some(j) = (slot + 1..cands.len())
                .find(|&j| cands[j].reachable_now && cands[j].fit != Fit::OutOfPlace)
            {
                let c = cands.remove(j);
                cands.insert(slot, c);
            }
        }
    }
    cands.truncate(limit);
    // The line that always answers: in every list, within the top three.
    if let Some((line, first)) = line {
        // Always within the top three: an on-call service may answer now, but
        // the line is the one that answers around the clock, whatever happens.
        let at_pos = cands.iter().position(|c| c.pos == line);
        // Above anything in the top three that cannot be reached now.
        let want = if first {
            0
        } else {
            cands
                .iter()
                .take(2)
                .position(|c| !c.reachable_now && c.pos != line)
                .unwrap_or(2)
        };
        match at_pos {
            Some(i) if i <= want => cands[i].why |= WHY_LINE,
            Some(i) => {
                let mut c = cands.remove(i);
                c.why |= WHY_LINE;
                cands.insert(want.min(cands.len()), c);
            }
            None => {
                if cands.len() >= limit {
                    cands.pop();
                }
                let c = Candidate {
                    pos: line,
                    rowid: ix.entries.get(line as usize).rowid,
                    score: 0.0,
                    distance: None,
                    reachable_now: true,
                    fit: Fit::Neutral,
                    why: WHY_LINE | WHY_REACHABLE_NOW,
                };
                cands.insert(want.min(cands.len()), c);
            }
        }
    }
    // 112 is first only in danger now (every list has the fixed 112 action).
    if !situation.danger() && cands.len() > 1 {
        let emergency =
            |c: &Candidate| ix.entries.get(c.pos as usize).kind == AgencyKind::Emergency as u8;
        if emergency(&cands[0]) {
            if let Some(j) = cands.iter().position(|c| !emergency(c)) {
                let c = cands.remove(j);
                cands.insert(0, c);
            }
        }
    }
    cands
}
