// Sync through the bindings against a real hub on 127.0.0.1, started with the
// `fyr` binary (`fyr hub keygen`, `fyr hub publish`, `fyr hub serve`), and
// cancelling a sync.
package org.fyr.tests

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.fyr.core.*
import org.fyr.core.types.*
import org.fyr.testkit.*
import java.io.File
import java.net.ServerSocket
import java.util.concurrent.TimeUnit

/**
 * A real hub on 127.0.0.1 (`fyr hub serve`, no tokens file: only enrolled
 * devices upload), publishing the repository's content with a fresh key and
 * distribution settings naming this hub; its first version, exported with
 * `fyr hub export-bundle`, is the test app's bundle. A device opened with
 * [openDevice] knows nothing else: no hub URL, no key, no token.
 */
class Hub(private val checkIntervalHours: Int = 6) : AutoCloseable {
    val dir = tempDir("hub")
    val keys = File(dir, "keys")
    val feed = File(dir, "feed").apply { mkdirs() }
    val db = File(dir, "hub.db")
    val bundle = File(dir, "bundle")
    private val process: Process
    val url: String
    val publicKeyHex: String
    private val priv: File
    private val content = File(dir, "content")

    init {
        fyr("hub", "keygen", "--out", keys.absolutePath)
        val pub = keys.listFiles()!!.firstOrNull { it.name.endsWith(".pub") }
            ?: error("fyr hub keygen wrote no .pub file in $keys: ${keys.list()?.toList()}")
        priv = keys.listFiles()!!.first { it != pub }
        publicKeyHex = pub.readText().lines().first { it.isNotBlank() && !it.startsWith("#") }.trim()
        process = ProcessBuilder(
            Env.fyrBin.absolutePath, "hub", "serve", "--feed", feed.absolutePath,
            "--db", db.absolutePath, "--listen", "127.0.0.1:0",
        ).redirectErrorStream(true).start()
        val reader = process.inputStream.bufferedReader()
        val addr = Regex("""127\.0\.0\.1:(\d+)""")
        var found: String? = null
        val seen = StringBuilder()
        while (found == null) {
            val line = reader.readLine() ?: break
            seen.appendLine(line)
            addr.find(line)?.let { found = "http://127.0.0.1:${it.groupValues[1]}/" }
        }
        url = found ?: run { process.destroy(); error("fyr hub serve printed no address: $seen") }
        // Keep draining its output so the hub never blocks on a full pipe.
        Thread { reader.forEachLine { } }.apply { isDaemon = true }.start()
        // The region's content: the repository's, with its own distribution settings.
        File(Env.repo, "content").copyRecursively(content)
        File(content, "distribution.toml").writeText(
            """
            feed_url = "${url}feed/"
            hub_url = "$url"
            trusted_keys = ["$publicKeyHex"]
            check_interval_hours = $checkIntervalHours
            """.trimIndent() + "\n"
        )
        publish()
        fyr("hub", "export-bundle", "--feed", feed.absolutePath, "--out", bundle.absolutePath)
        pub.copyTo(File(bundle, "publisher.pub"))
    }

    /** The next signed version of the same content. */
    fun publish() {
        fyr("hub", "publish", "--content", content.absolutePath, "--key", priv.absolutePath, "--feed", feed.absolutePath, "--new-feed")
    }

    /** A one-time enrollment code, as a coordinator creates it. */
    fun enrollCode(): Pair<String, String> {
        val out = fyr("hub", "enroll-codes", "create", "--db", db.absolutePath, "--county", "Jämtland",
            "--agency-kind", "healthcare", "--hub-url", url, "--json")
        fun field(name: String) = Regex("\"$name\"\\s*:\\s*\"([^\"]+)\"").find(out)?.groupValues?.get(1)
            ?: error("no $name in $out")
        return field("display") to field("qr_payload")
    }

    fun revokeAll() {
        val out = fyr("hub", "devices", "list", "--db", db.absolutePath, "--json")
        Regex("\"id\"\\s*:\\s*\"([0-9a-f]+)\"").findAll(out).forEach {
            fyr("hub", "devices", "revoke", it.groupValues[1], "--db", db.absolutePath)
        }
    }

    /** Overrides for tests that need them (testing and self-hosting only). */
    fun options(token: String? = null) = SyncOptions(url, listOf(publicKeyHex), token, SyncTrigger.USER)

