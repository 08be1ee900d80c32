// Issue 19: what the shells rely on, against the real library — the key that
// survives a bad read, the core's sync policy (next attempt enforced, the
// signed check interval), numbers that stay left to right inside
// right-to-left text, and the core's words for rows and results.
package org.fyr.tests

import kotlinx.coroutines.runBlocking
import org.fyr.core.*
import org.fyr.core.types.*
import org.fyr.presentation.*
import org.fyr.testkit.*
import java.security.SecureRandom
import java.time.Duration
import java.time.Instant

/**
 * A keystore stand-in: a wrapped key in memory that fails [failReads] reads
 * (as the Android Keystore does while the device is busy or just unlocked),
 * and keeps what is set aside.
 */
class FlakyKeyStore(var failReads: Int = 0) : WrappedKeyStore {
    var current: ByteArray? = null
    val aside = mutableListOf<ByteArray>()
    var reads = 0
    var writes = 0

    override fun read(): ByteArray? {
        reads++
        if (failReads > 0) {
            failReads--
            throw java.security.UnrecoverableKeyException("Keystore operation failed (stand-in)")
        }
        return current?.copyOf()
    }

    override fun writeNew(key: ByteArray) {
        check(current == null) { "the vault overwrote a wrapped key" }
        writes++
        current = key.copyOf()
    }

    override fun setAside(): Boolean {
        val c = current ?: return false
        aside += c
        current = null
        return true
    }

    override fun asideCount() = aside.size
    override fun deleteAside() = aside.clear()
}

private val rng = SecureRandom()

class KeyTests : Suite("keys") {
    init {
        test("a key read that fails once is retried, never replaced, and the saved screening opens again") {
            val ks = FlakyKeyStore()
            val vault = KeyVault(ks) { rng.nextBytes(it) }
            val dir = tempDir("keys")
            // First start: a key is made, a screening saved.
            val first = vault.load() as KeyState.Ready
            val sid = openCore(dir, first.hex).use { core ->
                val v = answerAll(core, core.startScreening(core.checklists().first().id, "Strömsund"))
                core.completeScreening(v.sessionId, null, null)
                v.sessionId
            }
            // The next start: the Keystore fails once.
            ks.failReads = 1
            val failed = vault.load()
            check(failed is KeyState.ReadFailed) { "expected ReadFailed, got $failed" }
            checkEq(1, ks.writes, "no key written after a failed read")
            // The app opens the directory without the key: search works, screenings are locked...
            FyrCore.open(dir.absolutePath, null, "sv").use { core ->
                check(core.search(query(text = "kvinnojour")).isNotEmpty()) { "search without the key" }
                val st = core.status()
                checkEq("no_key", st.screeningsLockReason, "locked without the key")
                // ...and what the user is offered is to try again, not a new key.
                checkEq(KeyAction.RETRY, KeyVault.action(failed, st), "action after a failed read")
            }
            // Try again: the same key, the saved screening opens.
            val again = vault.load()
            checkEq(first, again, "the same key after the retry")
            openCore(dir, (again as KeyState.Ready).hex).use { core ->
                checkEq(null, core.status().screeningsLockReason, "unlocked")
                checkEq(listOf(sid), core.screenings().map { it.sessionId }, "the saved screening")
                checkEq(KeyAction.NONE, KeyVault.action(again, core.status()), "nothing to offer")
            }
        }
        test("a new key only after confirmation; the old wrapped key is set aside, not overwritten, until retention purges") {
            val ks = FlakyKeyStore()
            val vault = KeyVault(ks) { rng.nextBytes(it) }
            val dir = tempDir("keys")
            val old = (vault.load() as KeyState.Ready).hex
            openCore(dir, old).use { core ->
                core.startScreening(core.checklists().first().id, "Ljungby")
            }
            // The key is read but does not open the screenings (a restored backup, another key).
            openCore(dir, newKey()).use { core ->
                checkEq(KeyAction.OFFER_NEW_KEY, KeyVault.action(KeyState.Ready(old), core.status()), "wrong key")
            }
            expectThrows<IllegalArgumentException>("unconfirmed") { vault.replace(false) }
            checkEq(old, KeyVault.hex(ks.current!!), "nothing changed without confirmation")
            val fresh = vault.replace(true)
            check(fresh != old) { "a new key" }
            checkEq(listOf(old), ks.aside.map { KeyVault.hex(it) }, "the old wrapped key kept aside")
            openCore(dir, fresh).use { core ->
                checkEq(1u, core.resetScreeningKey(fresh), "one screening set aside")
                val left = core.unreadableScreenings().size
                vault.purgeAside(left)
                checkEq(1, ks.asideCount(), "kept while its screening is not purged")
            }
            vault.purgeAside(0)
            checkEq(0, ks.asideCount(), "deleted once nothing it sealed is left")
        }
    }
}

