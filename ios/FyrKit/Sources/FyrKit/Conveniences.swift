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
    static let remembered = SyncOptions(hubUrl: nil, trustedKeys: [], token: nil)
}

public extension FyrError {
    /// The core's readable message.
    var message: String {
        switch self {
        case .NotFound(let m), .InvalidInput(let m), .Storage(let m), .Crypto(let m),
             .ScreeningsLocked(let m), .Sync(let m), .Cancelled(let m), .Internal(let m):
            return m
        }
    }
}
