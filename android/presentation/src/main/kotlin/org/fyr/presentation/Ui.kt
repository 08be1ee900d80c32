// UI texts in Swedish and English. Plain Kotlin: no Android dependency.
package org.fyr.presentation

enum class UiLang { SV, EN;
    companion object {
        fun of(id: String): UiLang = if (id.trim().lowercase() == "en") EN else SV
    }
}

class Ui(val lang: UiLang) {
    private fun t(sv: String, en: String) = if (lang == UiLang.SV) sv else en

    val demo get() = t("DEMO – påhittat nummer", "DEMO – fictional number")
    val unverified get() = t("Ej verifierad", "Unverified")
    val national get() = t("Hela landet", "National")
    val call get() = t("Ring", "Call")
    val text get() = t("Sms", "Text")
    val chat get() = t("Chatt", "Chat")
    val copy get() = t("Kopiera", "Copy")
    val yes get() = t("Ja", "Yes")
    val no get() = t("Nej", "No")
    val unknown get() = t("Vet inte", "Don't know")
    val back get() = t("Tillbaka", "Back")
    val finish get() = t("Visa resultat", "Show result")
    val openNow get() = t("Öppet nu", "Open now")
    val nearMe get() = t("Nära mig", "Near me")
    val neverSynced get() = t("Aldrig synkad – inbyggd katalog används", "Never synced – using the built-in directory")
    val outboxEmpty get() = t("Inget väntar på att skickas", "Nothing waiting to be sent")

    fun question(n: Int, of: Int) = t("Fråga $n av $of", "Question $n of $of")
    fun dataVersion(v: ULong, ageDays: UInt?) = when (ageDays) {
        null -> t("Katalogversion $v", "Directory version $v")
        0u -> t("Katalogversion $v, från i dag", "Directory version $v, from today")
        1u -> t("Katalogversion $v, 1 dag gammal", "Directory version $v, 1 day old")
        else -> t("Katalogversion $v, $ageDays dagar gammal", "Directory version $v, $ageDays days old")
    }
    fun lastSync(ago: String, result: String?) =
        t("Senaste synk: $ago", "Last sync: $ago") + (result?.let { " ($it)" } ?: "")
    fun nextAttempt(inText: String) = t("Nästa försök $inText", "Next attempt $inText")
    fun outbox(n: UInt, quarantined: UInt): String {
        val base = t("$n väntar på att skickas", "$n waiting to be sent")
        return if (quarantined > 0u) base + t(" ($quarantined avvisade, visas i utkorgen)", " ($quarantined rejected, shown in the outbox)") else base
    }
    fun ago(minutes: Long): String = when {
        minutes < 1 -> t("nyss", "just now")
        minutes < 60 -> t("för $minutes min sedan", "$minutes min ago")
        minutes < 48 * 60 -> t("för ${minutes / 60} h sedan", "${minutes / 60} h ago")
        else -> t("för ${minutes / (24 * 60)} dagar sedan", "${minutes / (24 * 60)} days ago")
    }
    fun inTime(minutes: Long): String = when {
        minutes < 1 -> t("nu", "now")
        minutes < 60 -> t("om $minutes min", "in $minutes min")
        minutes < 48 * 60 -> t("om ${minutes / 60} h", "in ${minutes / 60} h")
        else -> t("om ${minutes / (24 * 60)} dagar", "in ${minutes / (24 * 60)} days")
    }
    // Tabs and screen titles
    val tabSearch get() = t("Sök", "Search")
    val tabScreening get() = t("Bedömning", "Screening")
    val tabStatus get() = t("Status", "Status")
    val tabSettings get() = t("Inställningar", "Settings")
    val loading get() = t("Hämtar …", "Loading …")

