// Tests of the Android presentation module: plain Kotlin, run on the JVM by
// scripts/ci-kotlin.sh (and by Gradle's :presentation:jvmTest). They build
// binding records directly; no native library is needed.
package org.fyr.presentation.tests

import org.fyr.core.*
import org.fyr.presentation.*
import org.fyr.testkit.*
import java.time.Instant

fun sampleHit(
    phones: List<PhoneHit> = listOf(PhoneHit("070-174 06 12", "voice", null, true), PhoneHit("070-174 06 13", "sms", "Sms-linje", true)),
    demo: Boolean = true,
    verified: Boolean = false,
    national: Boolean = false,
    distanceKm: Double? = 2.345,
    openNow: Boolean? = true,
    distanceApproximate: Boolean = false,
) = ServiceHit(
    id = "ljungby-kvinnojour", name = "Kvinnojouren i Ljungby", organization = "Kvinnojouren Ljungby",
    agencyKind = "womens_shelter", agencyLabel = "Kvinnojour", municipalities = listOf("0781"), national = national, county = null, area = "Ljungby",
    groups = listOf("women"), needs = listOf("protected_housing"), forms = listOf("physical"), phones = phones,
    openNow = openNow, nextChange = "2026-02-10T15:00:00Z", openText = "Öppet, stänger 16:00", alwaysOpen = false, onCall = false,
    distanceKm = distanceKm, distanceApproximate = distanceApproximate, verified = verified, demo = demo, web = null,
)

fun view(answered: UInt, visible: UInt, item: ScreeningItem?, canGoBack: Boolean = answered > 0u) =
    ScreeningView("s1", "adult_first_step", 2L, "Första bedömning", null, item, answered, visible, canGoBack, false, "0781")

fun status(
    lastSync: String? = null, lastResult: String? = null, nextAttempt: String? = null,
    outbox: UInt = 0u, quarantined: UInt = 0u, stale: String? = null, age: UInt? = 3u,
    uploadBlocked: String? = null, uploadNote: String? = null,
) = Status("fyr", 7uL, "2026-02-07T10:00:00Z", age, 30u, stale, lastSync, lastResult, null, nextAttempt, 0u, null, outbox, quarantined, uploadBlocked, uploadNote)

class HitCardTests : Suite("presentation.hit") {
    init {
        val sv = Ui(UiLang.SV)
        val en = Ui(UiLang.EN)
        test("numbers become tel:/sms: URIs of their digits") {
            checkEq("0701740612", dialable("070-174 06 12"), "dialable")
            checkEq("+46701740612", dialable("+46 70-174 06 12"), "dialable with +")
            val card = hitCard(sampleHit(), sv)
            checkEq(listOf("tel:0701740612", "sms:0701740613"), card.actions.map { it.uri }, "uris")
            checkEq(listOf(ContactKind.CALL, ContactKind.TEXT), card.actions.map { it.kind }, "kinds")
            check(card.actions[1].label.contains("Sms-linje")) { card.actions[1].label }
        }
        test("demo and unverified entries carry their marks; verified national ones do not") {
            val card = hitCard(sampleHit(), sv)
            check(card.badges.any { it.startsWith("DEMO") }) { "${card.badges}" }
            check(sv.unverified in card.badges) { "${card.badges}" }
            val real = hitCard(sampleHit(demo = false, verified = true, national = true), en)
            checkEq(listOf("National"), real.badges, "badges of a verified national line")
        }
        test("distances read naturally in each language") {
            checkEq("2,3 km", formatDistance(2.345, sv), "sv")
            checkEq("2.3 km", formatDistance(2.345, en), "en")
            checkEq("850 m", formatDistance(0.853, sv), "metres")
            checkEq("124 km", formatDistance(123.6, sv), "far")
            checkEq(null, hitCard(sampleHit(distanceKm = null), sv).distance, "no position, no distance")
            checkEq("≈ 2,3 km", hitCard(sampleHit(distanceApproximate = true), sv).distance, "to the municipality's centre")
        }
        test("the open state is the core's text, shown as is") {
            val card = hitCard(sampleHit(openNow = null), sv)
            checkEq("Öppet, stänger 16:00", card.openLine, "open line")
            checkEq(null, card.isOpen, "unknown open state")
        }
        test("a chat is never dialled: it opens the service's https page, else a text message") {
            val chat = listOf(PhoneHit("070-174 06 20", "chat", null, true))
            val withWeb = hitCard(sampleHit(phones = chat).copy(web = "https://example.invalid/chatt"), sv)
            checkEq(listOf(ContactKind.CHAT), withWeb.actions.map { it.kind }, "kind")
            checkEq("https://example.invalid/chatt", withWeb.actions[0].uri, "chat opens the web page")
            val noWeb = hitCard(sampleHit(phones = chat), sv)
            checkEq("sms:0701740620", noWeb.actions[0].uri, "chat without a page is a text, not a call")
            val plainHttp = hitCard(sampleHit(phones = chat).copy(web = "http://example.invalid"), sv)
            check(!plainHttp.actions[0].uri.startsWith("tel:") && !plainHttp.actions[0].uri.startsWith("http:")) { plainHttp.actions[0].uri }
        }
        test("a phone with no digits gives no action") {
            checkEq(0, hitCard(sampleHit(phones = listOf(PhoneHit("—", "voice", null, null))), sv).actions.size, "actions")
        }
    }
}

