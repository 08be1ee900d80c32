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
    fun filters(n: Int) = if (n == 0) t("Filter", "Filters") else t("Filter ($n)", "Filters ($n)")
}
