// The one open core of the process, UI-free and generic over the core type
// (the app passes FyrKit's FyrCore; tests a stand-in), so it builds and is
// tested without the native library.
import Foundation

/// How the holder opens and closes a core: the app wraps `FyrCore.open`,
/// `settings().lang` and `appLanguageForLocale` (the core's mapping).
public struct CoreOpener<Core> {
    public let open: (_ keyHex: String?, _ lang: String) throws -> Core
    /// The language chosen in Settings, kept by the core; nil when unreadable.
    public let chosenLang: (Core) -> String?
    /// The app language for the phone's locale (the core decides).
    public let systemLang: () -> String

    public init(open: @escaping (String?, String) throws -> Core,
                chosenLang: @escaping (Core) -> String?,
                systemLang: @escaping () -> String) {
        self.open = open
        self.chosenLang = chosenLang
        self.systemLang = systemLang
    }
}

/// Opens lazily, off the main thread, by whoever needs it first (a view or
/// a background refresh). A key that cannot be read opens the directory
/// without it (`keyState` says so; `reopen` reads again). Never opens on the
/// main thread: callers use `Task.detached` (AppModel.call).
public final class CoreHolder<Core>: @unchecked Sendable {
    private let opener: CoreOpener<Core>
    private let vault: KeyVault
    private let lock = NSLock()
    private var opened: Core?
    private var _lang = "en"
    private var _keyState: KeyState?

    public init(opener: CoreOpener<Core>, vault: KeyVault) {
        self.opener = opener
        self.vault = vault
    }

    public var lang: String { lock.lock(); defer { lock.unlock() }; return _lang }
    public var keyState: KeyState? { lock.lock(); defer { lock.unlock() }; return _keyState }
    public var keyVault: KeyVault { vault }

    /// The open core, opening it (in the Settings language) when needed.
    public func core() throws -> Core {
        lock.lock(); defer { lock.unlock() }
        if let opened { return opened }
        let state = vault.load()
        _keyState = state
        let system = opener.systemLang()
        var core = try opener.open(state.hex, system)
        var lang = system
        if let chosen = opener.chosenLang(core), chosen != system {
            core = try opener.open(state.hex, chosen)
            lang = chosen
        }
        _lang = lang
        opened = core
        return core
    }

    /// After the language changed, a key read is retried or a key replaced.
    /// The old core is released here (ARC closes it when no call holds it).
    public func reopen() throws -> Core {
        lock.lock(); opened = nil; lock.unlock()
        return try core()
    }
}
