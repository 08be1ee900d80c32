// Small conveniences over the generated bindings (fyr_ffi.swift). No logic:
// every answer comes from the Rust core.
import Foundation

// No query helper here: a search screen fills the core's `SearchForm` (every
// field has a default) and calls `searchForm(form:)`; the query is the core's.

public extension SyncOptions {
    /// Use the hub, trusted keys and token the core remembered from the last sync.
    static let remembered = SyncOptions(hubUrl: nil, trustedKeys: [], token: nil, trigger: .user)
}

public extension FyrError {
    /// The core's readable message.
    var message: String {
        switch self {
        case .NotFound(let m), .InvalidInput(let m), .Storage(let m), .Crypto(let m),
             .ScreeningsLocked(let m), .Sync(let m), .Cancelled(let m), .Internal(let m), .NotYet(let m):
            return m
        }
    }

    /// The core's kind of this error, for `FyrCore.errorText(kind:)` (the
    /// words users read; `message` is technical and goes to the log).
    var kind: ErrorKind {
        switch self {
        case .NotFound: return .notFound
        case .InvalidInput: return .invalidInput
        case .Storage: return .storage
        case .Crypto: return .crypto
        case .ScreeningsLocked: return .screeningsLocked
        case .Sync, .Cancelled: return .sync
        case .NotYet: return .notYet
        case .Internal: return .`internal`
        }
    }
}