    /** A fresh install whose only knowledge is the bundle. */
    fun openDevice(lang: String = "en"): FyrCore =
        FyrCore.openWithBundle(tempDir("store").absolutePath, newKey(), lang, bundle.absolutePath)
            .also { it.setTransport(org.fyr.presentation.HttpsTransport()) }

    override fun close() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
    }
}

/** What both shells pass: no hub, no key; the token from the keystore, if any. */
fun noOptions(token: String? = null) = SyncOptions(null, emptyList(), token, SyncTrigger.USER)

/** What the shells' schedulers pass (periodic work, app start, network back). */
fun scheduledOptions(token: String? = null) = SyncOptions(null, emptyList(), token, SyncTrigger.SCHEDULED)

/** A server on 127.0.0.1 that accepts connections and never answers: a sync to it hangs until cancelled. */
class SilentServer : AutoCloseable {
    private val socket = ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))
    val url = "http://127.0.0.1:${socket.localPort}"
    val accepted = CompletableDeferred<java.net.Socket>()
    private val held = mutableListOf<java.net.Socket>()

    init {
        Thread {
            try {
                while (true) {
                    val s = socket.accept()
                    synchronized(held) { held += s }
                    accepted.complete(s)
                }
            } catch (_: Exception) {
            }
        }.apply { isDaemon = true }.start()
    }

    override fun close() {
        socket.close()
        synchronized(held) { held.forEach { it.close() } }
    }
}

