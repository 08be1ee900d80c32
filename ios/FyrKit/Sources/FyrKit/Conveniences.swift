// Small conveniences over the generated bindings (fyr_ffi.swift). No logic:
// every answer comes from the Rust core.
import Foundation

public extension SearchQuery {
    /// A query with defaults: no filters, limit 30.
    static func text(_ text: String, municipality: String? = nil) -> SearchQuery {
        SearchQuery(text: text, municipality: municipality, groups: [], needs: [], forms: [], language: nil,
                    openNow: false, at: nil, near: nil, limit: 30, without: [])
    }
}

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
