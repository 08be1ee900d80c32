// The phone's own HTTPS (org.fyr.presentation.HttpsTransport, the class the
// Android app gives the core) carrying the real library's sync against a real
// hub on 127.0.0.1, and against the hubs a phone meets on a bad day: one
// that sends far too much, one that stops answering, one that redirects
// elsewhere. The library links no HTTP client: every byte here went through
// the Kotlin class.
package org.fyr.tests

import kotlinx.coroutines.runBlocking
import org.fyr.core.*
import org.fyr.core.types.*
import org.fyr.presentation.HttpsTransport
import org.fyr.testkit.*
import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong

/** Reads one request head (and its body, by Content-Length) from [input]; null at end of stream. */
fun readRequest(input: InputStream): String? {
    val head = StringBuilder()
    while (!head.endsWith("\r\n\r\n")) {
        val b = input.read()
        if (b < 0) return null
        head.append(b.toChar())
    }
    val length = Regex("(?i)content-length:\\s*(\\d+)").find(head)?.groupValues?.get(1)?.toInt() ?: 0
    repeat(length) { input.read() }
    return head.toString()
}

/** A server on 127.0.0.1 that answers each request as [answer] writes it (one request per connection). */
class RawServer(private val answer: (request: String, out: OutputStream) -> Unit) : AutoCloseable {
    private val socket = ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))
    val url = "http://127.0.0.1:${socket.localPort}/"
    val requests = java.util.Collections.synchronizedList(mutableListOf<String>())

    init {
        Thread {
            try {
                while (true) {
                    val s = socket.accept()
                    Thread {
                        s.use {
                            val req = readRequest(it.getInputStream()) ?: return@Thread
                            requests += req
                            try {
                                answer(req, it.getOutputStream())
                                it.getOutputStream().flush()
                            } catch (_: Exception) {
                            }
                        }
                    }.apply { isDaemon = true }.start()
                }
            } catch (_: Exception) {
            }
        }.apply { isDaemon = true }.start()
    }

    override fun close() = socket.close()
}

/**
 * A relay on 127.0.0.1 in front of a real hub, as the mobile network between
 * a phone and its hub: while [silent], requests still reach the hub but no
 * answer comes back (a dead zone, a stuck middlebox).
 */
class Relay(hubUrl: String) : AutoCloseable {
    private val hubPort = Regex(":(\\d+)/").find(hubUrl)!!.groupValues[1].toInt()
    private val socket = ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))
    val url = "http://127.0.0.1:${socket.localPort}/"
    val silent = AtomicBoolean(false)

    init {
        Thread {
            try {
                while (true) {
                    val phone = socket.accept()
                    val hub = Socket("127.0.0.1", hubPort)
                    pipe(phone.getInputStream(), hub.getOutputStream(), null)
                    pipe(hub.getInputStream(), phone.getOutputStream(), silent)
                }
            } catch (_: Exception) {
            }
        }.apply { isDaemon = true }.start()
    }

    private fun pipe(from: InputStream, to: OutputStream, hold: AtomicBoolean?) {
        Thread {
            val buf = ByteArray(8192)
            try {
                while (true) {
                    val n = from.read(buf)
                    if (n < 0) break
                    while (hold?.get() == true) Thread.sleep(20)
                    to.write(buf, 0, n)
                    to.flush()
                }
            } catch (_: Exception) {
            }
            runCatching { to.close() }
        }.apply { isDaemon = true }.start()
    }

    override fun close() = socket.close()
}

private fun userSync(core: FyrCore, options: SyncOptions = noOptions()): SyncReport =
    runBlocking { SyncHandle().use { h -> core.sync(options, h) } }