class SyncTests : Suite("sync") {
    init {
        test("a fresh install with only its bundle syncs with empty options; unenrolled, enrolled, revoked are said") {
            Hub().use { hub ->
                hub.publish()
                hub.openDevice().use { core ->
                    val c = core.checklists().first()
                    // The phone is enrolled for Jämtland below: its statistics are for Jämtland's municipalities.
                    val v = answerAll(core, core.startScreening(c.id, "Strömsund"))
                    core.completeScreening(v.sessionId, null, null)
                    checkEq(1, core.outbox().size, "outbox before sync")
                    // Exactly as SyncWorker / SyncCoordinator call it: no options.
                    val first = runBlocking { SyncHandle().use { h -> core.sync(noOptions(), h) } }
                    checkEq("updated", first.result, "first sync")
                    checkEq(2uL, first.version, "version from the hub")
                    checkEq(1uL, first.pending, "pending")
                    checkEq("not_enrolled", first.uploadBlocked, "upload blocked")
                    check(first.uploadNote!!.contains("coordinator")) { "note: ${first.uploadNote}" }
                    val st = core.status()
                    checkEq("not_enrolled", st.uploadBlocked, "status upload blocked")
                    checkEq(hub.url, st.hub, "status hub")
                    // Enroll with the typed code; the shell keeps the token.
                    val (typed, qr) = hub.enrollCode()
                    val e = runBlocking { core.enroll(typed.lowercase()) }
                    checkEq("23", e.county, "county")
                    checkEq("healthcare", e.agencyKind, "agency kind")
                    val second = runBlocking { SyncHandle().use { h -> core.sync(noOptions(e.token), h) } }
                    checkEq(1uL, second.uploaded, "uploaded events")
                    checkEq(null, second.uploadBlocked, "nothing blocked once enrolled")
                    checkEq(0, core.outbox().size, "outbox after sync")
                    checkEq(null, core.status().uploadBlocked, "status after upload")
                    // The code was one-time; a mistyped one is caught before the network.
                    expectThrows<FyrException.Sync>("used code") { runBlocking { core.enroll(qr) } }
                    expectThrows<FyrException.InvalidInput>("mistyped code") { runBlocking { core.enroll("ABCDE-FGHJ") } }
                    // Revoked (a lost phone): said in the sync result and the status.
                    hub.revokeAll()
                    val v2 = answerAll(core, core.startScreening(c.id, "Strömsund"))
                    core.completeScreening(v2.sessionId, null, null)
                    val third = runBlocking { SyncHandle().use { h -> core.sync(noOptions(e.token), h) } }
                    checkEq("revoked", third.uploadBlocked, "revoked")
                    checkEq(1uL, third.pending, "pending after revocation")
                    checkEq("revoked", core.status().uploadBlocked, "status revoked")
                    check(core.status().uploadNote!!.contains("revoked")) { "status note" }
                    // Nothing changed: one request, unchanged.
                    checkEq("unchanged", third.result, "third sync")
                }
            }
        }
        test("the overrides still work: a hub URL and key given by the caller") {
            Hub().use { hub ->
                openCore().use { core ->
                    val r = runBlocking { SyncHandle().use { h -> core.sync(hub.options(), h) } }
                    checkEq("updated", r.result, "sync with overrides")
                    // Kept: empty options work afterwards.
                    val again = runBlocking { SyncHandle().use { h -> core.sync(noOptions(), h) } }
                    checkEq("unchanged", again.result, "second sync")
                }
            }
        }
        test("a sync with the wrong trusted key fails as Sync and leaves the data as it was") {
            Hub().use { hub ->
                openCore().use { core ->
                    val before = core.status().contentVersion
                    val wrong = SyncOptions(hub.url, listOf(OTHER_KEY), null, SyncTrigger.USER)
                    val e = expectThrows<FyrException>("wrong trusted key") { runBlocking { SyncHandle().use { core.sync(wrong, it) } } }
                    check(e is FyrException.Sync || e is FyrException.Crypto) { "wrong kind: ${e::class.simpleName}: ${e.message}" }
                    checkEq(before, core.status().contentVersion, "content version after a rejected feed")
                    check(core.status().nextAttempt != null) { "no next-attempt hint after a failure" }
                }
            }
        }
        test("hub down: Sync error with a next-attempt hint") {
            val port = ServerSocket(0).use { it.localPort } // bound, then closed: nobody listens
            openCore().use { core ->
                val e = expectThrows<FyrException.Sync>("hub down") {
                    runBlocking { SyncHandle().use { core.sync(SyncOptions("http://127.0.0.1:$port", listOf(OTHER_KEY), null, SyncTrigger.USER), it) } }
                }
                check(e.message!!.isNotBlank()) { "empty message" }
                val st = core.status()
                check(st.lastResult != null) { "no last result after a failure" }
                check(st.nextAttempt != null) { "no next attempt after a failure" }
            }
        }
        test("cancelling: a cancelled handle stops the sync with Cancelled") {
            openCore().use { core ->
                val h = SyncHandle()
                h.cancel()
                check(h.isCancelled()) { "handle not cancelled" }
                expectThrows<FyrException.Cancelled>("pre-cancelled") { runBlocking { core.sync(SyncOptions("http://127.0.0.1:9", emptyList(), null, SyncTrigger.USER), h) } }
                h.close()
            }
        }
        test("cancelling a sync that hangs on a silent hub ends it with Cancelled") {
            SilentServer().use { server ->
                openCore().use { core ->
                    SyncHandle().use { h ->
                        runBlocking {
                            val job = async(Dispatchers.Default) {
                                runCatching { core.sync(SyncOptions(server.url, listOf(OTHER_KEY), null, SyncTrigger.USER), h) }
                            }
                            withTimeout(60_000) { server.accepted.await() } // the core is now waiting for an answer
                            h.cancel()
                            val r = withTimeout(60_000) { job.await() }
                            val e = r.exceptionOrNull()
                            check(e is FyrException.Cancelled) { "expected Cancelled, got $r" }
                            // The core itself saw the cancel (not, say, a read timeout).
                            checkEq("cancelled", core.status().lastResult, "last result")
                        }
                    }
                }
            }
        }
        test("cancelling the coroutine cancels the core's sync: the handle is cancelled and the connection dropped") {
            SilentServer().use { server ->
                openCore().use { core ->
                    SyncHandle().use { h ->
                        runBlocking {
                            val job = launch(Dispatchers.Default) {
                                core.sync(SyncOptions(server.url, listOf(OTHER_KEY), null, SyncTrigger.USER), h)
                            }
                            val socket = withTimeout(60_000) { server.accepted.await() }
                            job.cancelAndJoin()
                            check(h.isCancelled()) { "the core's token was not cancelled with the coroutine" }
                            // The core gives up the request: the server reads the end of the stream.
                            socket.soTimeout = 60_000
                            val input = socket.getInputStream()
                            val buf = ByteArray(4096)
                            while (input.read(buf) >= 0) { /* the request, then EOF */ }
                            // The core records how its sync ended once it has unwound: cancelled,
                            // not a timeout. Wait for that record (bounded), then check it.
                            var last: String? = null
                            for (i in 0 until 600) {
                                last = core.status().lastResult
                                if (last != null) break
                                Thread.sleep(100)
                            }
                            checkEq("cancelled", last, "last result after the coroutine was cancelled")
                        }
                    }
                }
            }
        }
    }
}

