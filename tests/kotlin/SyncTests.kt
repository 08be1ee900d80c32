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
import org.fyr.testkit.*
import java.io.File
import java.net.ServerSocket
import java.util.concurrent.TimeUnit

/** A real hub on 127.0.0.1, published from the repository's content with a fresh key. */
class Hub : AutoCloseable {
    val dir = tempDir("hub")
    val keys = File(dir, "keys")
    val feed = File(dir, "feed")
    val token = "kotlin-test-device-token"
    private val process: Process
    val url: String
    val publicKeyHex: String

    init {
        fyr("hub", "keygen", "--out", keys.absolutePath)
        val pub = keys.listFiles()!!.firstOrNull { it.name.endsWith(".pub") }
            ?: error("fyr hub keygen wrote no .pub file in $keys: ${keys.list()?.toList()}")
        val priv = keys.listFiles()!!.first { it != pub }
        publicKeyHex = pub.readText().trim()
        fyr("hub", "publish", "--content", File(Env.repo, "content").absolutePath, "--key", priv.absolutePath, "--feed", feed.absolutePath)
        val tokens = File(dir, "tokens.txt").apply { writeText("$token\n") }
        process = ProcessBuilder(
            Env.fyrBin.absolutePath, "hub", "serve", "--feed", feed.absolutePath,
            "--db", File(dir, "hub.db").absolutePath, "--listen", "127.0.0.1:0", "--tokens", tokens.absolutePath,
        ).redirectErrorStream(true).start()
        val reader = process.inputStream.bufferedReader()
        val addr = Regex("""127\.0\.0\.1:(\d+)""")
        var found: String? = null
        val seen = StringBuilder()
        while (found == null) {
            val line = reader.readLine() ?: break
            seen.appendLine(line)
            addr.find(line)?.let { found = "http://127.0.0.1:${it.groupValues[1]}" }
        }
        url = found ?: run { process.destroy(); error("fyr hub serve printed no address: $seen") }
        // Keep draining its output so the hub never blocks on a full pipe.
        Thread { reader.forEachLine { } }.apply { isDaemon = true }.start()
    }

    fun options() = SyncOptions(url, listOf(publicKeyHex), token)

    override fun close() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
    }
}

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
        test("sync against a real hub on 127.0.0.1: pulls the feed, uploads the outbox, then is unchanged") {
            Hub().use { hub ->
                openCore().use { core ->
                    val c = core.checklists().first()
                    val v = answerAll(core, core.startScreening(c.id, "Ljungby"))
                    core.completeScreening(v.sessionId, null, null)
                    checkEq(1, core.outbox().size, "outbox before sync")
                    val first = runBlocking { SyncHandle().use { h -> core.sync(hub.options(), h) } }
                    check(first.result == "updated" || first.result == "unchanged") { "result ${first.result}" }
                    check(first.requests > 0u) { "no requests" }
                    checkEq(1uL, first.uploaded, "uploaded events")
                    checkEq(0, core.outbox().size, "outbox after sync")
                    val st = core.status()
                    check(st.lastSync != null) { "no last sync in status" }
                    checkEq(0u, st.outboxSize, "status outbox")
                    checkEq(null, st.nextAttempt, "next attempt after success")
                    // Remembered hub, key and token: empty options work.
                    val second = runBlocking { SyncHandle().use { h -> core.sync(SyncOptions(null, emptyList(), null), h) } }
                    checkEq("unchanged", second.result, "second sync")
                    checkEq(first.version, second.version, "version after unchanged sync")
                    checkEq(0uL, second.uploaded, "nothing more to upload")
                }
            }
        }
        test("a sync with the wrong trusted key fails as Sync and leaves the data as it was") {
            Hub().use { hub ->
                openCore().use { core ->
                    val before = core.status().contentVersion
                    val wrong = SyncOptions(hub.url, listOf(OTHER_KEY), hub.token)
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
                    runBlocking { SyncHandle().use { core.sync(SyncOptions("http://127.0.0.1:$port", listOf(OTHER_KEY), null), it) } }
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
                expectThrows<FyrException.Cancelled>("pre-cancelled") { runBlocking { core.sync(SyncOptions("http://127.0.0.1:9", emptyList(), null), h) } }
                h.close()
            }
        }
        test("cancelling a sync that hangs on a silent hub ends it with Cancelled") {
            SilentServer().use { server ->
                openCore().use { core ->
                    SyncHandle().use { h ->
                        runBlocking {
                            val job = async(Dispatchers.Default) {
                                runCatching { core.sync(SyncOptions(server.url, listOf(OTHER_KEY), null), h) }
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
                                core.sync(SyncOptions(server.url, listOf(OTHER_KEY), null), h)
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

