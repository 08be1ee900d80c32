import XCTest
@testable import FyrShell

/// A Keychain stand-in: in memory, and it can fail the next N reads (a
/// locked device right after a reboot, a busy keychain daemon).
final class FlakyKeyStore: WrappedKeyStore {
    var current: Data?
    var aside: [Data] = []
    var failReads = 0
    var writes = 0
    struct Busy: Error {}

    func read() throws -> Data? {
        if failReads > 0 { failReads -= 1; throw Busy() }
        return current
    }
    func writeNew(_ key: Data) throws {
        precondition(current == nil, "a current key is never overwritten")
        current = key
        writes += 1
    }
    func setAside() throws -> Bool {
        guard let c = current else { return false }
        aside.append(c)
        current = nil
        return true
    }
    func asideCount() -> Int { aside.count }
    func deleteAside() throws { aside.removeAll() }
}

final class KeyVaultTests: XCTestCase {
    private var counter: UInt8 = 0
    private func random(_ n: Int) throws -> Data {
        counter &+= 1
        return Data(repeating: counter, count: n)
    }

    func testAFirstStartMakesOneKeyAndKeepsIt() {
        let store = FlakyKeyStore()
        let vault = KeyVault(store: store, random: random)
        guard case .ready(let first) = vault.load() else { return XCTFail("no key on a fresh install") }
        XCTAssertEqual(first.count, 64)
        XCTAssertEqual(vault.load(), .ready(hex: first), "the same key every start")
        XCTAssertEqual(store.writes, 1)
    }

    func testAReadThatFailsOnceIsRetryableAndNeverReplacesTheKey() {
        let store = FlakyKeyStore()
        let vault = KeyVault(store: store, random: random)
        let original = vault.load()
        store.failReads = 1 // the phone was just restarted and is still locked

        let failed = vault.load()
        guard case .readFailed = failed else { return XCTFail("a failed read must not look like a key: \(failed)") }
        XCTAssertEqual(KeyVault.action(failed, lockReason: "no_key"), .retry, "opened without the key, the core says no_key: still only retry")
        XCTAssertEqual(store.writes, 1, "no new key was made")
        XCTAssertEqual(store.asideCount(), 0)

        XCTAssertEqual(vault.load(), original, "try again: the saved key, so every screening opens")
    }

    func testANewKeyNeedsConfirmationAndSetsTheOldOneAside() throws {
        let store = FlakyKeyStore()
        let vault = KeyVault(store: store, random: random)
        guard case .ready(let old) = vault.load() else { return XCTFail() }

        XCTAssertThrowsError(try vault.replace(confirmedScreeningsBecomeUnreadable: false))
        XCTAssertEqual(vault.load(), .ready(hex: old), "nothing changed without confirmation")

        let new = try vault.replace(confirmedScreeningsBecomeUnreadable: true)
        XCTAssertNotEqual(new, old)
        XCTAssertEqual(store.aside.map(KeyVault.hex), [old], "the old key is kept aside, unchanged")

        try vault.purgeAside(unreadableLeft: 2)
        XCTAssertEqual(store.asideCount(), 1, "kept while screenings it sealed remain")
        try vault.purgeAside(unreadableLeft: 0)
        XCTAssertEqual(store.asideCount(), 0, "deleted once retention purged them")
    }

    func testOnlyAReadKeyThatTheCoreRefusesLeadsToANewOne() {
        XCTAssertEqual(KeyVault.action(.ready(hex: "ab"), lockReason: "wrong_key"), .offerNewKey)
        XCTAssertEqual(KeyVault.action(.ready(hex: "ab"), lockReason: nil), .usable)
        XCTAssertEqual(KeyVault.action(nil, lockReason: nil), .usable)
    }
}
