import SwiftUI
import FyrKit

@main
struct FyrApp: App {
    @StateObject private var model = AppModel()
    @Environment(\.scenePhase) private var scenePhase

    init() {
        // Must happen before the app finishes launching. The handler opens the
        // core itself (CoreHolder), so a background launch without a window syncs too.
        SyncCoordinator.shared.registerBackgroundRefresh()
    }

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(model)
                .task { SyncCoordinator.shared.start() }
        }
        .onChange(of: scenePhase) { phase in
            // Privacy cover: drawn before the app switcher takes its snapshot.
            model.covered = phase != .active
            if phase == .background { SyncCoordinator.shared.scheduleRefresh() }
        }
    }
}

/// The one FyrCore of the process, opened lazily off the main thread by
/// whoever needs it first (a view or a background refresh). Never crashes:
/// a Keychain error opens the directory without the screening key and is
/// reported; any other error is returned to show.
final class CoreHolder: @unchecked Sendable {
    static let shared = CoreHolder()
    private let lock = NSLock()
    private var opened: FyrCore?
    private(set) var lang = "sv"
    private(set) var keyProblem: String?

    func core() throws -> FyrCore {
        lock.lock(); defer { lock.unlock() }
        if let opened { return opened }
        let fm = FileManager.default
        let base = fm.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0].appendingPathComponent("fyr", isDirectory: true)
        try? fm.createDirectory(at: base, withIntermediateDirectories: true,
                                attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication])
        var excluded = URLResourceValues()
        excluded.isExcludedFromBackup = true
        var url = base
        try? url.setResourceValues(excluded)
        var key: String?
        do { key = try StoreKey.hex(); keyProblem = nil } catch { keyProblem = "\(error)" }
        let system = Locale.preferredLanguages.first?.hasPrefix("sv") == true ? "sv" : "en"
        var core = try FyrCore.open(dataDir: base.path, keyHex: key, lang: system)
        // The language chosen in Settings is kept by the core: open again in it.
        if let chosen = try? core.settings().lang, chosen != system {
            core = try FyrCore.open(dataDir: base.path, keyHex: key, lang: chosen)
            lang = chosen
        } else {
            lang = system
        }
        opened = core
        return core
    }

    /// After the language changed in Settings.
    func reopen() throws -> FyrCore {
        lock.lock(); opened = nil; lock.unlock()
        return try core()
    }
}

/// UI state that outlives a view: the core (once open), the screening in hand, the cover.
@MainActor
final class AppModel: ObservableObject {
    @Published var core: FyrCore?
    @Published var openError: String?
    @Published var notices: String?
    @Published var lang = "sv"
    @Published var covered = false
    let screening = ScreeningModel()

    init() { Task { await open() } }

    func open(reopen: Bool = false) async {
        let r = await Task.detached { () -> Loaded<FyrCore> in
            do { return .ok(reopen ? try CoreHolder.shared.reopen() : try CoreHolder.shared.core()) } catch { return .failed(errorText(error)) }
        }.value
        switch r {
        case .ok(let c):
            core = c
            lang = CoreHolder.shared.lang
            openError = CoreHolder.shared.keyProblem.map { t(.keyProblem) + "\n" + $0 }
            let n = c.openNotices()
            notices = n.isEmpty ? nil : n.joined(separator: "\n")
        case .failed(let message):
            openError = message
        }
    }

    /// Runs a core call off the main thread (the store's lock is shared with sync).
    func call<V>(_ f: @escaping @Sendable (FyrCore) throws -> V) async -> Loaded<V> {
        guard let core else { return .failed(openError ?? "…") }
        return await Task.detached { () -> Loaded<V> in
            do { return .ok(try f(core)) } catch { return .failed(errorText(error)) }
        }.value
    }
}

/// A core answer, or the core's message to show.
enum Loaded<V> {
    case ok(V)
    case failed(String)
}

extension AppModel {
    /// A user-facing string from the core's table, in the language the store
    /// was opened with (before it is open: the same table by language).
    func t(_ id: UiText) -> String { core?.text(id: id) ?? (try? uiText(id: id, lang: lang)) ?? "" }
}

func errorText(_ error: Swift.Error) -> String { (error as? FyrError)?.message ?? "\(error)" }

struct RootView: View {
    @EnvironmentObject var model: AppModel
    @State private var tab = 0
    var body: some View {
        ZStack {
            TabView(selection: $tab) {
                NavigationStack { SearchView() }.tabItem { Label(model.t(.tabSearch), systemImage: "magnifyingglass") }.tag(0)
                NavigationStack { ScreeningHomeView(onHide: { tab = 0 }) }
                    .tabItem { Label(model.t(.tabScreening), systemImage: "checklist") }.tag(1)
                NavigationStack { HelpCardScreen() }.tabItem { Label(model.t(.tabHelpCard), systemImage: "hand.raised") }.tag(4)
                NavigationStack { StatusView() }.tabItem { Label(model.t(.tabStatus), systemImage: "arrow.triangle.2.circlepath") }.tag(2)
                NavigationStack { SettingsView() }.tabItem { Label(model.t(.tabSettings), systemImage: "gear") }.tag(3)
            }
            // Privacy cover when the app resigns active: the app switcher shows this, never a screening.
            if model.covered { Color(.systemBackground).ignoresSafeArea().overlay(Text(model.t(.appName)).font(.largeTitle)) }
        }
        .alert(model.notices ?? "", isPresented: Binding(get: { model.notices != nil }, set: { if !$0 { model.notices = nil } })) {
            Button("OK", role: .cancel) {}
        }
    }
}
