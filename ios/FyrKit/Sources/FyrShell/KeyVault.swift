// The screening key's policy, UI-free (no Security framework here): the app
// gives a `WrappedKeyStore` over the Keychain (FyrApp/StoreKey.swift); tests
// give a stand-in that fails once. Same rules as android/presentation's
// KeyVault.kt:
// - a failed read is `.readFailed`: retryable, never a reason to make a key;
// - a key is made silently only when none exists at all (a first start);
// - `replace` only after the user confirmed that saved screenings become
//   unreadable, and the old key is set aside (kept, never deleted or
//   overwritten) until nothing it sealed is left.
import Foundation

/// Where the screening key lives (the Keychain in the app).
public protocol WrappedKeyStore: AnyObject {
    /// The current key, or nil when none was ever saved. Throws when one exists but cannot be read now.
    func read() throws -> Data?
    /// Saves `key` as the current key. Never called while a current key exists.
    func writeNew(_ key: Data) throws
    /// Moves the current key aside, unchanged; true when there was one.
    func setAside() throws -> Bool
    /// How many keys are set aside.
    func asideCount() -> Int
    /// Deletes the keys set aside (when nothing they sealed is left).
    func deleteAside() throws
}

/// The screening key as the app knows it.
public enum KeyState: Equatable, Sendable {
    /// 64 hex digits for `FyrCore.open`.
    case ready(hex: String)
    /// The key exists but could not be read now (locked device, Keychain busy): retryable.
    case readFailed(reason: String)

    public var hex: String? {
        if case .ready(let h) = self { return h }
        return nil
    }
}

/// What the Screening tab offers when screenings are not usable.
public enum KeyAction: Equatable, Sendable {
    /** Screenings work. */
    case usable
    /// "Try again": the key could not be read; nothing is lost.
    case retry
    /// The core says the key is missing or wrong for the saved screenings: a new key, after confirmation.
    case offerNewKey
}

public enum KeyVaultError: Error, Equatable {
    case notConfirmed
}

public final class KeyVault {
    private let store: WrappedKeyStore
    private let random: (Int) throws -> Data
    private let lock = NSLock()

    public init(store: WrappedKeyStore, random: @escaping (Int) throws -> Data) {
        self.store = store
        self.random = random
    }

    /// Reads the key; makes one only when there is none at all.
    public func load() -> KeyState {
        lock.lock(); defer { lock.unlock() }
        do {
            if let existing = try store.read() { return .ready(hex: Self.hex(existing)) }
            let key = try random(32)
            try store.writeNew(key)
            return .ready(hex: Self.hex(key))
        } catch {
            return .readFailed(reason: String(describing: error))
        }
    }

    /// A new key in place of a lost or wrong one, after the user confirmed;
    /// the current key is set aside, never deleted. Returns its hex for `resetScreeningKey`.
    public func replace(confirmedScreeningsBecomeUnreadable: Bool) throws -> String {
        guard confirmedScreeningsBecomeUnreadable else { throw KeyVaultError.notConfirmed }
        lock.lock(); defer { lock.unlock() }
        _ = try store.setAside()
        let key = try random(32)
        try store.writeNew(key)
        return Self.hex(key)
    }

    /// Deletes keys set aside once the core lists no unreadable screening left.
    public func purgeAside(unreadableLeft: Int) throws {
        lock.lock(); defer { lock.unlock() }
        if unreadableLeft == 0 && store.asideCount() > 0 { try store.deleteAside() }
    }

    /// A key that could not be read is retried whatever the core says; only a
    /// key that was read and is missing or wrong (`lockReason` from
    /// `Status.screeningsLockReason`) leads to a new one.
    public static func action(_ state: KeyState?, lockReason: String?) -> KeyAction {
        if case .readFailed? = state { return .retry }
        return lockReason != nil ? .offerNewKey : .usable
    }

    public static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
}
