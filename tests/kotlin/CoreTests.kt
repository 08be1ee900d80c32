// Tests of the generated Kotlin bindings against the REAL libfyr_ffi, loaded
// through JNA (-Djna.library.path): offline search, a full screening, error
// mapping and closing resources. Sync and cancelling: SyncTests.kt.
package org.fyr.tests

import org.fyr.core.*
import org.fyr.core.types.GeoPoint
import org.fyr.testkit.*
import java.io.File
import java.nio.file.Files
import java.security.SecureRandom
import java.util.concurrent.TimeUnit

/** Paths handed in by run.sh as system properties. */
object Env {
    val repo: File = File(System.getProperty("fyr.repo") ?: error("-Dfyr.repo not set"))
    val fyrBin: File = File(System.getProperty("fyr.bin") ?: error("-Dfyr.bin not set"))
    val scratch: File = File(System.getProperty("fyr.scratch") ?: System.getProperty("java.io.tmpdir"))
}

/** A valid ed25519 public key that signed nothing here (RFC 8032, test 1). */
const val OTHER_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

fun tempDir(prefix: String): File = Files.createTempDirectory(Env.scratch.toPath(), prefix).toFile()

fun newKey(): String {
    val b = ByteArray(32)
    SecureRandom().nextBytes(b)
    return b.joinToString("") { "%02x".format(it) }
}

/** Opened as the app opens it: with the app's HTTPS transport. */
fun openCore(dir: File = tempDir("store"), key: String = newKey(), lang: String = "sv"): FyrCore =
    FyrCore.open(dir.absolutePath, key, lang).also { it.setTransport(org.fyr.presentation.HttpsTransport()) }

fun query(
    text: String = "",
    municipality: String? = null,
    groups: List<String> = emptyList(),
    needs: List<String> = emptyList(),
    forms: List<String> = emptyList(),
    openNow: Boolean = false,
    at: String? = null,
    near: GeoPoint? = null,
    limit: UInt = 50u,
    without: List<String> = emptyList(),
) = SearchQuery(text, municipality, groups, needs, forms, null, openNow, at, near, limit, without)

/** PTS's range reserved for fiction: 070-174 06 05 … 070-174 06 99. */
fun isFictionNumber(number: String): Boolean {
    val digits = number.filter { it.isDigit() }
    if (!digits.startsWith("07017406") || digits.length != 10) return false
    return digits.substring(8).toInt() in 5..99
}

/** Answers every item of a session until none is left: yes, the first choice, or 1. */
fun answerAll(core: FyrCore, start: ScreeningView): ScreeningView {
    var view = start
    var guard = 0
    while (true) {
        val item = view.nextItem ?: return view
        check(guard++ < 500) { "screening ${view.checklist} never ends (500 answers)" }
        val answer = when {
            item.choices.isNotEmpty() -> Answer.Choice(item.choices.first().id)
            item.answerType.contains("number") -> Answer.Number(1.0)
            else -> Answer.Yes
        }
        view = core.answer(view.sessionId, item.id, answer)
    }
}

/** Runs the `fyr` CLI; returns stdout, failing with its stderr when it fails. */
fun fyr(vararg args: String, dataDir: File? = null): String {
    val cmd = mutableListOf(Env.fyrBin.absolutePath)
    if (dataDir != null) cmd += listOf("--data-dir", dataDir.absolutePath)
    cmd += args
    val p = ProcessBuilder(cmd).directory(Env.repo).redirectErrorStream(false).start()
    val out = p.inputStream.bufferedReader().readText()
    val err = p.errorStream.bufferedReader().readText()
    check(p.waitFor(120, TimeUnit.SECONDS)) { "fyr ${args.joinToString(" ")} did not finish" }
    check(p.exitValue() == 0) { "fyr ${args.joinToString(" ")} exited ${p.exitValue()}: $err" }
    return out
}

