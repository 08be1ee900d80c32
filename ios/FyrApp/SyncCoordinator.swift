import BackgroundTasks
import Foundation
import Network
import FyrKit
import FyrShell

/// The platform side of syncing: FyrShell's SyncScheduler (single flight,
/// coverage back, next refresh at the core's next check; tested with
/// `swift test`) over BGTaskScheduler, NWPathMonitor and FyrCore.sync. The
/// core holds the policy: a scheduled call before the next check returns
/// NotYet at once without network; "Sync now" (user) runs.
enum SyncCoordinator {
    static let refreshTaskId = "org.fyr.app.refresh"
    static let shared = SyncScheduler(engine: CoreSyncEngine(), background: BGRefresh())
    private static let monitor = PathMonitor()

    static func registerBackgroundRefresh() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: refreshTaskId, using: nil) { task in
            handleRefresh(task as! BGAppRefreshTask)
        }
    }

    /// On launch: ask when coverage returns (the core decides whether it is due).
    static func start() { shared.startMonitoring(monitor) }

    private static func handleRefresh(_ task: BGAppRefreshTask) {
        let sync = shared.sync(.scheduled)
        task.expirationHandler = { shared.cancelRunning() } // the core stops and leaves the store consistent
        Task {
            let r = await sync.value
            task.setTaskCompleted(success: r != .failed && r != .cancelled)
        }
    }
}

/// FyrCore.sync with the Keychain token, its errors mapped for the scheduler.
struct CoreSyncEngine: SyncEngine {
    func sync(_ cause: SyncCause, cancel: CancelFlag) async -> SyncRunResult {
        guard let core = try? AppCore.holder.core() else { return .failed }
        let handle = SyncHandle()
        cancel.onCancel { handle.cancel() }
        let token = try? StoreKey.deviceToken()
        do {
            _ = try await core.sync(options: SyncOptions(hubUrl: nil, trustedKeys: [], token: token, trigger: cause == .user ? .user : .scheduled),
                                    handle: handle)
            return .done
        } catch FyrError.NotYet {
            return .notYet
        } catch FyrError.Cancelled {
            return .cancelled
        } catch {
            return .failed // the Status screen shows the core's last result, next check and upload note
        }
    }

    func nextCheck() -> Date? {
        guard let s = try? AppCore.holder.core().nextCheck() else { return nil }
        return ISO8601DateFormatter().date(from: s)
    }
}

struct BGRefresh: BackgroundScheduling {
    func submitRefresh(earliest: Date) throws {
        let request = BGAppRefreshTaskRequest(identifier: SyncCoordinator.refreshTaskId)
        request.earliestBeginDate = earliest
        try BGTaskScheduler.shared.submit(request)
    }
}

/// NWPathMonitor on its own queue; state is guarded by FyrShell's lock, never `queue.sync`.
final class PathMonitor: NetworkMonitoring {
    private let monitor = NWPathMonitor()
    private let queue = DispatchQueue(label: "org.fyr.sync.monitor")
    func start(_ onChange: @escaping @Sendable (Bool) -> Void) {
        monitor.pathUpdateHandler = { path in onChange(path.status == .satisfied) }
        monitor.start(queue: queue)
    }
}
