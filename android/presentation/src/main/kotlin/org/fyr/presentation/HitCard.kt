// How a search result is shown: a card with badges, the open state and the
// contact actions (tel:/sms: URIs the shell hands to the platform).
package org.fyr.presentation

import org.fyr.core.PhoneHit
import org.fyr.core.ServiceHit
import java.util.Locale

enum class ContactKind { CALL, TEXT, CHAT }

data class ContactAction(val kind: ContactKind, val number: String, val uri: String, val label: String)

data class HitCard(
    val id: String,
    val title: String,
    val subtitle: String,
    val badges: List<String>,
    val openLine: String,
    val isOpen: Boolean?,
    val distance: String?,
    val actions: List<ContactAction>,
)

/** The digits (and a leading +) of a number as written in Sweden, e.g. "070-174 06 05" → "0701740605". */
fun dialable(number: String): String {
    val trimmed = number.trim()
    val digits = trimmed.filter { it.isDigit() }
    return if (trimmed.startsWith("+")) "+$digits" else digits
}

/**
 * The action for one phone. A chat is never dialled: it opens the service's
 * https web page (where its chat is) or, without one, a text message.
 */
fun contactActions(phone: PhoneHit, ui: Ui, web: String? = null): List<ContactAction> {
    val n = dialable(phone.number)
    if (n.isEmpty()) return emptyList()
    val suffix = phone.label?.let { " – $it" } ?: ""
    return when (phone.kind) {
        "sms" -> listOf(ContactAction(ContactKind.TEXT, phone.number, "sms:$n", "${ui.text} ${phone.number}$suffix"))
        "chat" -> {
            val page = web?.trim()?.takeIf { it.startsWith("https://") }
            listOf(ContactAction(ContactKind.CHAT, phone.number, page ?: "sms:$n", "${ui.chat} ${phone.number}$suffix"))
        }
        else -> listOf(ContactAction(ContactKind.CALL, phone.number, "tel:$n", "${ui.call} ${phone.number}$suffix"))
    }
}

/** "850 m" under a kilometre, "2,3 km" / "2.3 km" under ten, whole kilometres beyond. */
fun formatDistance(km: Double, ui: Ui): String {
    val locale = if (ui.lang == UiLang.SV) Locale.forLanguageTag("sv-SE") else Locale.UK
    return when {
        km < 1.0 -> "${(km * 1000).toInt() / 10 * 10} m"
        km < 10.0 -> String.format(locale, "%.1f km", km).replace('\u00a0', ' ')
        else -> "${Math.round(km)} km"
    }
}

fun hitCard(hit: ServiceHit, ui: Ui): HitCard {
    val badges = buildList {
        if (hit.demo) add(ui.demo)
        if (!hit.verified) add(ui.unverified)
        if (hit.national) add(ui.national)
    }
    return HitCard(
        id = hit.id,
        title = hit.name,
        subtitle = if (hit.organization == hit.name) hit.agencyLabel else "${hit.organization} · ${hit.agencyLabel}",
        badges = badges,
        openLine = hit.openText,
        isOpen = hit.openNow,
        // A shelter's (or any entry's without coordinates) distance is to the
        // municipality's centre: say it is approximate.
        distance = hit.distanceKm?.let { (if (hit.distanceApproximate) "≈ " else "") + formatDistance(it, ui) },
        actions = hit.phones.flatMap { contactActions(it, ui, hit.web) },
    )
}
