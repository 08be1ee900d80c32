// The core's transport on iOS: URLSession, so TLS, the trust store, proxies
// and VPNs are the system's. The core keeps the policy (size limits,
// counting, status -> error, redirects' origin, digests, TUF, signatures,
// resumption) and checks what this returns again; this keeps each request's
// limits while reading. The same behaviour as Android's HttpsTransport
// (android/presentation/.../HttpsTransport.kt, which the JVM tests run).
//
// NOT COMPILED HERE: the repository's CI runs on Linux without Swift. Read it
// against `scripts/gen-bindings.sh swift` output; build it with the app.
import Foundation

/// Give it to the core once after opening: `core.setTransport(transport: URLSessionTransport())`.
/// Called on the core's sync thread (never the main thread); blocks.
public final class URLSessionTransport: HttpTransport, @unchecked Sendable {
    public init() {}

    public func send(request: HttpRequest, cancel: SyncHandle) throws -> HttpResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased() else {
            throw TransportFailure.Failed(reason: "not a URL: \(request.url)")
        }
        // https only; plain http only to this device itself (a local test hub).
        let loopback: Set<String> = ["127.0.0.1", "localhost", "::1"]
        guard scheme == "https" || (scheme == "http" && loopback.contains(url.host?.lowercased() ?? "")) else {
            throw TransportFailure.Failed(reason: "only https is used to reach a hub (plain http only to this device itself); refused: \(url)")
        }
        let limits = request.limits
        var req = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData,
                             timeoutInterval: Double(limits.headTimeoutMs) / 1000)
        req.httpMethod = request.method
        for h in request.headers { req.setValue(h.value, forHTTPHeaderField: h.name) }
        if !request.body.isEmpty { req.httpBody = request.body }

        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = Double(limits.headTimeoutMs) / 1000 // also the longest silence
        config.timeoutIntervalForResource = Double(max(limits.deadlineMs, 1)) / 1000
        config.urlCache = nil
        let exchange = Exchange(limits: limits, origin: Origin(url))
        let session = URLSession(configuration: config, delegate: exchange, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        let task = session.dataTask(with: req)
        exchange.task = task
        task.resume()
        // Wait, checking the sync's cancel (a blocked read cannot) and the rate.
        while exchange.done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if cancel.isCancelled() { exchange.cut("cancelled") }
            exchange.checkRate()
        }
        return try exchange.result()
    }
}

private struct Origin: Equatable {
    let scheme: String, host: String, port: Int
    init(_ url: URL) {
        scheme = url.scheme?.lowercased() ?? ""
        host = url.host?.lowercased() ?? ""
        port = url.port ?? (scheme == "https" ? 443 : 80)
    }
}

/// One request's state, filled in by URLSession's delegate queue.
private final class Exchange: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let limits: HttpLimits
    let origin: Origin
    let done = DispatchSemaphore(value: 0)
    weak var task: URLSessionTask?
    private let lock = NSLock()
    private var response: HTTPURLResponse?
    private var body = Data()
    private var cutOff: String?
    private var failure: String?
    private var redirects = 0 // followed so far
    private var windowStart = Date()
    private var windowBytes: UInt64 = 0

    init(limits: HttpLimits, origin: Origin) {
        self.limits = limits
        self.origin = origin
    }

    /// Stops the request; the reason is what the core sees.
    func cut(_ why: String) {
        lock.lock(); if cutOff == nil && failure == nil { cutOff = why }; lock.unlock()
        task?.cancel()
    }

    func checkRate() {
        lock.lock()
        let inBody = response != nil, elapsed = Date().timeIntervalSince(windowStart), bytes = windowBytes
        let window = max(Double(limits.rateWindowMs) / 1000, 0.1)
        if inBody && limits.minRate > 0 && elapsed >= window {
            windowStart = Date(); windowBytes = 0
        }
        lock.unlock()
        if inBody && limits.minRate > 0 && elapsed >= window && Double(bytes) < Double(limits.minRate) * elapsed {
            cut("the transfer ran slower than \(limits.minRate) bytes/s (\(bytes) bytes in \(Int(elapsed)) s); it stopped and resumes next time")
        }
    }

    func result() throws -> HttpResponse {
        lock.lock(); defer { lock.unlock() }
        guard let r = response else {
            throw TransportFailure.Failed(reason: cutOff ?? failure ?? "no answer")
        }
        var headers: [HttpHeader] = []
        for (k, v) in r.allHeaderFields {
            headers.append(HttpHeader(name: "\(k)", value: "\(v)"))
        }
        // URLSession has already decoded a gzip body: the headers that
        // described the encoded bytes no longer apply (the core would gunzip again).
        if headers.contains(where: { $0.name.lowercased() == "content-encoding" }) {
            headers.removeAll { ["content-encoding", "content-length"].contains($0.name.lowercased()) }
        }
        return HttpResponse(status: UInt16(clamping: r.statusCode), headers: headers,
                            url: r.url?.absoluteString ?? "", body: body, cutOff: cutOff ?? failure)
    }

    // Redirects: only when allowed, within the origin, at most 5; otherwise
    // the 3xx itself is the answer (uploads never follow one).
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        guard limits.followRedirects, let to = request.url else { return completionHandler(nil) }
        lock.lock(); redirects += 1; let n = redirects; lock.unlock()
        // Not followed: the 3xx is handed back, and the core refuses a
        // Location on another origin by name.
        if Origin(to) != origin || n > 5 { return completionHandler(nil) }
        completionHandler(request)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        self.response = response as? HTTPURLResponse
        windowStart = Date(); windowBytes = 0
        lock.unlock()
        // Stated over the limit: the core refuses it from the header; nothing is read.
        let stated = response.expectedContentLength
        if stated > 0 && UInt64(stated) > limits.maxBodyBytes && (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Encoding") == nil {
            completionHandler(.cancel); return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        body.append(data)
        windowBytes += UInt64(data.count)
        let over = UInt64(body.count) > limits.maxBodyBytes
        if over { body = body.prefix(Int(limits.maxBodyBytes) + 1) } // the core refuses it
        lock.unlock()
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let overLimit = UInt64(body.count) > limits.maxBodyBytes
        if let e = error as NSError?, cutOff == nil, failure == nil, !overLimit,
           !(e.domain == NSURLErrorDomain && e.code == NSURLErrorCancelled && response != nil) {
            let why: String
            switch (e.domain, e.code) {
            case (NSURLErrorDomain, NSURLErrorTimedOut):
                why = response == nil ? "the hub did not answer within \(limits.headTimeoutMs / 1000) s" : "the hub sent nothing for a while; it stopped and resumes next time"
            default:
                why = e.localizedDescription
            }
            if response == nil { failure = why } else { cutOff = why }
        }
        lock.unlock()
        done.signal()
    }
}
