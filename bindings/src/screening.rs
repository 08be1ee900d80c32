//! The screening half of [`FyrCore`]: checklists, sessions (start, answer,
//! back, resume, complete, discard), results and their override levels, and
//! screenings a lost key made unreadable.

use crate::*;

#[uniffi::export]
impl FyrCore {
    pub fn checklists(&self) -> Result<Vec<ChecklistSummary>, FyrError> {
        guard("checklists", || {
            let lists = self.inner.checklists().map_err(convert::error)?;
            Ok(lists
                .into_iter()
                .map(|c| convert::checklist(c, self.lang))
                .collect())
        })
    }

    /// Starts a screening session pinned to the checklist's current version.
    /// `municipality` (name or SCB code) picks the referrals; default: the
    /// home municipality from the settings.
    pub fn start_screening(
        &self,
        checklist_id: String,
        municipality: Option<String>,
    ) -> Result<ScreeningView, FyrError> {
        guard("start_screening", || {
            self.inner
                .start_screening(&checklist_id, municipality.as_deref(), Utc::now())
                .map(convert::view)
                .map_err(convert::error)
        })
    }

    /// Where a session stands: for resuming after a restart.
    pub fn screening(&self, session_id: String) -> Result<ScreeningView, FyrError> {
        guard("screening", || {
            self.inner
                .screening(&session_id)
                .map(convert::view)
                .map_err(convert::error)
        })
    }

    pub fn answer(
        &self,
        session_id: String,
        item_id: String,
        answer: Answer,
    ) -> Result<ScreeningView, FyrError> {
        guard("answer", || {
            let a = convert::answer(&answer)?;
            self.inner
                .answer(&session_id, &item_id, a, Utc::now())
                .map(convert::view)
                .map_err(convert::error)
        })
    }

    pub fn back(&self, session_id: String) -> Result<ScreeningView, FyrError> {
        guard("back", || {
            self.inner
                .back(&session_id)
                .map(convert::view)
                .map_err(convert::error)
        })
    }

    /// Sessions on this device, in progress and completed (within retention).
    pub fn screenings(&self) -> Result<Vec<ScreeningSummary>, FyrError> {
        guard("screenings", || {
            Ok(self
                .inner
                .screenings()
                .map_err(convert::error)?
                .into_iter()
                .map(|s| convert::summary(s, self.lang))
                .collect())
        })
    }

    /// The levels the professional may raise this session's result to,
    /// lowest first, with Swedish and English labels (the override picker):
    /// only levels above the current result, never the lowest level while key
    /// questions are unanswered. Empty when no override is possible.
    pub fn override_levels(&self, session_id: String) -> Result<Vec<OverrideLevel>, FyrError> {
        guard("override_levels", || {
            Ok(self
                .inner
                .override_levels(&session_id)
                .map_err(convert::error)?
                .into_iter()
                .map(|l| convert::override_level(l, self.lang))
                .collect())
        })
    }

    /// Completes a session: its level, red flags, actions and referrals, and one
    /// anonymous statistics event in the outbox. An override raises the level
    /// and needs a reason; `note` stays encrypted on the device.
    pub fn complete_screening(
        &self,
        session_id: String,
        level_override: Option<LevelOverride>,
        note: Option<String>,
    ) -> Result<ScreeningOutcome, FyrError> {
        self.complete_screening_with_contact(session_id, level_override, note, None)
    }

    /// As `complete_screening`, with samråd: the agency kind id (see
    /// `vocabularies`) contact was taken with, sent anonymously with the
    /// statistic. An unknown id is `InvalidInput`.
    pub fn complete_screening_with_contact(
        &self,
        session_id: String,
        level_override: Option<LevelOverride>,
        note: Option<String>,
        contact_taken: Option<String>,
    ) -> Result<ScreeningOutcome, FyrError> {
        guard("complete_screening", || {
            let ov = level_override.as_ref().map(convert::level_override);
            let contact = match contact_taken.as_deref() {
                None => None,
                Some(k) => Some(fyr_core::vocab::AgencyKind::parse(k).ok_or_else(|| {
                    FyrError::InvalidInput {
                        message: format!("unknown agency kind '{k}'"),
                    }
                })?),
            };
            self.inner
                .complete_screening_with_contact(&session_id, ov, note, contact, Utc::now())
                .map(|o| convert::outcome(o, self.lang))
                .map_err(convert::error)
        })
    }

    /// A completed session's outcome again, from its sealed record: for
    /// showing the result after the app's process was ended. Referrals are
    /// resolved now (so "open now" is current). A session not completed is
    /// an `InvalidInput` error.
    pub fn screening_result(&self, session_id: String) -> Result<ScreeningOutcome, FyrError> {
        guard("screening_result", || {
            self.inner
                .screening_result(&session_id, Utc::now())
                .map(|o| convert::outcome(o, self.lang))
                .map_err(convert::error)
        })
    }

    /// Starts using a new screening key (64 hex digits) when screenings are
    /// locked: every sealed session is set aside (kept, listed by
    /// `unreadable_screenings`, purged after the retention period). Returns
    /// how many were set aside. Store the new key in the keystore first.
    pub fn reset_screening_key(&self, new_key_hex: String) -> Result<u32, FyrError> {
        guard("reset_screening_key", || {
            let key = convert::key(&new_key_hex)?;
            self.inner
                .reset_screening_key(key, Utc::now())
                .map(|n| n as u32)
                .map_err(convert::error)
        })
    }

    /// Sessions set aside by a key reset: unreadable, purged after the retention period.
    pub fn unreadable_screenings(&self) -> Result<Vec<UnreadableScreening>, FyrError> {
        guard("unreadable_screenings", || {
            let days = self
                .inner
                .settings()
                .map_err(convert::error)?
                .retention_days;
            Ok(self
                .inner
                .unreadable_screenings()
                .map_err(convert::error)?
                .into_iter()
                .map(|a| convert::unreadable(a, days))
                .collect())
        })
    }

    pub fn discard_screening(&self, session_id: String) -> Result<(), FyrError> {
        guard("discard_screening", || {
            self.inner
                .discard_screening(&session_id)
                .map_err(convert::error)
        })
    }
}