    // Search
    val searchHint get() = t("Sök stöd, t.ex. kvinnojour", "Search, e.g. women's shelter")
    val municipality get() = t("Kommun", "Municipality")
    fun homeMunicipality(name: String?) = name?.let { t("Hemkommun ($it)", "Home municipality ($it)") } ?: t("Alla kommuner", "All municipalities")
    val noPosition get() = t("Ingen position än – slå på platstjänster och försök igen", "No position yet – turn on location and try again")
    val locationDenied get() = t("Utan platsbehörighet sorteras inte efter avstånd", "Without location permission results are not sorted by distance")
    val noResults get() = t("Inga träffar", "No results")

    // Service
    val noAppForAction get() = t("Ingen app på telefonen kan öppna detta – numret är kopierat", "No app on this phone can open this – the number was copied")
    val copied get() = t("Kopierat", "Copied")
    val reportWrong get() = t("Fel nummer eller stängt? Rapportera", "Wrong number or closed? Report it")
    val reportHint get() = t("Vad stämmer inte? Skriv aldrig namn eller personnummer.", "What is wrong? Never write names or identity numbers.")
    val send get() = t("Skicka", "Send")
    val reportQueued get() = t("Rapporten skickas vid nästa synk", "The report is sent at the next sync")

    // Screening
    val startNew get() = t("Ny bedömning", "New screening")
    val resume get() = t("Fortsätt påbörjad bedömning", "Resume a screening in progress")
    fun resumeLine(answered: UInt) = t("Påbörjad, $answered svar", "In progress, $answered answers")
    val skip get() = t("Hoppa över", "Skip")
    val discard get() = t("Kasta bedömningen", "Discard the screening")
    val discardConfirm get() = t("Kasta bedömningen? Svaren raderas från telefonen.", "Discard the screening? The answers are deleted from this phone.")
    val cancel get() = t("Avbryt", "Cancel")
    val hide get() = t("Dölj", "Hide")
    val overrideTitle get() = t("Professionell bedömning (valfritt): höj nivån", "Professional judgement (optional): raise the level")
    val overrideNone get() = t("Ingen ändring", "No change")
    val reason get() = t("Skäl (krävs vid ändrad nivå)", "Reason (needed when the level is changed)")
    val note get() = t("Anteckning (stannar krypterad på telefonen)", "Note (stays encrypted on this phone)")
    fun unanswered(n: UInt) = t("$n frågor obesvarade – resultatet är ofullständigt", "$n questions unanswered – the result is incomplete")
    val notAssessed get() = t("Inte bedömd: för få svar", "Not assessed: too few answers")
    val overrideUsed get() = t("Nivån är höjd efter professionell bedömning", "The level was raised by professional judgement")
    val leadsTo get() = t("Gå vidare med", "Continue with")
    val actions get() = t("Gör nu", "Do now")
    val referrals get() = t("Hänvisa till", "Refer to")
    val redFlags get() = t("Allvarliga riskfaktorer", "Red flags")
    val done get() = t("Klar", "Done")
    val keyProblem get() = t(
        "Nyckeln för bedömningar kunde inte läsas på den här telefonen. Sök fungerar; bedömningar går inte att spara.",
        "The key for screenings could not be read on this phone. Search works; screenings cannot be saved.",
    )

    // Status and settings
    val syncNow get() = t("Synka nu", "Sync now")
    val syncQueued get() = t("Synk startar när det finns täckning", "Sync starts when there is coverage")
    val language get() = t("Språk", "Language")
    val agency get() = t("Verksamhet", "Agency")
    val retention get() = t("Spara avslutade bedömningar, dagar", "Keep completed screenings, days")
    val save get() = t("Spara", "Save")
    val saved get() = t("Sparat", "Saved")
    val enroll get() = t("Anslut telefonen", "Enroll this phone")
    val enrollHint get() = t("Anslut telefonen: be din samordnare om en kod", "Enroll this phone: ask your coordinator for a code")
    val enrollCode get() = t("Kod", "Code")
    val scanCode get() = t("Skanna QR-kod", "Scan QR code")
    val noScanner get() = t("Ingen QR-skanner på telefonen – skriv in koden", "No QR scanner on this phone – type the code")

    fun filters(n: Int) = if (n == 0) t("Filter", "Filters") else t("Filter ($n)", "Filters ($n)")
}
