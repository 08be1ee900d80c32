// Tests of the Android presentation module: plain Kotlin, run on the JVM by
// scripts/ci-kotlin.sh (and by Gradle's :presentation:jvmTest). They build
// binding records directly; no native library is needed. What the core
// formats (texts, URIs, counters) is tested in the core and in tests/kotlin.
package org.fyr.presentation.tests

import org.fyr.core.*
import org.fyr.core.types.*
import org.fyr.presentation.*
import org.fyr.testkit.*

fun sampleCard(
    distance: String? = "2,3 km",
    actions: List<ContactAction> = listOf(
        ContactAction(ContactKind.CALL, "070-174 06 12", "tel:+46701740612", "Ring 070-174 06 12", true),
        ContactAction(ContactKind.TEXT, "070-174 06 13", "sms:+46701740613", "Sms till 070-174 06 13 · Sms-linje", true),
        ContactAction(ContactKind.CALL, "070-174 06 14", "tel:+46701740614", "Ring 070-174 06 14 · Jour", false),
        ContactAction(ContactKind.CHAT, "070-174 06 15", "https://example.org/chatt", "Chatta", null),
    ),
) = HitCard(
    subtitle = "Kvinnojouren Ljungby · Kvinnojour",
    badges = listOf("DEMO – ej verifierad"),
    distanceText = distance,
    actions = actions,
)

fun sampleHit(openNow: Boolean? = true, card: HitCard = sampleCard()) = ServiceHit(
    id = "ljungby-kvinnojour", name = "Kvinnojouren i Ljungby", organization = "Kvinnojouren Ljungby",
    agencyKind = "womens_shelter", agencyLabel = "Kvinnojour", municipalities = listOf("0781"), national = false, county = null, area = "Ljungby",
    groups = listOf("women"), needs = listOf("protected_housing"), forms = listOf("physical"), phones = emptyList(),
    openNow = openNow, nextChange = "2026-02-10T15:00:00Z", openText = "Öppet, stänger 16:00", reachable = true, openChannel = null, alwaysOpen = false, onCall = false,
    distanceKm = 2.345, distanceApproximate = false, verified = false, demo = true, web = "https://example.org/chatt", card = card,
)

fun view(answered: UInt, visible: UInt, item: ScreeningItem?, counter: String, canGoBack: Boolean = answered > 0u) =
    ScreeningView("s1", "adult_first_step", 2L, "Första bedömning", null, item, answered, visible, canGoBack, false, "0781", counter)

class HitCardTests : Suite("presentation.hit") {
    init {
        test("the card lays out the core's texts and actions as they are") {
            val card = hitRow(sampleHit())
            checkEq("Kvinnojouren i Ljungby", card.title, "title")
            checkEq("Kvinnojouren Ljungby · Kvinnojour", card.subtitle, "subtitle")
            checkEq(listOf("DEMO – ej verifierad"), card.badges, "badges")
            checkEq("2,3 km", card.distance, "distance")
            checkEq("Öppet, stänger 16:00", card.openLine, "open line")
            checkEq(OpenState.OPEN, card.openState, "open state")
            checkEq(4, card.actions.size, "every action")
        }
        test("a list card shows one action per kind, the first of each") {
            val kinds = hitRow(sampleHit()).primaryActions.map { it.uri }
            checkEq(listOf("tel:+46701740612", "sms:+46701740613", "https://example.org/chatt"), kinds, "primary actions")
        }
        test("each kind opens with its own intent; a chat is viewed, never dialled") {
            val intents = hitRow(sampleHit()).actions.map { openWith(it) }
            checkEq(listOf(OpenWith.DIAL, OpenWith.SEND_TO, OpenWith.DIAL, OpenWith.VIEW), intents, "intents")
        }
        test("unknown open state and no position") {
            val card = hitRow(sampleHit(openNow = null, card = sampleCard(distance = null, actions = emptyList())))
            checkEq(OpenState.UNKNOWN, card.openState, "open state")
            checkEq(null, card.distance, "no distance")
            checkEq(0, card.primaryActions.size, "no actions")
        }
    }
}

