package org.fyr.presentation

import org.fyr.core.HttpTransport
import org.fyr.core.SyncHandle
import org.fyr.core.TransportFailure
import org.fyr.core.types.HttpHeader
import org.fyr.core.types.HttpRequest
import org.fyr.core.types.HttpResponse
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URI
import java.net.URL
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.atomic.AtomicReference

/**
 * The core's transport on the phone: `HttpsURLConnection`, so TLS, the trust
 * store, proxies and VPNs are the platform's. The core keeps the policy
 * (size limits, counting, status → error, digests, TUF, signatures,
 * resumption) and checks what this returns again; this keeps the limits of
 * each request while reading:
 *
 * - connect and the response head within `headTimeoutMs`, everything within
 *   `deadlineMs`; a body slower than `minRate` bytes/s over a window, or
 *   silent for a window, is cut off and returned with what arrived;
 * - at most `maxBodyBytes + 1` body bytes are read (the core refuses more);
 * - redirects only when the request allows them, at most 5, and never to
 *   another origin (scheme, host, port); uploads get a 3xx as it is;
 * - `https` only; plain `http` only to this device itself (127.0.0.1,
 *   localhost, ::1), which the tests' local hub uses;
 * - a cancelled sync disconnects the request in flight.
 *
 * Called on the core's sync thread (never the main thread); blocks.
 * Plain JVM code: the same class runs in the JVM tests (scripts/ci-kotlin.sh).
 */
class HttpsTransport : HttpTransport {
    override fun send(request: HttpRequest, cancel: SyncHandle): HttpResponse {
        val limits = request.limits
        val deadlineAt = System.nanoTime() + limits.deadlineMs.toLong().coerceAtLeast(1) * 1_000_000
        fun left(): Long = (deadlineAt - System.nanoTime()) / 1_000_000
        var url = parse(request.url)
        val origin = originOf(url)
        var redirects = 0
        while (true) {
            if (cancel.isCancelled()) throw fail("cancelled")
            if (left() <= 0) throw fail("the deadline passed")
            refusePlainHttp(url)
            val conn = url.openConnection() as HttpURLConnection
            val guard = Guard(conn, cancel, deadlineAt, limits.minRate.toLong(), limits.rateWindowMs.toLong())
            try {
                conn.instanceFollowRedirects = false
                conn.useCaches = false
                conn.requestMethod = request.method
                val head = minOf(limits.headTimeoutMs.toLong(), left()).coerceIn(1, Int.MAX_VALUE.toLong())
                conn.connectTimeout = head.toInt()
                conn.readTimeout = head.toInt()
                for (h in request.headers) conn.setRequestProperty(h.name, h.value)
                val status = try {
                    if (request.body.isNotEmpty()) {
                        conn.doOutput = true
                        conn.setFixedLengthStreamingMode(request.body.size)
                        conn.outputStream.use { it.write(request.body) }
                    }
                    conn.responseCode
                } catch (e: SocketTimeoutException) {
                    throw fail(guard.reason.get() ?: "the hub did not answer within ${head / 1000} s")
                } catch (e: IOException) {
                    throw fail(guard.reason.get() ?: "cannot reach ${url.host}:${port(url)}: ${e.message ?: e.javaClass.simpleName}")
                }
                if (status in REDIRECTS && limits.followRedirects) {
                    val location = conn.getHeaderField("Location")
                        ?: throw fail("HTTP $status without a Location from $url")
                    val next = try {
                        url.toURI().resolve(location).toURL()
                    } catch (e: Exception) {
                        throw fail("HTTP $status to an unreadable Location ($location)")
                    }
                    if (originOf(next) != origin) {
                        throw fail("the feed was redirected to another origin ($next); refused")
                    }
                    if (++redirects > 5) throw fail("too many redirects from ${request.url}")
                    url = next
                    continue
                }
                val headers = conn.headerFields.orEmpty().flatMap { (name, values) ->
                    if (name == null) emptyList() else values.map { HttpHeader(name, it) }
                }
                val body = ByteArrayOutputStream()
                if (conn.contentLengthLong > limits.maxBodyBytes.toLong()) {
                    // Stated over the limit: the core refuses it from the header; nothing is read.
                    return HttpResponse(status.toUShort(), headers, url.toString(), ByteArray(0), null)
                }
                val stream: InputStream? = try {
                    if (status >= 400) conn.errorStream else conn.inputStream
                } catch (e: IOException) {
                    null
                }
                val cutOff = stream?.let { read(it, body, limits.maxBodyBytes.toLong(), guard) }
                return HttpResponse(status.toUShort(), headers, url.toString(), body.toByteArray(), cutOff)
            } finally {
                guard.stop()
                conn.disconnect()
            }
        }
    }

