import XCTest
@testable import FyrShell

/// The core's sync, stood in: counts calls, can hold a sync open until
/// released, and answers the next check it was given.
final class FakeEngine: SyncEngine, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls: [SyncCause] = []
    private var gate: CheckedContinuation<Void, Never>?
    var hold = false
    var result: SyncRunResult = .done
    var next: Date?

    var calls: [SyncCause] { lock.lock(); defer { lock.unlock() }; return _calls }

    func sync(_ cause: SyncCause, cancel: CancelFlag) async -> SyncRunResult {
        lock.lock(); _calls.append(cause); let holding = hold; lock.unlock()
        if holding {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                lock.lock(); gate = c; lock.unlock()
                cancel.onCancel { [weak self] in self?.release() }
            }
            if cancel.isCancelled { return .cancelled }
        }
        return result
    }

    func release() {
        lock.lock(); let g = gate; gate = nil; lock.unlock()
        g?.resume()
    }

    var waiting: Bool { lock.lock(); defer { lock.unlock() }; return gate != nil }

    func nextCheck() -> Date? { next }
}

final class FakeBackground: BackgroundScheduling, @unchecked Sendable {
    private let lock = NSLock()
    private var _submitted: [Date] = []
    var submitted: [Date] { lock.lock(); defer { lock.unlock() }; return _submitted }
    func submitRefresh(earliest: Date) throws { lock.lock(); _submitted.append(earliest); lock.unlock() }
}

final class FakeMonitor: NetworkMonitoring {
    var handler: (@Sendable (Bool) -> Void)?
    func start(_ onChange: @escaping @Sendable (Bool) -> Void) { handler = onChange }
}

/// A fixed clock.
private let t0 = Date(timeIntervalSince1970: 1_798_000_000)

final class SyncSchedulerTests: XCTestCase {
    /// Polls without blocking a thread (the sync runs on the cooperative pool).
    private func waitUntil(_ what: String, _ cond: () -> Bool) async {
        let deadline = Date().addingTimeInterval(5)
        while !cond() && Date() < deadline { try? await Task.sleep(nanoseconds: 2_000_000) }
        XCTAssertTrue(cond(), what)
    }

    func testASecondSyncNowWhileOneRunsJoinsItAndNeverCancelsIt() async {
        let engine = FakeEngine()
        engine.hold = true
        let s = SyncScheduler(engine: engine, background: FakeBackground(), now: { t0 })
        let first = s.sync(.user)
        await waitUntil("the first sync started") { engine.waiting }
        let second = s.sync(.user)
        XCTAssertEqual(engine.calls, [.user], "single flight: no second sync")
        engine.release()
        let a = await first.value
        let b = await second.value
        XCTAssertEqual(a, .done)
        XCTAssertEqual(b, .done, "the second tap gets the first sync's result")
        XCTAssertFalse(s.isRunning)
    }

    func testAfterEachSyncTheNextRefreshIsPlannedAtTheCoresNextCheck() async {
        let engine = FakeEngine()
        engine.result = .notYet
        engine.next = t0.addingTimeInterval(6 * 3600) // a signed check interval of 6 h, say
        let bg = FakeBackground()
        let s = SyncScheduler(engine: engine, background: bg, now: { t0 })
        let r = await s.sync(.scheduled).value
        XCTAssertEqual(r, .notYet)
        await waitUntil("a refresh was planned") { !bg.submitted.isEmpty }
        XCTAssertEqual(bg.submitted.last, t0.addingTimeInterval(6 * 3600))
    }

    func testANextCheckInThePastIsPlannedAMinuteAheadAndNoAnswerADayAhead() {
        let engine = FakeEngine()
        let bg = FakeBackground()
        let s = SyncScheduler(engine: engine, background: bg, now: { t0 })
        engine.next = t0.addingTimeInterval(-3600)
        s.planNextRefresh()
        engine.next = nil
        s.planNextRefresh()
        XCTAssertEqual(bg.submitted, [t0.addingTimeInterval(60), t0.addingTimeInterval(SyncScheduler.fallbackDelay)])
    }

    func testCoverageBackAsksForAScheduledSyncOncePerReturn() async {
        let engine = FakeEngine()
        engine.result = .notYet
        let s = SyncScheduler(engine: engine, background: FakeBackground(), now: { t0 })
        let monitor = FakeMonitor()
        s.startMonitoring(monitor)
        s.startMonitoring(monitor) // a second start does nothing
        monitor.handler?(true)
        await waitUntil("the first sync ran") { engine.calls.count == 1 && !s.isRunning }
        monitor.handler?(true)  // still connected: no new sync
        monitor.handler?(false)
        try? await Task.sleep(nanoseconds: 50_000_000)
        XCTAssertEqual(engine.calls, [.scheduled], "only a return of coverage asks, and as scheduled (the core may say not yet)")
        monitor.handler?(true)
        await waitUntil("coverage returned again") { engine.calls.count == 2 }
    }

    func testCancellingTheRunningSyncCancelsTheCoresSync() async {
        let engine = FakeEngine()
        engine.hold = true
        let s = SyncScheduler(engine: engine, background: FakeBackground(), now: { t0 })
        let task = s.sync(.scheduled)
        await waitUntil("the sync started") { engine.waiting }
        s.cancelRunning() // the background task's time ran out
        let r = await task.value
        XCTAssertEqual(r, .cancelled)
    }
}
