import BackgroundTasks
import Foundation
import Network
import FyrKit

/// Starts the core's sync: from a BGTaskScheduler app refresh, and whenever
/// NWPathMonitor reports the path satisfied again (coverage returned). The
/// core does the work (where to sync comes from the signed content, so no
/// options but the enrollment token from the Keychain) and keeps the backoff
/// hint and why the outbox did not go; this only starts, cancels and schedules.
/// State is guarded by a lock, never by `queue.sync` (the monitor's handler
/// runs on `queue`, and a `queue.sync` there would trap).
final class SyncCoordinator: @unchecked Sendable {
    static let shared = SyncCoordinator()
    static let refreshTaskId = "org.fyr.app.refresh"

    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "org.fyr.sync.monitor")
    private let lock = NSLock()
    private var running: Task<Bool, Never>?
    private var lastPath: NWPath.Status = .requiresConnection
    private var started = false

    func registerBackgroundRefresh() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: Self.refreshTaskId, using: nil) { task in
            self.handleRefresh(task as! BGAppRefreshTask)
        }
    }

    /// Syncs now and whenever coverage returns.
    func start() {
        lock.lock(); defer { lock.unlock() }
        guard !started else { return }
        started = true
        monitor.pathUpdateHandler = { [weak self] path in
            guard let self else { return }
            self.lock.lock()
            let was = self.lastPath
            self.lastPath = path.status
            self.lock.unlock()
            if path.status == .satisfied && was != .satisfied { self.syncNow() }
        }
        monitor.start(queue: queue)
    }

    /// Next app refresh: the core's next-attempt hint after a failure (at most a day away), else in 6 hours.
    func scheduleRefresh() {
        let request = BGAppRefreshTaskRequest(identifier: Self.refreshTaskId)
        var earliest = Date(timeIntervalSinceNow: 6 * 3600)
        if let hint = try? CoreHolder.shared.core().status().nextAttempt, let date = ISO8601DateFormatter().date(from: hint) {
            earliest = min(max(date, Date(timeIntervalSinceNow: 60)), Date(timeIntervalSinceNow: 24 * 3600))
        }
        request.earliestBeginDate = earliest
        try? BGTaskScheduler.shared.submit(request)
    }

    /// A sync unless one is running (then that one). Cancelling the returned
    /// task cancels the Rust sync too.
    @discardableResult
    func syncNow() -> Task<Bool, Never> {
        lock.lock(); defer { lock.unlock() }
        if let running { return running }
        let task = Task.detached { () -> Bool in
            defer { self.lock.lock(); self.running = nil; self.lock.unlock() }
            guard let core = try? CoreHolder.shared.core() else { return false }
            let handle = SyncHandle()
            let token = try? StoreKey.deviceToken()
            do {
                _ = try await withTaskCancellationHandler {
                    try await core.sync(options: SyncOptions(hubUrl: nil, trustedKeys: [], token: token), handle: handle)
                } onCancel: {
                    handle.cancel()
                }
                return true
            } catch {
                return false // the Status screen shows the core's last result, next attempt and upload note
            }
        }
        running = task
        return task
    }

    private func handleRefresh(_ task: BGAppRefreshTask) {
        scheduleRefresh() // the next one, whatever happens to this one
        let sync = syncNow()
        // Out of time: cancel; the core stops and leaves the store consistent.
        task.expirationHandler = { sync.cancel() }
        Task {
            let ok = await sync.value
            task.setTaskCompleted(success: ok)
        }
    }
}