class DirectoryTests : Suite("directory") {
    init {
        test("searchFull: the fixed 112 strip, the reading as removable chips, julafton 22:00 without å/ä/ö") {
            openCore().use { core ->
                val q = query(text = "min man slar mig", municipality = "Stromsund", at = "2026-12-24T22:00:00+01:00")
                val r = core.searchFull(q)
                checkEq("Akut fara? Ring 112", r.emergency.label, "strip label")
                checkEq("tel:112", r.emergency.uri, "strip uri")
                check("subjected" in r.understood.roles) { "roles ${r.understood.roles}" }
                check("men" !in r.understood.groups) { "'min man' is the abuser, not the person: ${r.understood.groups}" }
                check(!r.understood.danger) { "no danger words, no danger" }
                check(r.understood.summary.startsWith("Tolkat som: ")) { r.understood.summary }
                check(r.hits.isNotEmpty() && r.hits.first().agencyKind != "emergency") { "112 first without danger: ${r.hits.map { it.id }}" }
                val chip = r.understood.chips.first { it.key == "form:physical" }
                val again = core.searchFull(q.copy(without = listOf(chip.key)))
                check("physical" !in again.understood.forms) { "removed chip still read: ${again.understood.forms}" }
                checkEq("112", again.emergency.number, "strip stays")
            }
        }
        test("offline search: kvinnojour in Ljungby returns shelters with demo numbers") {
            openCore().use { core ->
                val hits = core.search(query(text = "kvinnojour", municipality = "Ljungby"))
                check(hits.isNotEmpty()) { "no hits for kvinnojour in Ljungby" }
                val shelters = hits.filter { it.agencyKind == "womens_shelter" }
                check(shelters.isNotEmpty()) { "no womens_shelter among ${hits.map { it.name }}" }
                val demo = shelters.filter { it.demo }
                check(demo.isNotEmpty()) { "no demo shelter in Ljungby" }
                for (h in demo) {
                    check(!h.verified) { "${h.id} is demo but marked verified" }
                    check(h.phones.isNotEmpty()) { "${h.id} has no phone" }
                    // Its own (local) numbers are invented, from PTS's fiction range; a
                    // national line it also lists keeps its real number.
                    check(h.phones.any { isFictionNumber(it.number) }) { "${h.id}: no number in PTS's fiction range: ${h.phones}" }
                    h.phones.filter { it.number.filter(Char::isDigit).startsWith("07") }.forEach { p ->
                        check(isFictionNumber(p.number)) { "${h.id}: mobile number ${p.number} is not in PTS's fiction range" }
                    }
                }
                // Ljungby is 0781: every local hit covers it.
                hits.filter { !it.national && it.municipalities.isNotEmpty() }.forEach {
                    check("0781" in it.municipalities) { "${it.id} covers ${it.municipalities}, not Ljungby" }
                }
            }
        }
        test("\"vald\" finds what \"våld\" finds") {
            openCore().use { core ->
                val folded = core.search(query(text = "vald")).map { it.id }
                val exact = core.search(query(text = "våld")).map { it.id }
                check(folded.isNotEmpty()) { "nothing for 'vald'" }
                checkEq(exact.toSet(), folded.toSet(), "ids for vald vs våld")
            }
        }
        test("a municipality resolves by name with and without å/ä/ö and by SCB code") {
            openCore().use { core ->
                val a = core.search(query(municipality = "Östersund")).map { it.id }
                val b = core.search(query(municipality = "Ostersund")).map { it.id }
                val c = core.search(query(municipality = "2380")).map { it.id }
                check(a.isNotEmpty()) { "nothing in Östersund" }
                checkEq(a, b, "Östersund vs Ostersund")
                checkEq(a, c, "Östersund vs 2380")
            }
        }
        test("open now at a given instant returns only open services, with a 24/7 line") {
            openCore().use { core ->
                // A Tuesday night in winter, 02:30 Swedish time.
                val hits = core.search(query(municipality = "Växjö", openNow = true, at = "2026-02-10T02:30:00+01:00"))
                check(hits.isNotEmpty()) { "nothing open at night in Växjö" }
                hits.forEach { check(it.openNow == true) { "${it.id} is returned for open-now but open_now=${it.openNow}" } }
                check(hits.any { it.national }) { "no national 24/7 line at night: ${hits.map { it.id }}" }
                hits.forEach { check(it.openText.isNotBlank()) { "${it.id} has no open text" } }
            }
        }
        test("distance from a position is given and ranks nearer local services first") {
            openCore().use { core ->
                val ljungby = core.municipalities().first { it.code == "0781" }
                val hits = core.search(query(text = "socialtjänst", near = GeoPoint(ljungby.lat, ljungby.lon)))
                val local = hits.filter { it.distanceKm != null }
                check(local.isNotEmpty()) { "no hit has a distance" }
                local.forEach { check(it.distanceKm!! >= 0.0) { "negative distance for ${it.id}" } }
            }
        }
        test("show returns the service in full; the store knows 16 municipalities; vocabulary lists ids") {
            openCore(lang = "en").use { core ->
                val hit = core.search(query(text = "kvinnojour", municipality = "Ljungby")).first()
                val d = core.show(hit.id, "2026-06-01T12:00:00+02:00", null)
                checkEq(hit.id, d.hit.id, "shown id")
                check(d.role.isNotBlank()) { "no role description for ${hit.id}" }
                if (d.confidentialAddress) checkEq(null, d.address, "confidential address of ${hit.id}")
                checkEq(16, core.municipalities().size, "municipalities")
                val v = vocabulary()
                check(v.needs.any { it.id == "acute_danger" }) { "no acute_danger need" }
                check(v.agencyKinds.any { it.id == "womens_shelter" && it.sv == "Kvinnojour" }) { "no womens_shelter kind" }
            }
        }
        test("a damaged directory store is rebuilt from the bundled content, with a notice") {
            val dir = tempDir("damaged")
            val key = newKey()
            openCore(dir, key).use { checkEq(emptyList<String>(), it.openNotices(), "notices on a first start") }
            val db = File(dir, "directory.db")
            check(db.exists()) { "no directory.db in ${dir.list()?.toList()}" }
            File(dir, "directory.db-wal").delete()
            File(dir, "directory.db-shm").delete()
            db.writeBytes(ByteArray(8192) { (it * 31 + 7).toByte() })
            openCore(dir, key).use { core ->
                val notices = core.openNotices()
                check(notices.size == 1 && notices[0].contains("rebuilt")) { "notices: $notices" }
                check(core.search(query(text = "polis", municipality = "Växjö")).isNotEmpty()) { "no search after rebuild" }
            }
        }
        test("settings round-trip and survive reopening") {
            val dir = tempDir("settings")
            val key = newKey()
            openCore(dir, key).use { core ->
                val s = core.settings()
                core.setSettings(s.copy(lang = "en", homeMunicipality = "Ljungby", agencyKind = "police", retentionDays = 14u))
            }
            openCore(dir, key).use { core ->
                val s = core.settings()
                checkEq("en", s.lang, "lang")
                checkEq("police", s.agencyKind, "agency kind")
                checkEq(14u, s.retentionDays, "retention days")
                check(s.homeMunicipality != null) { "home municipality lost" }
            }
        }
    }
}

