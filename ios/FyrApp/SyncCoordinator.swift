import BackgroundTasks
import Foundation
import Network
import FyrKit

/// Starts the core's sync: from a BGTaskScheduler app refresh, and whenever
/// NWPathMonitor reports the path satisfied again (coverage returned). The
/// core does the work and keeps the backoff hint; this only starts, cancels
/// and schedules.
final class SyncCoordinator: @unchecked Sendable {
    static let shared = SyncCoordinator()
    static let refreshTaskId = "org.fyr.app.refresh"

    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "org.fyr.sync")
    private var core: FyrCore?
    private var running: SyncHandle?
    private var lastPath: NWPath.Status = .requiresConnection

    func registerBackgroundRefresh() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: Self.refreshTaskId, using: nil) { task in
            self.handleRefresh(task as! BGAppRefreshTask)
        }
    }

    /// Called once the core is open: syncs now and whenever coverage returns.
    func start(core: FyrCore) {
        queue.sync { self.core = core }
        monitor.pathUpdateHandler = { [weak self] path in
            guard let self else { return }
            let was = self.lastPath
            self.lastPath = path.status
            if path.status == .satisfied && was != .satisfied { self.syncNow() }
        }
        monitor.start(queue: queue)
        scheduleRefresh()
    }

    /// Next app refresh: the core's next-attempt hint after a failure, else in 6 hours.
    func scheduleRefresh() {
        let request = BGAppRefreshTaskRequest(identifier: Self.refreshTaskId)
        var earliest = Date(timeIntervalSinceNow: 6 * 3600)
        if let hint = try? core?.status().nextAttempt, let date = ISO8601DateFormatter().date(from: hint) {
            earliest = max(date, Date(timeIntervalSinceNow: 60))
        }
        request.earliestBeginDate = earliest
        try? BGTaskScheduler.shared.submit(request)
    }

    /// A sync unless one is running. Returns when it ends.
    @discardableResult
    func syncNow() -> Task<Bool, Never>? {
        guard let core = queue.sync(execute: { self.core }) else { return nil }
        let handle: SyncHandle? = queue.sync {
            if self.running != nil { return nil }
            let h = SyncHandle()
            self.running = h
            return h
        }
        guard let handle else { return nil }
        return Task.detached {
            defer { self.queue.sync { self.running = nil } }
            do {
                _ = try await core.sync(options: .remembered, handle: handle)
                return true
            } catch {
                return false // the Status screen shows the core's last result and next attempt
            }
        }
    }

    private func handleRefresh(_ task: BGAppRefreshTask) {
        scheduleRefresh() // the next one, whatever happens to this one
        guard let sync = syncNow() else {
            task.setTaskCompleted(success: true) // one is already running (or the core is not open yet)
            return
        }
        task.expirationHandler = { [weak self] in
            // Out of time: interrupt the core's sync; it leaves the store consistent.
            self?.queue.sync { self?.running?.cancel() }
        }
        Task {
            let ok = await sync.value
            task.setTaskCompleted(success: ok)
        }
    }
}
