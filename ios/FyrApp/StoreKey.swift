import Foundation
import Security
import FyrShell

/// The device's upload token from enrollment (the core never stores it) and
/// the screening key (`ScreeningKeychain`, used through FyrShell's KeyVault),
/// kept in the Keychain, readable after the first unlock and never leaving
/// this device (no iCloud Keychain, no backup restore to another device).
/// Errors are thrown, never turned into a new key.
enum StoreKey {
    static let service = "org.fyr.app"
    static let account = "store-key"
    static let asidePrefix = "store-key-aside-"
    private static let tokenAccount = "device-token"

    struct KeychainError: Error, CustomStringConvertible {
        let status: OSStatus
        var description: String { "Keychain error \(status)" }
    }

    /// The token from `FyrCore.enroll`, or nil when this phone is not enrolled.
    static func deviceToken() throws -> String? {
        try read(account: tokenAccount).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// Keeps the enrollment token; enrolling again replaces it.
    static func saveDeviceToken(_ token: String) throws {
        SecItemDelete(match(tokenAccount) as CFDictionary)
        try add(account: tokenAccount, data: Data(token.utf8))
    }

    static func match(_ account: String) -> [String: Any] {
        [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service, kSecAttrAccount as String: account]
    }

    /// nil when there is no item; throws on any other failure (e.g. errSecInteractionNotAllowed while locked).
    static func read(account: String) throws -> Data? {
        var query = match(account)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess, let data = item as? Data else { throw KeychainError(status: status) }
        return data
    }

    static func add(account: String, data: Data) throws {
        var add = match(account)
        add[kSecValueData as String] = data
        add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        add[kSecAttrSynchronizable as String] = false
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else { throw KeychainError(status: status) }
    }
}

/// The screening key in the Keychain, for FyrShell's KeyVault: the current
/// item, and items set aside by a confirmed reset (renamed, never deleted or
/// overwritten until the vault finds nothing left that they sealed).
final class ScreeningKeychain: WrappedKeyStore {
    func read() throws -> Data? {
        guard let data = try StoreKey.read(account: StoreKey.account) else { return nil }
        guard data.count == 32 else { throw StoreKey.KeychainError(status: errSecDecode) }
        return data
    }

    func writeNew(_ key: Data) throws {
        try StoreKey.add(account: StoreKey.account, data: key) // fails (errSecDuplicateItem) rather than overwrite
    }

    func setAside() throws -> Bool {
        let update: [String: Any] = [kSecAttrAccount as String: StoreKey.asidePrefix + String(Int(Date().timeIntervalSince1970))]
        let status = SecItemUpdate(StoreKey.match(StoreKey.account) as CFDictionary, update as CFDictionary)
        if status == errSecItemNotFound { return false }
        guard status == errSecSuccess else { throw StoreKey.KeychainError(status: status) }
        return true
    }

    func asideCount() -> Int { asideAccounts().count }

    func deleteAside() throws {
        for a in asideAccounts() { SecItemDelete(StoreKey.match(a) as CFDictionary) }
    }

    private func asideAccounts() -> [String] {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: StoreKey.service,
            kSecReturnAttributes as String: true, kSecMatchLimit as String: kSecMatchLimitAll,
        ]
        var items: CFTypeRef?
        guard SecItemCopyMatching(query as CFDictionary, &items) == errSecSuccess, let list = items as? [[String: Any]] else { return [] }
        return list.compactMap { $0[kSecAttrAccount as String] as? String }.filter { $0.hasPrefix(StoreKey.asidePrefix) }
    }
}