class PolicyTests : Suite("sync policy") {
    init {
        test("the signed check interval reaches the shell and a scheduled sync before it is refused at once, without network") {
            Hub(checkIntervalHours = 9).use { hub ->
                hub.publish()
                hub.openDevice().use { core ->
                    val fresh = core.status()
                    checkEq(9u, fresh.checkIntervalHours, "interval from the signed content")
                    check(!Instant.parse(fresh.nextCheck).isAfter(Instant.now())) { "a fresh install is due now: ${fresh.nextCheck}" }
                    // The scheduler's first sync runs.
                    val r = runBlocking { SyncHandle().use { core.sync(scheduledOptions(), it) } }
                    checkEq("updated", r.result, "first scheduled sync")
                    val st = core.status()
                    val due = Duration.between(Instant.parse(st.lastSync!!), Instant.parse(st.nextCheck))
                    checkEq(Duration.ofHours(9), due, "next check = last success + the signed interval")
                    checkEq(st.nextCheck, core.nextCheck(), "nextCheck() agrees with the status")
                    // The hub goes away; an app start or the network coming back asks again.
                    hub.close()
                    val started = System.nanoTime()
                    val e = expectThrows<FyrException.NotYet>("scheduled, not due") {
                        runBlocking { SyncHandle().use { core.sync(scheduledOptions(), it) } }
                    }
                    val ms = (System.nanoTime() - started) / 1_000_000
                    check(ms < 2_000) { "not yet took $ms ms" }
                    checkEq(st.nextCheck, core.nextCheck(), "when to come back")
                    check(e.message!!.contains("not yet")) { e.message!! }
                    checkEq(st.lastResult, core.status().lastResult, "no attempt recorded")
                    checkEq(0u, core.status().failures, "not a failure")
                    checkEq(core.text(UiText.SYNC_NOT_YET), core.errorText(ErrorKind.NOT_YET), "the user's words")
                    // "Sync now" goes to the network at once (and meets the closed hub).
                    expectThrows<FyrException.Sync>("user, hub gone") {
                        runBlocking { SyncHandle().use { core.sync(noOptions(), it) } }
                    }
                    val failed = core.status()
                    checkEq(1u, failed.failures, "the user's attempt counted")
                    checkEq(failed.nextAttempt, failed.nextCheck, "after a failure the backoff governs")
                    val e2 = expectThrows<FyrException.NotYet>("scheduled during backoff") {
                        runBlocking { SyncHandle().use { core.sync(scheduledOptions(), it) } }
                    }
                    checkEq(failed.nextAttempt, core.nextCheck(), "backoff's next attempt")
                    check(e2.message!!.contains("not yet")) { e2.message!! }
                }
            }
        }
    }
}

class BidiTests : Suite("bidi and words") {
    init {
        test("numbers in right-to-left help cards and on buttons are isolated left to right; dialling and copying use the plain number") {
            openCore(lang = "sv").use { core ->
                for (lang in listOf("ar", "fa", "prs")) {
                    val card = core.helpCard(lang)
                    val national = card.numbers.first { it.uri == "tel:020505050" }
                    checkEq("\u2066020-50 50 50\u2069", national.display, "$lang display")
                    checkEq("020-50 50 50", national.number, "$lang number to copy")
                    val text = card.points.joinToString("\n")
                    check(text.contains("\u2066020-50 50 50\u2069")) { "$lang points: $text" }
                    check(text.contains("\u2066112\u2069")) { "$lang 112 in points: $text" }
                }
                val hit = core.search(query(text = "kvinnofridslinjen")).first { it.id == "kvinnofridslinjen" }
                val call = hit.card.actions.first { it.kind == ContactKind.CALL }
                checkEq("\u2066${call.number.trim()}\u2069", call.display, "button display")
                check(call.label.contains(call.display)) { "label: ${call.label}" }
                check(!call.uri.contains('\u2066')) { "uri: ${call.uri}" }
                checkEq("\u2066070-174 06 05\u2069", displayNumber("070-174 06 05"), "displayNumber")
                checkEq("ring \u2066112\u2069", isolateNumbers("ring 112"), "isolateNumbers")
            }
        }
        test("the core's words: languages, reasons, retention, outbox rows and enrollment never show ids or JSON") {
            checkEq(listOf("sv", "en"), appLanguages().map { it.id }, "app languages")
            checkEq("sv", appLanguageForLocale("sv-SE"), "sv-SE")
            checkEq("en", appLanguageForLocale("ar_IQ"), "a language the app does not speak")
            // The filter button counts what the query filters by (needs, groups, forms, open now, near me), for both apps.
            val picked = FilterState().toggleNeed("protected_housing").toggleGroup("women").copy(openNow = true, nearMe = true, position = GeoPoint(56.83, 13.94))
            checkEq("Filter (\u20664\u2069)", filtersLabel(picked.form(), "sv"), "four filters on")
            checkEq("Filters", filtersLabel(FilterState(municipality = "Ljungby").withText("jour").form(), "en"), "text and place are not filters")
            openCore(lang = "sv").use { core ->
                checkEq(listOf("wrong_number", "closed", "moved", "other"), core.reportReasons().map { it.id }, "reason ids")
                checkEq("Fel nummer", core.reportReasons().first().label, "reason label")
                val b = core.retentionBounds()
                checkEq(1u, b.minDays, "min")
                checkEq(3650u, b.maxDays, "max")
                expectThrows<FyrException.InvalidInput>("past the bound") {
                    core.setSettings(core.settings().copy(retentionDays = b.maxDays + 1u))
                }
                val id = core.reportError("kvinnofridslinjen", "closed", "Stängt i jul")
                val row = core.outbox().first { it.id == id }
                checkEq("Felrapport om en tjänst · väntar på täckning", row.text, "outbox row")
                val e = Enrollment("token", "23", "social_services", "http://127.0.0.1:1/")
                val m = core.enrollmentMessage(e)
                check(m.contains("Jämtlands län") && m.contains("Socialtjänst") && !m.contains("social_services")) { m }
                val v = core.startScreening(core.checklists().first().id, "Ljungby")
                checkEq("Pågår", core.screenings().first { it.sessionId == v.sessionId }.stateLabel, "state label")
                val done = answerAll(core, v)
                core.completeScreening(done.sessionId, null, null)
                checkEq("Avslutad", core.screenings().first { it.sessionId == v.sessionId }.stateLabel, "state label after")
            }
        }
    }
}