class ScreeningStepTests : Suite("presentation.screening") {
    init {
        test("one item at a time with the core's counter, a progress bar and controls") {
            val item = ScreeningItem("strangled", "Risk", "Har personen blivit strypt?", "Även försök", "yes_no", emptyList(), null, null, true)
            val s = screeningStep(view(2u, 8u, item, "Fråga 3 av 8"))
            checkEq("Fråga 3 av 8", s.counter, "counter")
            checkEq(0.25f, s.progress, "progress")
            checkEq(AnswerInput.YesNoUnknown, s.input, "input")
            checkEq(true, s.canGoBack, "back")
            checkEq(false, s.readyToComplete, "ready")
        }
        test("single choice and number items pick their controls") {
            val choice = ScreeningItem("who", null, "Vem?", null, "choice", listOf(Choice("partner", "Partner"), Choice("ex", "Före detta")), null, null, false)
            val s = screeningStep(view(0u, 5u, choice, "Fråga 1 av 5", canGoBack = false))
            check(s.input is AnswerInput.SingleChoice && (s.input as AnswerInput.SingleChoice).choices.size == 2) { "${s.input}" }
            val num = ScreeningItem("children", null, "Hur många barn?", null, "number", emptyList(), 0.0, 20.0, false)
            checkEq(AnswerInput.Number, screeningStep(view(1u, 5u, num, "Fråga 2 av 5")).input, "number input")
        }
        test("no next item means ready to complete") {
            val s = screeningStep(view(6u, 6u, null, "Fråga 6 av 6"))
            checkEq(true, s.readyToComplete, "ready")
            checkEq(1.0f, s.progress, "progress")
            checkEq(null, s.input, "no input")
        }
    }
}

class FilterStateTests : Suite("presentation.filters") {
    init {
        test("filters toggle and count; the query carries them sorted") {
            val f = FilterState().toggleGroup("women").toggleNeed("protected_housing").toggleNeed("acute_danger").copy(openNow = true)
            checkEq(4, f.activeCount, "active")
            checkEq("Filter (4)", f.filtersLabel("Filter"), "filter button")
            checkEq("Filters", FilterState().filtersLabel("Filters"), "no filters on")
            val q = f.withText("  jour ").toQuery(home = "Ljungby")
            checkEq("jour", q.text, "text")
            checkEq("Ljungby", q.municipality, "home municipality used")
            checkEq(listOf("acute_danger", "protected_housing"), q.needs, "needs sorted")
            checkEq(true, q.openNow, "open now")
            checkEq(0, f.toggleGroup("women").toggleNeed("acute_danger").toggleNeed("protected_housing").copy(openNow = false).activeCount, "toggled off")
        }
        test("near me sends the position only when on and known; a chosen municipality beats home") {
            val p = GeoPoint(56.83, 13.94)
            checkEq(null, FilterState(position = p).toQuery(null).near, "near off")
            checkEq(p, FilterState(position = p, nearMe = true).toQuery(null).near, "near on")
            checkEq(null, FilterState(nearMe = true).toQuery(null).near, "no fix yet")
            checkEq("Älmhult", FilterState(municipality = "Älmhult").toQuery("Ljungby").municipality, "chosen municipality")
            checkEq(0, FilterState(openNow = true, nearMe = true).clearFilters().activeCount, "cleared")
        }
        test("a removed reading chip goes into the query; new words are read afresh") {
            val f = FilterState().withText("min man slar mig").withoutReading("form:physical").withoutReading("group:men")
            checkEq(listOf("form:physical", "group:men"), f.toQuery(null).without, "removed readings, sorted")
            checkEq(listOf("form:physical", "group:men"), f.withText("min man slar mig ").toQuery(null).without, "same words")
            checkEq(emptyList<String>(), f.withText("pappa slar mamma").toQuery(null).without, "new words")
        }
    }
}

fun presentationSuites(): List<Suite> = listOf(HitCardTests(), ScreeningStepTests(), FilterStateTests())
