// The presentation the core gives the shells, through the real library:
// contact actions with their URIs, distance texts, the question counter,
// number parsing, the status screen's lines, the UI string table and the
// help cards — on a fresh store with no configuration and no network.
package org.fyr.tests

import org.fyr.core.*
import org.fyr.core.types.*
import org.fyr.testkit.*

class PresentTests : Suite("core.present") {
    init {
        test("every real phone gets a ready action: tel: in E.164 for mobiles, as dialled for 020 and short numbers; a demo number none") {
            openCore().use { core ->
                val hits = core.search(query(text = "kvinnojour", municipality = "Ljungby"))
                // A demo entry's number (PTS's fiction range) is never offered as a call or text.
                val demo = hits.first { it.demo }
                check(demo.card.actions.none { it.kind == ContactKind.CALL || it.kind == ContactKind.TEXT }) { "a demo number offered: ${demo.card.actions}" }
                check(demo.card.badges.any { it.startsWith("DEMO") }) { "${demo.card.badges}" }
                check(demo.card.badges.any { it == "Demonummer – ring inte" }) { "${demo.card.badges}" }
                checkEq(demo.organization + " · " + demo.agencyLabel == demo.card.subtitle || demo.agencyLabel == demo.card.subtitle, true, "subtitle")
                // Every other number is ready to dial, as the phone needs it.
                val real = hits.filter { !it.demo }
                check(real.isNotEmpty()) { "no real entry among ${hits.map { it.id }}" }
                for (h in real) for (a in h.card.actions) {
                    when (a.kind) {
                        ContactKind.CALL -> check(a.uri == "tel:" + a.number.filter { it.isDigit() } || a.uri.startsWith("tel:+46")) { a.uri }
                        ContactKind.TEXT -> check(a.uri == "sms:" + a.number.filter { it.isDigit() } || a.uri.startsWith("sms:+46")) { a.uri }
                        ContactKind.CHAT -> check(a.uri.startsWith("https://")) { "a chat is dialled: ${a.uri}" }
                    }
                    check(!isFictionNumber(a.number)) { "a fiction number offered on ${h.id}: ${a.number}" }
                }
                val line = core.show("kvinnofridslinjen", null, null).hit.card.actions.first()
                checkEq("tel:020505050", line.uri, "Kvinnofridslinjen")
                checkEq(ContactKind.CALL, line.kind, "kind")
                check(line.label.startsWith("Ring \u2066020-50 50 50\u2069")) { line.label }
            }
        }
        test("distance texts use the store's language: decimal comma in Swedish, ca for approximate") {
            val near = GeoPoint(56.80, 13.90) // a few km from Ljungby's centre
            val sv = openCore(lang = "sv").use { it.search(query(text = "kvinnojour", municipality = "Ljungby", near = near)) }
            val en = openCore(lang = "en").use { it.search(query(text = "kvinnojour", municipality = "Ljungby", near = near)) }
            val svTexts = sv.mapNotNull { it.card.distanceText }
            val enTexts = en.mapNotNull { it.card.distanceText }
            check(svTexts.isNotEmpty() && enTexts.isNotEmpty()) { "no distances: $svTexts $enTexts" }
            svTexts.forEach { check(Regex("""^(ca )?\d+(,\d)? k?m$""").matches(it)) { "sv distance '$it'" } }
            enTexts.forEach { check(Regex("""^(approx\. )?\d+(\.\d)? k?m$""").matches(it)) { "en distance '$it'" } }
            // A shelter's distance is to the municipality's centre: approximate.
            sv.filter { it.distanceApproximate && it.distanceKm != null }.forEach {
                check(it.card.distanceText!!.startsWith("ca ")) { "${it.id}: ${it.card.distanceText}" }
            }
            check(sv.none { it.distanceKm == null && it.card.distanceText != null }) { "a distance text without a distance" }
        }
        test("the question counter comes with the view; numbers parse with a decimal comma") {
            openCore().use { core ->
                val id = core.checklists().first().id
                val v = core.startScreening(id, "Ljungby")
                checkEq("Fråga 1 av ${v.visible}", v.counter, "counter")
                checkEq("nyss", core.screenings().first { it.sessionId == v.sessionId }.startedText, "started")
                core.discardScreening(v.sessionId)
            }
            checkEq(3.5, parseNumber("3,5"), "3,5")
            checkEq(1200.0, parseNumber("1 200"), "1 200")
            checkEq(null, parseNumber("två"), "words")
            checkEq(null, parseNumber("NaN"), "NaN")
        }
        test("a fresh install's status screen: never synced, the built-in data, nothing waiting") {
            openCore(lang = "sv").use { core ->
                val lines = core.statusLines()
                check(lines.first().text.startsWith("Katalogversion ")) { "$lines" }
                check(lines.any { it.text == "Aldrig synkad – den inbyggda katalogen används" }) { "$lines" }
                checkEq("Inget väntar på att skickas", lines.last().text, "outbox")
                // The bundled directory still has demo entries: the one warning says so.
                val warnings = lines.filter { it.tone != Tone.NORMAL }
                checkEq(1, warnings.size, "warnings: $lines")
                check(warnings[0].text.startsWith("Demoversion: ") && warnings[0].text.contains("ring inte")) { "$lines" }
                core.reportError("kvinnofridslinjen", "other", "Fel öppettider")
                checkEq("1 rapport väntar på att skickas", core.statusLines().last().text, "one waiting")
            }
            openCore(lang = "en").use { core ->
                check(core.statusLines().any { it.text == "Never synced – using the built-in directory" }) { "en" }
                checkEq("just now", core.relativeTime(java.time.Instant.now().toString()), "relative time")
            }
        }
        test("every UI text exists in Swedish and English, also before a store is open") {
            openCore(lang = "sv").use { core ->
                checkEq("Synka nu", core.text(UiText.SYNC_NOW), "sv")
                checkEq("sv", core.lang(), "lang")
                checkEq("Kvinnor", core.vocabularyLabels().groups.first { it.id == "women" }.label, "sv label")
            }
            openCore(lang = "en").use { core ->
                checkEq("Women", core.vocabularyLabels().groups.first { it.id == "women" }.label, "en label")
                checkEq(vocabulary().needs.map { it.id }, core.vocabularyLabels().needs.map { it.id }, "same ids")
            }
            checkEq("Sync now", uiText(UiText.SYNC_NOW, "en"), "en")
            for (id in UiText.entries) {
                check(uiText(id, "sv").isNotBlank() && uiText(id, "en").isNotBlank()) { "$id" }
            }
            expectThrows<FyrException.InvalidInput>("unknown language") { uiText(UiText.SAVE, "de") }
        }
        test("help cards: ten languages offline, right to left where needed, marked not reviewed") {
            openCore(lang = "sv").use { core ->
                val langs = core.helpCardLanguages()
                checkEq(listOf("sv", "en", "ar", "so", "ti", "prs", "fa", "uk", "fi", "sma"), langs.map { it.lang }, "languages")
                checkEq(listOf("women", "children", "men", "people_who_use_violence"), langs.first { it.lang == "sv" }.audiences, "audiences")
                checkEq("Arabiska", langs.first { it.lang == "ar" }.label, "label in the user's language")
                checkEq("العربية", langs.first { it.lang == "ar" }.name, "name in itself")
                checkEq(setOf("ar", "prs", "fa"), langs.filter { it.direction == TextDirection.RTL }.map { it.lang }.toSet(), "rtl")
                val ar = core.helpCard("ar")
                checkEq(TextDirection.RTL, ar.direction, "direction")
                checkEq(false, ar.reviewed, "reviewed")
                checkEq("Översättningen är ännu inte granskad av en modersmålstalare.", ar.notReviewedNotice, "mark")
                checkEq(listOf("tel:020505050", "tel:112"), ar.numbers.map { it.uri }, "numbers")
                check(ar.points.joinToString(" ").contains("020-50 50 50")) { "${ar.points}" }
                val sv = core.helpCard("sv")
                checkEq(true, sv.reviewed, "the Swedish source")
                checkEq(null, sv.notReviewedNotice, "no mark on the source")
                val e = expectThrows<FyrException.NotFound>("unknown card") { core.helpCard("xx") }
                check(e.message!!.contains("'xx'")) { e.message!! }
                val men = core.helpCardFor("sv", "men")
                checkEq(listOf("tel:116006", "tel:112"), men.numbers.map { it.uri }, "men: Brottsofferjouren, never Kvinnofridslinjen")
                checkEq("children", core.helpCardFor("sv", "children").audience, "children's card")
                expectThrows<FyrException.InvalidInput>("unknown audience") { core.helpCardFor("sv", "dogs") }
            }
        }
    }
}
