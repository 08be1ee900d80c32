// When the iOS app asks the core to sync, UI-free: the core holds the one
// sync policy (a scheduled call before the next check, or while one runs,
// returns NotYet at once without network; "Sync now" runs). This only
// starts syncs (single flight), asks again when coverage returns, and plans
// the next background refresh at the core's next check. Background tasks
// and the network monitor are behind protocols so tests drive them.
import Foundation

/// Why a sync started: the user's explicit "Sync now", or a schedule (background refresh, coverage back).
public enum SyncCause: Equatable, Sendable {
    case user
    case scheduled
}

/// How a sync ended, as the scheduler needs it.
public enum SyncRunResult: Equatable, Sendable {
    case done
    /// Not due (or one runs): nothing done, no network used.
    case notYet
    case failed
    case cancelled
}

/// The core's sync, as the app adapts it (FyrCore.sync with the Keychain token, FyrError mapped).
public protocol SyncEngine: Sendable {
    func sync(_ cause: SyncCause, cancel: CancelFlag) async -> SyncRunResult
    /// The core's next check (`FyrCore.nextCheck()`), nil when it cannot say.
    func nextCheck() -> Date?
}

/// BGTaskScheduler in the app.
public protocol BackgroundScheduling: Sendable {
    func submitRefresh(earliest: Date) throws
}

/// NWPathMonitor in the app: reports whether the path is satisfied.
public protocol NetworkMonitoring: AnyObject {
    func start(_ onChange: @escaping @Sendable (_ satisfied: Bool) -> Void)
}

/// Cancels the core's sync (the app calls SyncHandle.cancel()).
public final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var handlers: [() -> Void] = []
    private var cancelled = false
    public init() {}
    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
    public func onCancel(_ f: @escaping () -> Void) {
        lock.lock()
        if cancelled { lock.unlock(); f(); return }
        handlers.append(f)
        lock.unlock()
    }
    public func cancel() {
        lock.lock()
        guard !cancelled else { lock.unlock(); return }
        cancelled = true
        let hs = handlers
        handlers = []
        lock.unlock()
        hs.forEach { $0() }
    }
}

public final class SyncScheduler: @unchecked Sendable {
    private let engine: SyncEngine
    private let background: BackgroundScheduling
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var running: (task: Task<SyncRunResult, Never>, cancel: CancelFlag)?
    private var lastSatisfied = false
    private var monitoring = false

    /// The latest a background refresh is planned when the core cannot say (a day).
    public static let fallbackDelay: TimeInterval = 24 * 3600

    public init(engine: SyncEngine, background: BackgroundScheduling, now: @escaping @Sendable () -> Date = { Date() }) {
        self.engine = engine
        self.background = background
        self.now = now
    }

    /// A sync unless one is running (then that one: single flight, never a
    /// second, never cancelling the first). Plans the next refresh when it ends.
    @discardableResult
    public func sync(_ cause: SyncCause) -> Task<SyncRunResult, Never> {
        lock.lock(); defer { lock.unlock() }
        if let running { return running.task }
        let flag = CancelFlag()
        let engine = self.engine
        let task = Task.detached { [weak self] () -> SyncRunResult in
            let result = await withTaskCancellationHandler {
                await engine.sync(cause, cancel: flag)
            } onCancel: {
                flag.cancel()
            }
            self?.finished()
            return result
        }
        running = (task, flag)
        return task
    }

    /// Cancels the running sync (a background task ran out of time).
    public func cancelRunning() {
        lock.lock(); let r = running; lock.unlock()
        r?.cancel.cancel()
        r?.task.cancel()
    }

    public var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running != nil }

    /// Asks for a scheduled sync whenever coverage returns (the core says
    /// NotYet at once when it is not due). Idempotent.
    public func startMonitoring(_ monitor: NetworkMonitoring) {
        lock.lock()
        guard !monitoring else { lock.unlock(); return }
        monitoring = true
        lock.unlock()
        monitor.start { [weak self] satisfied in
            guard let self else { return }
            self.lock.lock()
            let was = self.lastSatisfied
            self.lastSatisfied = satisfied
            self.lock.unlock()
            if satisfied && !was { self.sync(.scheduled) }
        }
    }

    /// The next background refresh at the core's next check (at least a
    /// minute away, at most a day when the core cannot say).
    public func planNextRefresh() {
        let t = now()
        let due = engine.nextCheck() ?? t.addingTimeInterval(Self.fallbackDelay)
        let earliest = max(due, t.addingTimeInterval(60))
        try? background.submitRefresh(earliest: earliest)
    }

    private func finished() {
        lock.lock(); running = nil; lock.unlock()
        planNextRefresh()
    }
}