class ScreeningTests : Suite("screening") {
    init {
        test("a full screening: start, answer, complete; referrals and one stats event in the outbox") {
            openCore().use { core ->
                val lists = core.checklists()
                check(lists.isNotEmpty()) { "no checklists" }
                for (c in lists) check(c.title.isNotBlank()) { "checklist ${c.id} has no title" }
                val chosen = lists.first()
                checkEq(0, core.outbox().size, "outbox before")
                val start = core.startScreening(chosen.id, "Ljungby")
                checkEq(chosen.id, start.checklist, "session checklist")
                checkEq(chosen.version, start.version, "pinned version")
                check(start.nextItem != null) { "${chosen.id}: no first item" }
                val done = answerAll(core, start)
                check(done.answered > 0u) { "nothing answered" }
                val out = core.completeScreening(done.sessionId, null, "fritext som stannar på enheten")
                check(out.level.isNotBlank()) { "no level" }
                checkEq(0u, out.unanswered, "unanswered after answering all")
                check(out.referrals.isNotEmpty()) { "no referrals for ${chosen.id} at level ${out.level}" }
                out.referrals.forEach { check(it.phones.isNotEmpty() || it.national) { "referral ${it.id} without a phone" } }
                val outbox = core.outbox()
                checkEq(1, outbox.size, "outbox entries after one screening")
                val payload = outbox.single().payloadJson
                check(payload.contains(chosen.id)) { "stats event does not name the checklist: $payload" }
                check(payload.contains("0781")) { "stats event has no municipality code: $payload" }
                check(!payload.contains(done.sessionId)) { "stats event carries the session id: $payload" }
                check(!payload.contains("fritext")) { "stats event carries the note: $payload" }
                checkEq(1u, core.status().outboxSize, "status outbox size")
                val listed = core.screenings().single { it.sessionId == done.sessionId }
                checkEq("completed", listed.state, "state of the completed session")
            }
        }
        test("back undoes the last answer; a session resumes after reopening; discard removes it") {
            val dir = tempDir("resume")
            val key = newKey()
            var sessionId = ""
            openCore(dir, key).use { core ->
                val c = core.checklists().first()
                val v0 = core.startScreening(c.id, null)
                checkEq(false, v0.canGoBack, "can go back at start")
                val item = v0.nextItem!!
                val v1 = core.answer(v0.sessionId, item.id, if (item.choices.isEmpty()) Answer.No else Answer.Choice(item.choices.first().id))
                checkEq(1u, v1.answered, "answered after one")
                checkEq(true, v1.canGoBack, "can go back after one")
                val v2 = core.back(v1.sessionId)
                checkEq(0u, v2.answered, "answered after back")
                checkEq(item.id, v2.nextItem?.id, "item after back")
                core.answer(v0.sessionId, item.id, Answer.Unknown)
                sessionId = v0.sessionId
            }
            openCore(dir, key).use { core ->
                val s = core.screenings().single { it.sessionId == sessionId }
                checkEq("in_progress", s.state, "state after reopening")
                val v = core.screening(sessionId)
                checkEq(1u, v.answered, "answers kept across restart")
                core.discardScreening(sessionId)
                check(core.screenings().none { it.sessionId == sessionId }) { "discarded session still listed" }
                val gone = expectThrows<FyrException>("screening after discard") { core.screening(sessionId) }
                check(gone is FyrException.NotFound || gone is FyrException.InvalidInput) { "wrong kind ${gone::class.simpleName}" }
                check(gone.message!!.contains(sessionId)) { "message does not name the session: ${gone.message}" }
            }
        }
        test("the note is sealed: no file in the data directory holds it in clear") {
            val dir = tempDir("sealed")
            val note = "hemlig-anteckning-" + newKey().take(12)
            openCore(dir).use { core ->
                val c = core.checklists().first()
                val v = answerAll(core, core.startScreening(c.id, "Ljungby"))
                core.completeScreening(v.sessionId, null, note)
            }
            val files = dir.walkTopDown().filter { it.isFile }.toList()
            check(files.isNotEmpty()) { "no files in $dir" }
            for (f in files) {
                val text = String(f.readBytes(), Charsets.ISO_8859_1)
                check(!text.contains(note)) { "${f.name} holds the note in clear" }
            }
        }
        test("key questions unanswered: not assessed, with what is missing; the override picker never offers the lowest level") {
            openCore().use { core ->
                val adult = core.checklists().single { it.id == "adult-risk" }
                checkEq("adult_victim", adult.subject, "subject of adult-risk")
                val start = core.startScreening(adult.id, "Krokom")
                checkEq("physical_violence", start.nextItem?.id, "first item")
                checkEq(false, start.nextItem!!.key, "physical_violence is not a key question")
                val second = core.answer(start.sessionId, "physical_violence", Answer.Unknown)
                checkEq("strangulation", second.nextItem?.id, "second item")
                checkEq(true, second.nextItem!!.key, "strangulation is a key question")
                val picker = core.overrideLevels(start.sessionId)
                check(picker.isNotEmpty()) { "no levels to raise to" }
                check(picker.none { it.id == "low" }) { "the lowest level is offered while key questions are unanswered: $picker" }
                check(picker.all { it.labelSv.isNotBlank() && it.labelEn.isNotBlank() }) { "a level without labels: $picker" }
                check(picker.last().acute) { "the top level is not acute: $picker" }
                val out = core.completeScreening(start.sessionId, null, null)
                check(out.notAssessed) { "not assessed expected, got ${out.level}" }
                checkEq("not_assessed", out.level, "level id")
                check(out.levelLabel.contains("ej möjlig") || out.levelLabel.contains("Not assessed")) { "label: ${out.levelLabel}" }
                check(out.missingKey.any { it.id == "danger_now" && it.text.isNotBlank() }) { "missing: ${out.missingKey}" }
                check(out.actions.first().contains("112")) { "first action: ${out.actions.first()}" }
                check(core.outbox().single().payloadJson.contains("not_assessed")) { "stats level" }
            }
        }
        test("red flags carry display texts, never the item id") {
            openCore().use { core ->
                var v = core.startScreening("adult-risk", "Växjö")
                while (true) {
                    val item = v.nextItem ?: break
                    val a = when {
                        item.id == "danger_now" -> Answer.Yes
                        item.answerType == "number" -> Answer.Number(0.0)
                        else -> Answer.No
                    }
                    v = core.answer(v.sessionId, item.id, a)
                }
                check(core.overrideLevels(v.sessionId).isEmpty()) { "an acute result can be raised further" }
                val out = core.completeScreening(v.sessionId, null, null)
                checkEq(false, out.notAssessed, "assessed")
                checkEq(true, out.acute, "acute")
                val flag = out.redFlags.single()
                checkEq("danger_now", flag.item, "flagged item")
                checkEq("I fara nu", flag.text, "red flag text")
                check(out.actions.first().contains("112")) { "first action: ${out.actions.first()}" }
            }
        }
        test("a completed result comes back after the process ended (screeningResult)") {
            val dir = tempDir("store")
            val key = newKey()
            val (id, first) = openCore(dir, key).use { core ->
                val v = answerAll(core, core.startScreening("adult-risk", "Växjö"))
                val early = expectThrows<FyrException.InvalidInput>("result before completion") { core.screeningResult(v.sessionId) }
                check(early.message!!.contains("not completed")) { "message: ${early.message}" }
                v.sessionId to core.completeScreening(v.sessionId, null, "stannar på enheten")
            }
            // A new process: nothing in memory, the same store and key.
            openCore(dir, key).use { core ->
                val again = core.screeningResult(id)
                checkEq(first.level, again.level, "level")
                checkEq(first.levelLabel, again.levelLabel, "level label")
                checkEq(first.redFlags, again.redFlags, "red flags")
                checkEq(first.actions, again.actions, "actions")
                check(again.referrals.isNotEmpty()) { "no referrals" }
                checkEq(first.referrals.map { it.id }, again.referrals.map { it.id }, "referrals")
                checkEq(1, core.outbox().size, "statistics sent once")
            }
            // With another key the sealed result is not readable: an error, not a result.
            openCore(dir, newKey()).use { core ->
                expectThrows<FyrException>("result with a wrong key") { core.screeningResult(id) }
            }
        }
        test("an override needs a reason") {
            openCore().use { core ->
                val c = core.checklists().first()
                val v = answerAll(core, core.startScreening(c.id, "Växjö"))
                val e = expectThrows<FyrException.InvalidInput>("override without reason") {
                    core.completeScreening(v.sessionId, LevelOverride("high", ""), null)
                }
                check(e.message!!.isNotBlank()) { "empty message" }
            }
        }
        test("a correction report goes into the outbox; an unknown service is NotFound") {
            openCore().use { core ->
                val id = core.search(query(text = "polis", municipality = "Växjö")).first().id
                val eventId = core.reportError(id, "wrong_number", "Numret går till fel växel")
                val e = core.outbox().single()
                checkEq(eventId, e.id, "event id")
                checkEq("correction_report", e.kind, "event kind")
                check(e.payloadJson.contains(id)) { "report does not name $id: ${e.payloadJson}" }
                check(e.payloadJson.contains("\"reason\":\"wrong_number\"")) { "report has no reason: ${e.payloadJson}" }
                val nf = expectThrows<FyrException.NotFound>("report on unknown service") { core.reportError("no-such-service", "wrong_number", "Fel nummer") }
                check(nf.message!!.contains("no-such-service")) { "message does not name the id: ${nf.message}" }
                expectThrows<FyrException.InvalidInput>("a personal identity number in a report") {
                    core.reportError(id, "other", "Ring 850709-1234 om detta")
                }
                val phone = expectThrows<FyrException.InvalidInput>("a phone number in a report") {
                    core.reportError(id, "wrong_number", "rätt nummer är 070-174 06 05")
                }
                check(phone.message!!.contains("phone number")) { "message does not say why: ${phone.message}" }
                expectThrows<FyrException.InvalidInput>("an unknown reason") {
                    core.reportError(id, "rude", "Fel")
                }
                checkEq(1, core.outbox().size, "outbox after refused reports")
            }
        }
    }
}