/**
 * The search screen's form, searched by the core as both apps do
 * (`core.searchForm(filters.form())`): the shells hold only the toggles.
 */
class SearchFormTests : Suite("search form") {
    init {
        test("no municipality picked: the home municipality from the settings; a picked one wins; a fresh install searches everywhere") {
            openCore(lang = "sv").use { core ->
                // A fresh install, nothing set: a search still answers.
                val fresh = core.searchForm(FilterState().withText("kvinnojour").form())
                check(fresh.hits.isNotEmpty()) { "fresh install: nothing found" }
                core.setSettings(core.settings().copy(homeMunicipality = "Strömsund"))
                // The words as a user types them: spaces around, no å/ä/ö.
                val home = core.searchForm(FilterState().withText("  socialtjanst ").form())
                val local = home.hits.filter { it.municipalities.isNotEmpty() }
                check(local.isNotEmpty()) { "no local service for Strömsund: ${home.hits.map { it.name }}" }
                check(local.all { "2313" in it.municipalities }) { "outside Strömsund: ${local.map { it.name to it.municipalities }}" }
                val picked = core.searchForm(FilterState(municipality = "Ljungby").withText("socialtjanst").form())
                val there = picked.hits.filter { it.municipalities.isNotEmpty() }
                check(there.isNotEmpty() && there.all { "0781" in it.municipalities }) { "picked Ljungby: ${there.map { it.name to it.municipalities }}" }
                // The same list as the query the shells used to build by hand.
                val byHand = core.searchFull(query(text = "socialtjanst", municipality = "Strömsund", limit = 30u))
                checkEq(byHand.hits.map { it.id }, home.hits.map { it.id }, "form = hand-made query")
            }
        }
        test("the position counts only while near me is on; an unknown filter or a position off the Earth is named") {
            openCore(lang = "en").use { core ->
                val far = GeoPoint(123.0, 14.0) // a broken fix
                // Near me off: a stale or broken position is never used.
                val off = core.searchForm(FilterState(municipality = "Ljungby", position = far).withText("jour").form())
                check(off.hits.isNotEmpty()) { "near me off" }
                val e = expectThrows<FyrException.InvalidInput>("near me on with a position off the Earth") {
                    core.searchForm(FilterState(municipality = "Ljungby", nearMe = true, position = far).form())
                }
                check(e.message.orEmpty().contains("123")) { e.message.orEmpty() }
                // Near me on in Ljungby town: the nearest show their distance.
                val near = core.searchForm(FilterState(municipality = "Ljungby", nearMe = true, position = GeoPoint(56.834, 13.941)).withText("socialtjanst").form())
                check(near.hits.any { it.card.distanceText != null }) { "no distance with near me on" }
                val bad = expectThrows<FyrException.InvalidInput>("unknown need") {
                    core.searchForm(FilterState().toggleNeed("shelter_for_cats").form())
                }
                check(bad.message.orEmpty().contains("shelter_for_cats")) { bad.message.orEmpty() }
                // Sets: the order the screen kept them in does not matter.
                val a = core.searchForm(SearchForm(text = "stod", needs = listOf("counselling", "protected_housing"), municipality = "Ljungby"))
                val b = core.searchForm(SearchForm(text = "stod", needs = listOf("protected_housing", "counselling", "counselling"), municipality = "Ljungby"))
                checkEq(a.hits.map { it.id }, b.hits.map { it.id }, "needs as a set")
            }
        }
    }
}
