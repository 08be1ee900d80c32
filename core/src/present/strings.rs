//! The user-facing strings of the apps that are not content and not pure
//! layout: tab names, button labels, field labels, section titles and short
//! notices, in Swedish and English, keyed by a typed id. The shells ask for
//! `text(UiText::SyncNow)`; a renamed or removed id fails their compilation.
//!
//! Texts that depend on data (counters, distances, times, status lines,
//! contact labels) are functions in the sibling modules, not entries here.

use crate::vocab::Lang;
use serde::Serialize;

macro_rules! ui_texts {
    ($($variant:ident = $id:literal, $sv:literal, $en:literal;)+) => {
        /// A user-facing string of the apps, by id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum UiText { $($variant,)+ }

        impl UiText {
            pub const ALL: &'static [UiText] = &[$(UiText::$variant,)+];
            /// The stable snake_case id ("sync_now").
            pub fn id(self) -> &'static str { match self { $(UiText::$variant => $id,)+ } }
            pub fn parse(s: &str) -> Option<UiText> {
                match s.trim() { $($id => Some(UiText::$variant),)+ _ => None }
            }
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) { $((UiText::$variant, Lang::Sv) => $sv, (UiText::$variant, Lang::En) => $en,)+ }
            }
        }
    };
}

ui_texts! {
    // Navigation
    AppName = "app_name", "Fyr", "Fyr";
    TabSearch = "tab_search", "Sök", "Search";
    TabScreening = "tab_screening", "Bedömning", "Screening";
    TabHelpCard = "tab_help_card", "Hjälpkort", "Help card";
    TabStatus = "tab_status", "Status", "Status";
    TabSettings = "tab_settings", "Inställningar", "Settings";
    Loading = "loading", "Hämtar …", "Loading …";
    Close = "close", "Stäng", "Close";
    Cancel = "cancel", "Avbryt", "Cancel";
    Ok = "ok", "OK", "OK";
    // Search
    SearchPrompt = "search_prompt", "Sök stöd, t.ex. kvinnojour", "Search for support, e.g. women's shelter";
    OpenNow = "open_now", "Öppet nu", "Open now";
    NearMe = "near_me", "Nära mig", "Near me";
    NearMeUnavailable = "near_me_unavailable", "Platsen är inte känd – avstånd räknas från kommunens centrum", "Your position is not known – distances are from the municipality's centre";
    Filters = "filters", "Filter", "Filters";
    ClearFilters = "clear_filters", "Rensa filter", "Clear filters";
    FilterNeeds = "filter_needs", "Behov", "Needs";
    FilterGroups = "filter_groups", "Vem stödet är för", "Who it is for";
    FilterForms = "filter_forms", "Våldsform", "Form of violence";
    Municipality = "municipality", "Kommun", "Municipality";
    HomeMunicipality = "home_municipality", "Hemkommun", "Home municipality";
    NoResults = "no_results", "Inga träffar. Ta bort ett filter eller sök på ett annat ord.", "No results. Remove a filter or try another word.";
    // A service
    Copy = "copy", "Kopiera", "Copy";
    Copied = "copied", "Numret är kopierat", "Number copied";
    CannotCallEmergency = "cannot_call_emergency", "Den här enheten kan inte ringa. Ring 112 från en telefon eller be någon i närheten ringa.", "This device cannot make calls. Call 112 from a phone or ask someone nearby to call.";
    CannotCall = "cannot_call", "Den här enheten kan inte ringa eller skicka sms – numret är kopierat", "This device cannot call or text – the number was copied";
    Hours = "hours", "Öppettider", "Opening hours";
    Role = "role", "Roll i arbetet mot våld", "Role in the work against violence";
    Web = "web", "Webbplats", "Website";
    Email = "email", "E-post", "Email";
    Address = "address", "Besöksadress", "Visiting address";
    ConfidentialAddress = "confidential_address", "Adressen är skyddad och visas inte", "The address is confidential and not shown";
    VerifiedOn = "verified_on", "Kontrollerad", "Checked";
    Source = "source", "Källa", "Source";
    ReportError = "report_error", "Fel nummer eller stängt? Rapportera", "Wrong number or closed? Report it";
    ReportErrorHint = "report_error_hint", "Välj vad som är fel och skriv kort om uppgiften. Skriv aldrig något om en person – namn, personnummer, telefonnummer och e-post tas inte emot.", "Choose what is wrong and describe the entry briefly. Never write anything about a person – names, identity numbers, phone numbers and e-mail addresses are refused.";
    ReportReasonWrongNumber = "report_reason_wrong_number", "Fel nummer", "Wrong number";
    ReportReasonClosed = "report_reason_closed", "Stängt", "Closed";
    ReportReasonMoved = "report_reason_moved", "Flyttat", "Moved";
    ReportReasonOther = "report_reason_other", "Annat", "Other";
    ReportErrorSend = "report_error_send", "Skicka rapport", "Send report";
    ReportErrorQueued = "report_error_queued", "Tack! Rapporten skickas nästa gång telefonen har täckning.", "Thank you! The report is sent the next time the phone has coverage.";
    // Screening
    Checklists = "checklists", "Checklistor", "Checklists";
    Example = "example", "Exempel – ersätts av regionens instrument", "Example – to be replaced by the region's instrument";
    InProgress = "in_progress", "Påbörjade bedömningar", "Screenings in progress";
    Resume = "resume", "Fortsätt", "Resume";
    Completed = "completed", "Avslutade bedömningar", "Completed screenings";
    NewScreeningKey = "new_screening_key", "Skapa ny nyckel för bedömningar", "Make a new screening key";
    NewScreeningKeyConfirm = "new_screening_key_confirm", "De låsta bedömningarna läggs åt sidan och kan inte läsas igen; de raderas efter lagringstiden. Nya bedömningar fungerar direkt. Fortsätta?", "The locked screenings are set aside and cannot be read again; they are deleted after the retention period. New screenings work at once. Continue?";
    Yes = "yes", "Ja", "Yes";
    No = "no", "Nej", "No";
    Unknown = "unknown", "Vet inte", "Don't know";
    Skip = "skip", "Hoppa över", "Skip";
    Back = "back", "Tillbaka", "Back";
    NumberHint = "number_hint", "Skriv ett tal, t.ex. 2 eller 2,5", "Type a number, e.g. 2 or 2.5";
    NotANumber = "not_a_number", "Det är inte ett tal", "That is not a number";
    ShowResult = "show_result", "Visa resultat", "Show result";
    Discard = "discard", "Släng bedömningen", "Discard the screening";
    DiscardConfirm = "discard_confirm", "Bedömningen och alla svar raderas från telefonen. Det går inte att ångra.", "The screening and all answers are deleted from this phone. This cannot be undone.";
    Hide = "hide", "Dölj", "Hide";
    OverrideTitle = "override_title", "Professionell bedömning", "Professional judgement";
    OverrideHint = "override_hint", "Du kan höja nivån om din bedömning säger det. Skälet krävs.", "You may raise the level when your judgement says so. A reason is required.";
    OverrideNone = "override_none", "Ingen höjning", "No change";
    OverrideReason = "override_reason", "Skäl (krävs)", "Reason (required)";
    Note = "note", "Anteckning (stannar krypterad på telefonen)", "Note (stays encrypted on this phone)";
    ResultLevel = "result_level", "Bedömd nivå", "Assessed level";
    ResultRedFlags = "result_red_flags", "Varningstecken", "Red flags";
    ResultIncomplete = "result_incomplete", "Ofullständig: alla frågor är inte besvarade", "Incomplete: not every question was answered";
    ResultActions = "result_actions", "Gör så här", "What to do";
    ResultReferrals = "result_referrals", "Hänvisa till", "Refer to";
    ResultLeadsTo = "result_leads_to", "Gå vidare med", "Continue with";
    ResultOverrideUsed = "result_override_used", "Nivån är höjd efter professionell bedömning", "The level was raised by professional judgement";
    NewScreening = "new_screening", "Ny bedömning", "New screening";
    // Help card
    HelpCardIntro = "help_card_intro", "Visa kortet för personen du möter, på det språk hen läser bäst.", "Show the card to the person you meet, in the language they read best.";
    HelpCardLanguage = "help_card_language", "Språk", "Language";
    HelpCardNotReviewed = "help_card_not_reviewed", "Översättningen är ännu inte granskad av en modersmålstalare.", "This translation has not yet been reviewed by a native speaker.";
    HelpCardForWomen = "help_card_for_women", "Kvinnor", "Women";
    HelpCardForChildren = "help_card_for_children", "Barn och unga", "Children and young people";
    HelpCardForMen = "help_card_for_men", "Män", "Men";
    HelpCardForPeopleWhoUseViolence = "help_card_for_people_who_use_violence", "Den som utövar våld", "People who use violence";
    // Status
    SyncNow = "sync_now", "Synka nu", "Sync now";
    Syncing = "syncing", "Synkar …", "Syncing …";
    Outbox = "outbox", "Utkorg", "Outbox";
    OutboxRejected = "outbox_rejected", "Avvisad av hubben", "Rejected by the hub";
    // Settings
    Language = "language", "Språk", "Language";
    Agency = "agency", "Min verksamhet", "My agency";
    RetentionDays = "retention_days", "Spara avslutade bedömningar (dagar)", "Keep completed screenings (days)";
    Save = "save", "Spara", "Save";
    Saved = "saved", "Sparat", "Saved";
    NotSet = "not_set", "Inte vald", "Not set";
    // Errors
    SomethingWentWrong = "something_went_wrong", "Något gick fel", "Something went wrong";
    CannotOpen = "cannot_open", "Fyr kunde inte öppna sina uppgifter på telefonen.", "Fyr could not open its data on this phone.";
    KeyProblem = "key_problem", "Nyckeln för bedömningar kunde inte läsas på telefonen. Sök fungerar; bedömningar går inte att spara.", "The key for screenings could not be read on this phone. Search works; screenings cannot be saved.";
    LocationDenied = "location_denied", "Utan platsbehörighet sorteras inte efter avstånd", "Without location permission results are not sorted by distance";
    SyncQueued = "sync_queued", "Synken startar så snart telefonen har täckning", "The sync starts as soon as the phone has coverage";
    Enroll = "enroll", "Anslut telefonen", "Enroll this phone";
    EnrollHint = "enroll_hint", "Anslut telefonen: be din samordnare om en kod", "Enroll this phone: ask your coordinator for a code";
    EnrollCode = "enroll_code", "Kod från samordnaren", "Code from your coordinator";
    ScanCode = "scan_code", "Skanna QR-kod", "Scan QR code";
    NoScanner = "no_scanner", "Ingen QR-skanner på telefonen – skriv in koden", "No QR scanner on this phone – type the code";
    Enrolled = "enrolled", "Telefonen är ansluten", "This phone is enrolled";
    // Round 3 (issue 19): keys, sync policy, discreet mode, location, scanner, errors, states
    KeyReadFailed = "key_read_failed", "Nyckeln för bedömningar gick inte att läsa just nu. Försök igen – inget är förlorat. Sök fungerar under tiden.", "The key for screenings could not be read just now. Try again – nothing is lost. Search works meanwhile.";
    KeyRetry = "key_retry", "Försök läsa nyckeln igen", "Try reading the key again";
    NewScreeningKeyWarning = "new_screening_key_warning", "Med en ny nyckel går de sparade bedömningarna inte längre att läsa. De ligger kvar oläsbara tills lagringstiden raderar dem. Gör detta bara om nyckeln är förlorad för gott.", "With a new key the saved screenings can no longer be read. They stay, unreadable, until the retention period deletes them. Only do this if the key is lost for good.";
    NewScreeningKeyConfirmButton = "new_screening_key_confirm_button", "Ja, gör sparade bedömningar oläsbara", "Yes, make saved screenings unreadable";
    ScreeningsLockedTitle = "screenings_locked_title", "Bedömningarna är låsta", "Screenings are locked";
    StateInProgress = "state_in_progress", "Pågår", "In progress";
    StateCompleted = "state_completed", "Avslutad", "Completed";
    SyncNotYet = "sync_not_yet", "Nästa synk sker automatiskt senare. Tryck Synka nu för att synka direkt.", "The next sync happens automatically later. Tap Sync now to sync at once.";
    SyncRunning = "sync_running", "En synk pågår redan", "A sync is already running";
    NextCheck = "next_check", "Nästa automatiska synk", "Next automatic sync";
    DiscreetMode = "discreet_mode", "Diskret läge (dölj innehållet i appväxlaren och på skärmbilder)", "Discreet mode (hide the content in the app switcher and from screenshots)";
    CopiedSensitive = "copied_sensitive", "Numret är kopierat och försvinner ur urklipp om en stund", "The number was copied and is cleared from the clipboard shortly";
    NearMeLocating = "near_me_locating", "Hämtar din position …", "Finding your position …";
    NearMeNoFix = "near_me_no_fix", "Ingen aktuell position – avstånd räknas från kommunens centrum", "No current position – distances are from the municipality's centre";
    ScanCameraDenied = "scan_camera_denied", "Kameran behövs för att skanna koden – skriv in den i stället", "The camera is needed to scan the code – type it instead";
    ScanPointAtCode = "scan_point_at_code", "Rikta kameran mot QR-koden från samordnaren", "Point the camera at the QR code from your coordinator";
    RetentionOutOfRange = "retention_out_of_range", "Ange ett antal dagar inom gränserna", "Enter a number of days within the limits";
    ErrorInvalid = "error_invalid", "Uppgiften gick inte att använda – kontrollera den och försök igen", "That could not be used – check it and try again";
    ErrorNotFound = "error_not_found", "Det finns inte längre – uppgifterna kan ha uppdaterats", "It no longer exists – the information may have been updated";
    ErrorStorage = "error_storage", "Telefonens lagring gick inte att läsa eller skriva", "The phone's storage could not be read or written";
    ErrorCrypto = "error_crypto", "En krypterad uppgift gick inte att öppna", "An encrypted record could not be opened";
    ErrorLocked = "error_locked", "Bedömningarna är låsta – se fliken Bedömning", "Screenings are locked – see the Screening tab";
    ErrorSync = "error_sync", "Synken misslyckades – den görs om automatiskt", "The sync failed – it is retried automatically";
    OpenBadge = "open_badge", "Öppet nu", "Open now";
    ClosedBadge = "closed_badge", "Stängt nu", "Closed now";
    ExpandFilters = "expand_filters", "Visa filter", "Show filters";
    CollapseFilters = "collapse_filters", "Dölj filter", "Hide filters";
}