class ErrorTests : Suite("errors") {
    init {
        test("unknown municipality is InvalidInput naming the bad value") {
            openCore().use { core ->
                val e = expectThrows<FyrException.InvalidInput>("unknown municipality") { core.search(query(municipality = "Atlantis")) }
                check(e.message!!.contains("Atlantis")) { "message does not name the value: ${e.message}" }
            }
        }
        test("unknown group, need, form and a bad date are InvalidInput naming the value") {
            openCore().use { core ->
                for ((q, bad) in listOf(
                    query(groups = listOf("martians")) to "martians",
                    query(needs = listOf("pizza")) to "pizza",
                    query(forms = listOf("honor")) to "honor",
                    query(at = "tomorrow-ish") to "tomorrow-ish",
                    query(near = GeoPoint(123.0, 14.0)) to "123",
                )) {
                    val e = expectThrows<FyrException.InvalidInput>("bad $bad") { core.search(q) }
                    check(e.message!!.contains(bad)) { "message does not name '$bad': ${e.message}" }
                }
            }
        }
        test("unknown service and checklist are NotFound naming the id") {
            openCore().use { core ->
                val e = expectThrows<FyrException.NotFound>("show") { core.show("no-such-id", null, null) }
                check(e.message!!.contains("no-such-id")) { e.message!! }
                val c = expectThrows<FyrException>("start unknown checklist") { core.startScreening("no-such-checklist", null) }
                check(c is FyrException.NotFound || c is FyrException.InvalidInput) { "wrong kind ${c::class.simpleName}" }
                check(c.message!!.contains("no-such-checklist")) { c.message!! }
            }
        }
        test("a malformed key is InvalidInput; the wrong key for a store locks screenings only") {
            val dir = tempDir("crypto")
            expectThrows<FyrException.InvalidInput>("short key") { FyrCore.open(dir.absolutePath, "abcd", "sv") }
            expectThrows<FyrException.InvalidInput>("bad language") { FyrCore.open(dir.absolutePath, newKey(), "de") }
            val first = newKey()
            openCore(dir, first).use { core ->
                val c = core.checklists().first()
                core.startScreening(c.id, null)
            }
            // A lost keystore entry: the app comes back with another key.
            val second = newKey()
            openCore(dir, second).use { core ->
                // The directory works.
                val hits = core.search(query(text = "kvinnofrid"))
                check(hits.any { it.id == "kvinnofridslinjen" }) { "search with a wrong key: ${hits.map { it.id }}" }
                check(core.show("kvinnofridslinjen", null, null).hit.phones.isNotEmpty()) { "show with a wrong key" }
                // Screenings throw the typed error, saying why.
                val e = expectThrows<FyrException.ScreeningsLocked>("screenings with a wrong key") { core.screenings() }
                check(e.message!!.contains("wrong key")) { e.message!! }
                expectThrows<FyrException.ScreeningsLocked>("start with a wrong key") {
                    core.startScreening(core.checklists().first().id, null)
                }
                val st = core.status()
                check(st.screeningsLockReason == "wrong_key") { "status: $st" }
                check(st.screeningsLocked!!.contains("(\u20661\u2069 st)") && st.screeningsLocked!!.contains("Sök fungerar")) { "status: ${st.screeningsLocked}" }
                // The way forward: the new key; the old session set aside, unreadable.
                check(core.resetScreeningKey(second) == 1u) { "one session set aside" }
                check(core.screenings().isEmpty()) { "nothing readable left" }
                val aside = core.unreadableScreenings()
                check(aside.size == 1) { "unreadable: $aside" }
                check(aside[0].purgeAfter > aside[0].setAsideAt) { "purge after: $aside" }
                core.startScreening(core.checklists().first().id, null)
                check(core.status().screeningsLocked == null) { "still locked after the reset" }
            }
            // The old key no longer opens screenings (the new one does).
            openCore(dir, second).use { core -> check(core.screenings().size == 1) { "the new session" } }
            openCore(dir, first).use { core ->
                expectThrows<FyrException.ScreeningsLocked>("the old key after a reset") { core.screenings() }
            }
            // No key at all: the directory still opens.
            FyrCore.open(dir.absolutePath, null, "sv").use { core ->
                check(core.search(query(text = "kvinnojour")).isNotEmpty()) { "search without a key" }
                check(core.status().screeningsLockReason == "no_key") { "no key" }
            }
        }
    }
}

class ResourceTests : Suite("resources") {
    init {
        test("use { } closes the core; a closed core refuses calls; the store reopens") {
            val dir = tempDir("close")
            val key = newKey()
            val core = openCore(dir, key)
            core.use { check(it.search(query(text = "polis")).isNotEmpty()) { "no police" } }
            expectThrows<IllegalStateException>("call after close") { core.municipalities() }
            core.close() // closing twice is harmless
            openCore(dir, key).use { check(it.municipalities().size == 16) { "reopened store is broken" } }
        }
        test("many opens and closes in a row do not leak or lock the store") {
            val dir = tempDir("many")
            val key = newKey()
            repeat(20) { i -> openCore(dir, key).use { core -> checkEq(16, core.municipalities().size, "round $i") } }
        }
    }
}
