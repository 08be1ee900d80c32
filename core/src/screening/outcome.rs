//! A completed screening's outcome: the result, the level offered to
//! override, and the referrals resolved against the directory — for the
//! person, and the consultation for the worker.

use super::*;

impl Fyr {
    /// The outcome shown for a completed session: one definition for
    /// `complete_screening` and `screening_result`.
    pub(super) fn outcome(
        &self,
        s: &Sealed,
        ev: &Evaluation,
        (referrals, consultation): (Vec<ServiceHit>, Vec<ServiceHit>),
    ) -> ScreeningOutcome {
        let lang = self.lang();
        let (level_label, red_flags, missing_key) = shown_parts(&s.checklist, ev, lang);
        ScreeningOutcome {
            session_id: s.session.id.clone(),
            checklist: s.checklist.id.clone(),
            version: s.checklist.version,
            level: ev.level.clone(),
            level_label,
            not_assessed: ev.not_assessed,
            missing_key,
            acute: ev.acute,
            score: ev.score,
            red_flags,
            unanswered: ev.unanswered,
            incomplete: ev.incomplete,
            actions: {
                // The level's actions, then those for the user's own role.
                let role = self.settings().ok().and_then(|st| st.agency_kind);
                let mut a: Vec<String> = ev.actions.iter().map(|t| lang_text(t, lang)).collect();
                if let (Some(role), Some(level)) =
                    (role, s.checklist.levels.iter().find(|l| l.id == ev.level))
                {
                    a.extend(
                        level
                            .role_actions
                            .iter()
                            .filter(|r| r.agency_kinds.contains(&role))
                            .map(|r| lang_text(&r.text, lang)),
                    );
                }
                a
            },
            referrals,
            consultation,
            leads_to: ev.leads_to.clone(),
            override_used: ev.override_used,
            municipality: s.session.municipality.clone(),
            contact_taken: s.session.contact_taken,
            confidentiality: self
                .settings()
                .ok()
                .and_then(|st| st.agency_kind)
                .and_then(|k| self.confidentiality(k).ok().flatten()),
        }
    }

    /// [`Self::resolve_referrals`] for a stored screening: its checklist's
    /// subject and its municipality.
    pub(super) fn referrals_of(
        &self,
        s: &Sealed,
        ev: &Evaluation,
        at: DateTime<Utc>,
    ) -> Result<(Vec<ServiceHit>, Vec<ServiceHit>)> {
        self.resolve_referrals(
            ev,
            s.checklist.subject.id(),
            s.session.municipality.as_deref(),
            at,
        )
    }

    /// Directory entries for an evaluation's referral queries: services
    /// covering the municipality (national ones when none is known) that can
    /// be phoned or chatted with, restricted through the routing model by who
    /// the checklist is about (`subject`: nothing out of place for that
    /// person), reachable now first; the line that always answers is in the
    /// top three, first when the level asks for a 24/7 line (112 at an acute
    /// level or one that refers to acute danger, as the routing model's lines say).
    pub fn resolve_referrals(
        &self,
        ev: &Evaluation,
        subject: &str,
        municipality: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(Vec<ServiceHit>, Vec<ServiceHit>)> {
        let referrals = self.referrals_for_the_person(ev, subject, municipality, at)?;
        let consultation = self.consultation_for_the_worker(ev, municipality, at)?;
        Ok((referrals, consultation))
    }

    /// Lines where the worker can consult (need `consultation`) for the
    /// level's forms of violence: reachable now first, at most three.
    fn consultation_for_the_worker(
        &self,
        ev: &Evaluation,
        municipality: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ServiceHit>> {
        let mut forms: Vec<Form> = Vec::new();
        for q in &ev.referrals {
            for f in &q.forms {
                if !forms.contains(f) {
                    forms.push(*f);
                }
            }
        }
        let mut out: Vec<ServiceHit> = Vec::new();
        for f in forms {
            for h in self.search(&SearchQuery {
                municipality: municipality.map(str::to_string),
                needs: vec![Need::Consultation],
                forms: vec![f],
                at: Some(at),
                limit: 3,
                ..Default::default()
            })? {
                if h.needs.contains(&Need::Consultation) && !out.iter().any(|x| x.id == h.id) {
                    out.push(h);
                }
            }
        }
        out.sort_by_key(|h| h.open_now != Some(true));
        out.truncate(3);
        Ok(out)
    }

    fn referrals_for_the_person(
        &self,
        ev: &Evaluation,
        subject: &str,
        municipality: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ServiceHit>> {
        let ix = self.store().index();
        let Some(rs) = ix.routing.clone() else {
            return Err(Error::Content("no routing model".into()));
        };
        // The level's whole situation: every referral query and the subject.
        let mut level = Situation {
            groups: rs.routing.subject_groups(subject),
            ..Default::default()
        };
        for q in &ev.referrals {
            level = level.union(Situation::new(&q.groups, &q.needs, &q.forms));
        }
        let route = rs.routing.route(&level);
        let mut out: Vec<ServiceHit> = Vec::new();
        for q in &ev.referrals {
            let needs: Vec<Option<Need>> = if q.needs.is_empty() {
                vec![None]
            } else {
                q.needs.iter().copied().map(Some).collect()
            };
            for need in needs {
                let hits = self.search(&SearchQuery {
                    municipality: municipality.map(str::to_string),
                    needs: need.into_iter().collect(),
                    groups: q.groups.clone(),
                    forms: q.forms.clone(),
                    at: Some(at),
                    limit: 6,
                    context: level,
                    ..Default::default()
                })?;
                let mut taken = 0;
                for h in hits {
                    let needs_bits = h.needs.iter().fold(0, |a, n| a | n.bit());
                    let groups_bits = h.groups.iter().fold(0, |a, g| a | g.bit());
                    // A consultation line is for the worker: its own slot.
                    if (municipality.is_none() && !h.national)
                        || h.needs.contains(&Need::Consultation)
                        || !h.reachable
                        || route.fit(h.agency_kind as u8, needs_bits, groups_bits)
                            == Fit::OutOfPlace
                        || out.iter().any(|x| x.id == h.id)
                    {
                        continue;
                    }
                    out.push(h);
                    taken += 1;
                    if taken == 4 {
                        break;
                    }
                }
            }
        }
        // Reachable now first; keep the ranking otherwise.
        out.sort_by_key(|h| h.open_now != Some(true));
        // At an acute level someone may be in danger now: the line is 112
        // (the routing model's line for acute danger, shown first).
        let mut line_situation = level;
        if ev.acute {
            line_situation.needs |= Need::AcuteDanger.bit();
        }
        let line = {
            let c = self.store().dir();
            crate::search::line_hit(&c, &ix, &line_situation, at, self.lang())?
        };
        if let Some((line, first)) = line {
            out.retain(|h| h.id != line.id);
            // First when the model says so (112 when a level refers to acute
            // danger) or the level asks for a 24/7 line; else above anything
            // in the top three that cannot be reached now.
            let at_pos = if first || ev.include_24_7 {
                0
            } else {
                out.iter()
                    .take(2)
                    .position(|h| h.open_now != Some(true))
                    .unwrap_or(2)
                    .min(out.len())
            };
            out.insert(at_pos, line);
        }
        Ok(out)
    }
}