class TransportTests : Suite("transport") {
    init {
        test("a fresh install's first sync, then an unchanged one (one conditional request), go through the phone's HTTPS") {
            Hub().use { hub ->
                hub.publish() // the coordinators published after the app was built
                hub.openDevice().use { core ->
                    val first = userSync(core)
                    checkEq("updated", first.result, "first sync")
                    checkEq(2uL, first.version, "the hub's version")
                    check(first.bytesReceived > 0uL && first.requests >= 1uL) { "nothing counted: $first" }
                    val again = userSync(core)
                    checkEq("unchanged", again.result, "second sync")
                    checkEq(1uL, again.requests, "an unchanged sync is one request")
                    check(again.bytesReceived < 1000uL) { "an unchanged sync received ${again.bytesReceived} bytes" }
                }
            }
        }
        test("enrolling with the coordinator's code and uploading a screening statistic go through the phone's HTTPS") {
            Hub().use { hub ->
                hub.openDevice().use { core ->
                    userSync(core)
                    val c = core.checklists().first()
                    val v = answerAll(core, core.startScreening(c.id, "Östersund"))
                    core.completeScreening(v.sessionId, null, null)
                    val (typed, _) = hub.enrollCode()
                    val e = runBlocking { core.enroll(typed) }
                    check(e.token.length >= 16) { "token ${e.token}" }
                    val r = userSync(core, noOptions(e.token))
                    checkEq(1uL, r.uploaded, "uploaded")
                    checkEq(0, core.outbox().size, "outbox after the upload")
                }
            }
        }
        test("an app that gave no transport gets an error naming it when it syncs or enrolls; nothing is sent, the content stays") {
            Hub().use { hub ->
                hub.publish()
                // Opened as a shell would that forgot set_transport.
                FyrCore.open(tempDir("store").absolutePath, newKey(), "sv").use { core ->
                    val before = core.status().contentVersion
                    val e = expectThrows<FyrException>("sync without a transport") {
                        userSync(core, SyncOptions(hub.url, listOf(hub.publicKeyHex), null, SyncTrigger.USER))
                    }
                    check(e.message!!.contains("no transport") && e.message!!.contains("set_transport")) { "message: ${e.message}" }
                    checkEq(before, core.status().contentVersion, "content after the refusal")
                    val (typed, _) = hub.enrollCode()
                    val en = expectThrows<FyrException>("enroll without a transport") { runBlocking { core.enroll(typed) } }
                    check(en.message!!.contains("no transport")) { "message: ${en.message}" }
                    // The directory still answers, offline as always.
                    check(core.search(query("kvinnojour", municipality = "Ljungby")).isNotEmpty()) { "no hits" }
                }
            }
        }
        test("a hub sending a manifest far over the limit without saying its length is refused; the phone read only a little past the limit") {
            val written = AtomicLong(0)
            RawServer { _, out ->
                out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".toByteArray())
                val chunk = ByteArray(64 * 1024) { ' '.code.toByte() }
                repeat(32 * 16) { // 32 MiB of whitespace, or until the phone hangs up
                    out.write(chunk)
                    written.addAndGet(chunk.size.toLong())
                }
            }.use { server ->
                openCore().use { core ->
                    val before = core.status().contentVersion
                    val e = expectThrows<FyrException.Sync>("oversized manifest") {
                        userSync(core, SyncOptions(server.url, listOf(OTHER_KEY), null, SyncTrigger.USER))
                    }
                    check(e.message!!.contains("too large")) { "message: ${e.message}" }
                    checkEq(before, core.status().contentVersion, "content after the refusal")
                    Thread.sleep(500)
                    check(written.get() < 16L * 1024 * 1024) { "the phone kept reading: ${written.get()} bytes sent" }
                }
            }
        }
        test("a hub stating a length over the limit is refused before its body is read") {
            RawServer { _, out ->
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 900000000\r\n\r\n{".toByteArray())
                Thread.sleep(60_000) // never sends the rest
            }.use { server ->
                openCore().use { core ->
                    val started = System.nanoTime()
                    val e = expectThrows<FyrException.Sync>("stated length") {
                        userSync(core, SyncOptions(server.url, listOf(OTHER_KEY), null, SyncTrigger.USER))
                    }
                    check(e.message!!.contains("too large")) { "message: ${e.message}" }
                    check((System.nanoTime() - started) / 1_000_000_000 < 20) { "waited for a body it was going to refuse" }
                }
            }
        }
        test("a hub that stops answering mid-sync: a clear error, nothing lost, the next sync completes") {
            Hub().use { hub ->
                Relay(hub.url).use { relay ->
                    openCore().use { core ->
                        val c = core.checklists().first()
                        val v = answerAll(core, core.startScreening(c.id, "Växjö"))
                        core.completeScreening(v.sessionId, null, null)
                        val before = core.status().contentVersion
                        relay.silent.set(true)
                        val e = expectThrows<FyrException.Sync>("silent hub") {
                            userSync(core, SyncOptions(relay.url, listOf(hub.publicKeyHex), null, SyncTrigger.USER))
                        }
                        check(e.message!!.contains("did not answer")) { "message: ${e.message}" }
                        val st = core.status()
                        checkEq(before, st.contentVersion, "content after the failed sync")
                        check(st.lastResultJson!!.contains("\"failed\"")) { "last result: ${st.lastResultJson}" }
                        checkEq(1u, st.failures, "failures counted")
                        check(st.nextAttempt != null) { "no next attempt" }
                        checkEq(1, core.outbox().size, "the statistic still waits")
                        relay.silent.set(false)
                        val r = userSync(core) // the kept hub and key: the relay, now answering
                        checkEq("updated", r.result, "the next sync")
                        checkEq(1, core.outbox().size, "still waiting for an enrollment, not lost")
                    }
                }
            }
        }
        test("a feed redirected to another origin is refused and the other host never asked") {
            RawServer { _, out -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".toByteArray()) }.use { elsewhere ->
                RawServer { _, out ->
                    out.write("HTTP/1.1 302 Found\r\nLocation: ${elsewhere.url}feed/manifest.json\r\nContent-Length: 0\r\n\r\n".toByteArray())
                }.use { hub ->
                    openCore().use { core ->
                        val e = expectThrows<FyrException.Sync>("cross-origin redirect") {
                            userSync(core, SyncOptions(hub.url, listOf(OTHER_KEY), null, SyncTrigger.USER))
                        }
                        check(e.message!!.contains("another origin")) { "message: ${e.message}" }
                        checkEq(0, elsewhere.requests.size, "requests to the other origin")
                        check(hub.requests.isNotEmpty()) { "the hub was never asked" }
                    }
                }
            }
        }
        test("a redirect within the hub's own origin is followed") {
            RawServer { req, out ->
                if (req.startsWith("GET /feed/manifest.json")) {
                    out.write("HTTP/1.1 301 Moved Permanently\r\nLocation: /moved/manifest.json\r\nContent-Length: 0\r\n\r\n".toByteArray())
                } else {
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".toByteArray())
                }
            }.use { hub ->
                openCore().use { core ->
                    val e = expectThrows<FyrException.Sync>("moved feed answering 404") {
                        userSync(core, SyncOptions(hub.url, listOf(OTHER_KEY), null, SyncTrigger.USER))
                    }
                    check(hub.requests.any { it.startsWith("GET /moved/manifest.json") }) { "not followed: ${hub.requests}" }
                    check(e.message!!.contains("404")) { "message: ${e.message}" }
                }
            }
        }
        test("the transport: plain http only to this device, a silent host times out, a stalled body comes back cut off with what arrived") {
            val t = HttpsTransport()
            fun req(url: String, head: Long = 1000, minRate: Long = 0) = HttpRequest(
                "GET", url, emptyList(), ByteArray(0),
                HttpLimits(1000uL, head.toULong(), 10_000uL, minRate.toULong(), 1000uL, true),
            )
            SyncHandle().use { h ->
                val plain = expectThrows<TransportFailure>("plain http elsewhere") { t.send(req("http://192.0.2.1/feed/manifest.json"), h) }
                check(plain.message!!.contains("only https")) { "message: ${plain.message}" }
                SilentServer().use { silent ->
                    val started = System.nanoTime()
                    val e = expectThrows<TransportFailure>("silent host") { t.send(req(silent.url + "/x"), h) }
                    check(e.message!!.contains("did not answer")) { "message: ${e.message}" }
                    check((System.nanoTime() - started) / 1_000_000 < 5_000) { "the head timeout of 1 s was not kept" }
                }
                RawServer { _, out ->
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n".toByteArray())
                    out.write(ByteArray(300) { 'x'.code.toByte() })
                    out.flush()
                    Thread.sleep(30_000)
                }.use { server ->
                    val r = t.send(req(server.url + "blobs/a.gz", head = 10_000, minRate = 100), h)
                    checkEq(200.toUShort(), r.status, "status")
                    checkEq(300, r.body.size, "the bytes that arrived, kept for the resume")
                    check(r.cutOff?.contains("slower than 100 bytes/s") == true) { "cut off: ${r.cutOff}" }
                }
            }
        }
    }
}
