// How a search result is laid out: a card with its badges, open state,
// distance and contact actions. Every text and URI comes from the core
// (`ServiceHit.card`: subtitle, badges, distance text, one ContactAction per
// phone with its tel:/sms:/chat URI and label); this only arranges them.
package org.fyr.presentation

import org.fyr.core.ServiceHit
import org.fyr.core.types.ContactAction
import org.fyr.core.types.ContactKind

/** How the open state is coloured: open, closed, or not known. */
enum class OpenState { OPEN, CLOSED, UNKNOWN }

data class HitRow(
    val id: String,
    val title: String,
    val subtitle: String,
    val badges: List<String>,
    val openLine: String,
    val openState: OpenState,
    val distance: String?,
    val actions: List<ContactAction>,
) {
    /** The first action of each kind, for the row of buttons on a list card (the service screen shows all). */
    val primaryActions: List<ContactAction> get() = actions.distinctBy { it.kind }
}

fun hitRow(hit: ServiceHit): HitRow = HitRow(
    id = hit.id,
    title = hit.name,
    subtitle = hit.card.subtitle,
    badges = hit.card.badges,
    openLine = hit.openText,
    openState = when (hit.openNow) { true -> OpenState.OPEN; false -> OpenState.CLOSED; null -> OpenState.UNKNOWN },
    distance = hit.card.distanceText,
    actions = hit.card.actions,
)

/** Which platform intent an action needs: dial, send to, or view a link (a chat is never dialled). */
enum class OpenWith { DIAL, SEND_TO, VIEW }

fun openWith(action: ContactAction): OpenWith = when (action.kind) {
    ContactKind.CALL -> OpenWith.DIAL
    ContactKind.TEXT -> OpenWith.SEND_TO
    ContactKind.CHAT -> OpenWith.VIEW
}