class ScreeningStepTests : Suite("presentation.screening") {
    init {
        val sv = Ui(UiLang.SV)
        test("one item at a time with its counter, progress and controls") {
            val item = ScreeningItem("strangled", "Risk", "Har personen blivit strypt?", "Även försök", "yes_no", emptyList(), null, null, true)
            val s = screeningStep(view(2u, 8u, item), sv)
            checkEq("Fråga 3 av 8", s.counter, "counter")
            checkEq(0.25f, s.progress, "progress")
            checkEq(AnswerInput.YesNoUnknown, s.input, "input")
            checkEq(true, s.canGoBack, "back")
            checkEq(false, s.readyToComplete, "ready")
        }
        test("single choice and number items pick their controls") {
            val choice = ScreeningItem("who", null, "Vem?", null, "choice", listOf(Choice("partner", "Partner"), Choice("ex", "Före detta")), null, null, false)
            val s = screeningStep(view(0u, 5u, choice, canGoBack = false), sv)
            check(s.input is AnswerInput.SingleChoice && (s.input as AnswerInput.SingleChoice).choices.size == 2) { "${s.input}" }
            checkEq("Fråga 1 av 5", s.counter, "first counter")
            val num = ScreeningItem("children", null, "Hur många barn?", null, "number", emptyList(), 0.0, 20.0, false)
            checkEq(AnswerInput.Number, screeningStep(view(1u, 5u, num), sv).input, "number input")
        }
        test("a red flag reads as text, not as the record's debug form") {
            val line = redFlagLine(RedFlag("strangled", "high_risk"))
            checkEq("strangled → high risk", line, "red flag line")
            check(!line.contains("RedFlag(")) { line }
        }
        test("no next item means ready to complete") {
            val s = screeningStep(view(6u, 6u, null), sv)
            checkEq(true, s.readyToComplete, "ready")
            checkEq(1.0f, s.progress, "progress")
            checkEq(null, s.input, "no input")
            checkEq("Fråga 6 av 6", s.counter, "counter at the end")
        }
        test("number answers accept a decimal comma and refuse what is not a number") {
            checkEq(Answer.Number(3.5), parseNumberAnswer(" 3,5 "), "3,5")
            checkEq(Answer.Number(2.0), parseNumberAnswer("2"), "2")
            checkEq(Answer.Number(1200.0), parseNumberAnswer("1 200"), "1 200")
            checkEq(null, parseNumberAnswer("två"), "words")
            checkEq(null, parseNumberAnswer(""), "empty")
            checkEq(null, parseNumberAnswer("NaN"), "NaN")
        }
    }
}

class StatusLineTests : Suite("presentation.status") {
    init {
        val sv = Ui(UiLang.SV)
        val en = Ui(UiLang.EN)
        val now = Instant.parse("2026-02-10T12:00:00Z")
        test("a device that never synced says so and shows the built-in data's age") {
            val lines = statusLines(status(), now, sv).map { it.text }
            checkEq("Katalogversion 7, 3 dagar gammal", lines[0], "version line")
            check(sv.neverSynced in lines) { "$lines" }
            check(sv.outboxEmpty in lines) { "$lines" }
        }
        test("last sync and next attempt are relative to now; failures are warnings") {
            val lines = statusLines(
                status(lastSync = "2026-02-10T11:15:00Z", lastResult = "hub unreachable", nextAttempt = "2026-02-10T12:05:30Z", outbox = 2u),
                now, en,
            )
            checkEq("Last sync: 45 min ago (hub unreachable)", lines[1].text, "last sync")
            checkEq("Next attempt in 5 min", lines[2].text, "next attempt")
            checkEq(Tone.WARNING, lines[2].tone, "tone of next attempt")
            checkEq("2 waiting to be sent", lines[3].text, "outbox")
        }
        test("a stale warning and quarantined events are warnings") {
            val lines = statusLines(status(stale = "Data older than 30 days", outbox = 1u, quarantined = 1u, age = 31u), now, sv)
            check(lines.any { it.text == "Data older than 30 days" && it.tone == Tone.WARNING }) { "$lines" }
            check(lines.last().tone == Tone.WARNING && lines.last().text.contains("avvisade")) { "${lines.last()}" }
        }
        test("why the outbox did not go is a warning with what to do") {
            val en = Ui(UiLang.EN)
            val note = "3 events not sent: this phone is not enrolled. Ask your coordinator for a code."
            val lines = statusLines(status(outbox = 3u, uploadBlocked = "not_enrolled", uploadNote = note), Instant.parse("2026-02-08T10:00:00Z"), en)
            check(lines.any { it.text == note && it.tone == Tone.WARNING }) { "$lines" }
            val bare = statusLines(status(outbox = 3u, uploadBlocked = "not_enrolled"), Instant.parse("2026-02-08T10:00:00Z"), en)
            check(bare.any { it.text == "Enroll this phone: ask your coordinator for a code" && it.tone == Tone.WARNING }) { "$bare" }
            val fine = statusLines(status(outbox = 0u), Instant.parse("2026-02-08T10:00:00Z"), en)
            check(fine.none { it.tone == Tone.WARNING }) { "$fine" }
        }
        test("relative times in hours and days") {
            checkEq("för 3 h sedan", sv.ago(180), "hours")
            checkEq("för 4 dagar sedan", sv.ago(4 * 24 * 60L), "days")
            checkEq("in 2 days", en.inTime(2 * 24 * 60L), "future days")
        }
    }
}

class FilterStateTests : Suite("presentation.filters") {
    init {
        test("filters toggle and count; the query carries them sorted") {
            val f = FilterState().toggleGroup("women").toggleNeed("protected_housing").toggleNeed("acute_danger").copy(openNow = true)
            checkEq(4, f.activeCount, "active")
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
    }
}

fun presentationSuites(): List<Suite> = listOf(HitCardTests(), ScreeningStepTests(), StatusLineTests(), FilterStateTests())