    /** Reads the body into [out], at most [max] + 1 bytes; returns why it was cut off, or null when it ended. */
    private fun read(input: InputStream, out: ByteArrayOutputStream, max: Long, guard: Guard): String? {
        val buf = ByteArray(16 * 1024)
        guard.bodyStarted()
        input.use {
            while (true) {
                val want = minOf(buf.size.toLong(), max + 1 - out.size()).toInt()
                if (want <= 0) return null // over the limit: the core refuses it
                val n = try {
                    input.read(buf, 0, want)
                } catch (e: SocketTimeoutException) {
                    return guard.reason.get() ?: "the hub sent nothing for a while; it stopped and resumes next time"
                } catch (e: IOException) {
                    return guard.reason.get() ?: "the connection broke: ${e.message ?: e.javaClass.simpleName}"
                }
                if (n < 0) return guard.reason.get()
                out.write(buf, 0, n)
                guard.received(n)
            }
        }
    }

    /**
     * Watches one request from a second thread and disconnects it when the
     * sync is cancelled, the deadline passes, or the body runs slower than
     * the minimum rate over a window (a blocked read cannot see the clock).
     */
    private class Guard(
        private val conn: HttpURLConnection,
        private val cancel: SyncHandle,
        private val deadlineAt: Long,
        private val minRate: Long,
        windowMs: Long,
    ) {
        val reason = AtomicReference<String?>(null)
        private val window = windowMs.coerceAtLeast(100) * 1_000_000
        private val done = AtomicBoolean(false)
        private val inBody = AtomicBoolean(false)
        private val windowStart = AtomicLong(0)
        private val windowBytes = AtomicLong(0)
        private val thread = Thread { run() }.apply {
            isDaemon = true
            name = "fyr-http-guard"
            start()
        }

        fun bodyStarted() {
            windowStart.set(System.nanoTime())
            inBody.set(true)
        }

        fun received(n: Int) {
            windowBytes.addAndGet(n.toLong())
        }

        fun stop() {
            done.set(true)
            thread.interrupt()
        }

        private fun cut(why: String) {
            reason.compareAndSet(null, why)
            conn.disconnect()
        }

        private fun run() {
            try {
                while (!done.get()) {
                    val now = System.nanoTime()
                    when {
                        cancel.isCancelled() -> return cut("cancelled")
                        now >= deadlineAt -> return cut("the deadline passed")
                        inBody.get() && minRate > 0 && now - windowStart.get() >= window -> {
                            val bytes = windowBytes.getAndSet(0)
                            val secs = (now - windowStart.get()) / 1e9
                            if (bytes < minRate * secs) {
                                return cut("the transfer ran slower than $minRate bytes/s ($bytes bytes in ${"%.0f".format(secs)} s); it stopped and resumes next time")
                            }
                            windowStart.set(now)
                        }
                    }
                    Thread.sleep(50)
                }
            } catch (_: InterruptedException) {
            }
        }
    }

    private fun parse(s: String): URL = try {
        URI(s).toURL()
    } catch (e: Exception) {
        throw fail("not a URL: $s")
    }

    private fun refusePlainHttp(url: URL) {
        when (url.protocol.lowercase()) {
            "https" -> return
            "http" -> if (url.host.lowercase() in LOOPBACK) return
        }
        throw fail("only https is used to reach a hub (plain http only to this device itself); refused: $url")
    }

    private fun port(url: URL) = if (url.port >= 0) url.port else url.defaultPort

    private fun originOf(url: URL) = Triple(url.protocol.lowercase(), url.host.lowercase(), port(url))

    private fun fail(message: String) = TransportFailure.Failed(message)

    private companion object {
        val REDIRECTS = setOf(301, 302, 303, 307, 308)
        val LOOPBACK = setOf("127.0.0.1", "localhost", "[::1]", "::1")
    }
}
