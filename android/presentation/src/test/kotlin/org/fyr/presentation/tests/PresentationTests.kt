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
        ContactAction(ContactKind.CALL, "070-174 06 12", "\u2066070-174 06 12\u2069", "tel:+46701740612", "Ring 070-174 06 12", true),
        ContactAction(ContactKind.TEXT, "070-174 06 13", "\u2066070-174 06 13\u2069", "sms:+46701740613", "Sms till 070-174 06 13 · Sms-linje", true),
        ContactAction(ContactKind.CALL, "070-174 06 14", "\u2066070-174 06 14\u2069", "tel:+46701740614", "Ring 070-174 06 14 · Jour", false),
        ContactAction(ContactKind.CHAT, "070-174 06 15", "\u2066070-174 06 15\u2069", "https://example.org/chatt", "Chatta", null),
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
        // Only the toggles live here; the query the form makes is the core's
        // (tested against the real library in tests/kotlin ShellTests: searchForm).
        test("filters toggle on and off; the form carries what was picked, untouched") {
            val f = FilterState().toggleGroup("women").toggleNeed("protected_housing").toggleNeed("acute_danger").copy(openNow = true)
            val form = f.withText("  jour ").form()
            checkEq("  jour ", form.text, "words as typed (the core trims)")
            checkEq(null, form.municipality, "no pick: the core uses home")
            checkEq(setOf("acute_danger", "protected_housing"), form.needs.toSet(), "needs")
            checkEq(true, form.openNow, "open now")
            checkEq(0u, form.limit, "the core's default length")
            val off = f.toggleGroup("women").toggleNeed("acute_danger").toggleNeed("protected_housing").copy(openNow = false)
            checkEq(FilterState(), off, "toggled off")
            checkEq(FilterState(), FilterState(openNow = true, nearMe = true).clearFilters(), "cleared")
        }
        test("a removed reading chip is remembered for the same words and forgotten for new ones") {
            val f = FilterState().withText("min man slar mig").withoutReading("form:physical").withoutReading("group:men")
            checkEq(setOf("form:physical", "group:men"), f.form().without.toSet(), "removed readings")
            checkEq(setOf("form:physical", "group:men"), f.withText("min man slar mig ").form().without.toSet(), "same words")
            checkEq(emptyList<String>(), f.withText("pappa slar mamma").form().without, "new words")
        }
    }
}

class ErrorKindTests : Suite("presentation.errors") {
    init {
        test("each failure maps to the core's kind, so the screen shows the core's words and never an exception name") {
            checkEq(ErrorKind.INVALID_INPUT, errorKind(FyrException.InvalidInput("unknown municipality 'Ljungbyy'")), "bad input")
            checkEq(ErrorKind.SCREENINGS_LOCKED, errorKind(FyrException.ScreeningsLocked("no key")), "locked")
            checkEq(ErrorKind.NOT_YET, errorKind(FyrException.NotYet("next check 2026-12-24T22:00:00Z")), "not due")
            checkEq(ErrorKind.SYNC, errorKind(FyrException.Cancelled("sync cancelled")), "cancelled sync")
            // A failed library load on an odd device is an Error, not an Exception: still a kind, never a crash.
            checkEq(ErrorKind.INTERNAL, errorKind(UnsatisfiedLinkError("dlopen failed: libfyr_ffi.so not found")), "library load")
            checkEq(ErrorKind.INTERNAL, errorKind(java.security.KeyStoreException("Keystore operation failed")), "keystore")
        }
    }
}

fun presentationSuites(): List<Suite> = listOf(HitCardTests(), ScreeningStepTests(), FilterStateTests(), ErrorKindTests())