/// The text of `id` in `lang`.
pub fn ui_text(id: UiText, lang: Lang) -> &'static str {
    id.get(lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_text_has_a_unique_id_and_both_languages() {
        let mut ids = HashSet::new();
        for t in UiText::ALL {
            assert!(ids.insert(t.id()), "duplicate id {}", t.id());
            assert_eq!(UiText::parse(t.id()), Some(*t));
            for lang in [Lang::Sv, Lang::En] {
                let s = t.get(lang);
                assert!(!s.trim().is_empty(), "{} is empty in {lang:?}", t.id());
                assert_eq!(s.trim(), s, "{} has stray spaces", t.id());
            }
        }
        assert_eq!(ui_text(UiText::SyncNow, Lang::Sv), "Synka nu");
        assert_eq!(ui_text(UiText::SyncNow, Lang::En), "Sync now");
        assert_eq!(UiText::parse("no_such_text"), None);
    }

    #[test]
    fn swedish_texts_are_swedish() {
        // A Swedish text identical to its English one is a forgotten
        // translation, except for words that are the same in both.
        let same_ok = [UiText::AppName, UiText::TabStatus, UiText::Ok];
        for t in UiText::ALL {
            if !same_ok.contains(t) {
                assert_ne!(
                    t.get(Lang::Sv),
                    t.get(Lang::En),
                    "{} is not translated",
                    t.id()
                );
            }
        }
    }
}
