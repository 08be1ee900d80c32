import Security
import SwiftUI
import UIKit
import FyrKit
import FyrShell

@main
struct FyrApp: App {
    @StateObject private var model = AppModel()
    @Environment(\.scenePhase) private var scenePhase

    init() {
        // Must happen before the app finishes launching. The handler opens the
        // core itself (AppCore.holder), so a background launch without a window syncs too.
        SyncCoordinator.registerBackgroundRefresh()
    }

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(model)
                .task { SyncCoordinator.start() }
        }
        .onChange(of: scenePhase) { phase in
            // The cover is a window above every sheet, dialog and alert,
            // drawn before the app switcher takes its snapshot.
            PrivacyCover.shared.set(covered: phase != .active, title: model.t(.appName))
            // Planning reads the core's next check: off the main thread.
            if phase == .background { Task.detached { SyncCoordinator.shared.planNextRefresh() } }
        }
    }
}

/// The one core of the process (FyrShell's CoreHolder over FyrCore, the
/// Keychain key through FyrShell's KeyVault).
enum AppCore {
    static let holder = CoreHolder<FyrCore>(
        opener: CoreOpener(
            open: { key, lang in
                let core = try FyrCore.open(dataDir: dataDir(), keyHex: key, lang: lang)
                // Sync and enrollment go out through URLSession (the system's TLS,
                // trust store, proxy and VPN); the core checks what comes back.
                core.setTransport(transport: URLSessionTransport())
                return core
            },
            chosenLang: { try? $0.settings().lang },
            systemLang: { appLanguageForLocale(locale: Locale.preferredLanguages.first ?? "en") }),
        vault: KeyVault(store: ScreeningKeychain(), random: { n in
            var bytes = [UInt8](repeating: 0, count: n)
            let rc = SecRandomCopyBytes(kSecRandomDefault, n, &bytes)
            guard rc == errSecSuccess else { throw StoreKey.KeychainError(status: rc) }
            return Data(bytes)
        }))

    /// Application Support/fyr: protected until first unlock, never backed up.
    static func dataDir() -> String {
        let fm = FileManager.default
        let base = fm.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0].appendingPathComponent("fyr", isDirectory: true)
        try? fm.createDirectory(at: base, withIntermediateDirectories: true,
                                attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication])
        var excluded = URLResourceValues()
        excluded.isExcludedFromBackup = true
        var url = base
        try? url.setResourceValues(excluded)
        return base.path
    }
}

/// UI state that outlives a view. Every store call runs off the main thread
/// (`call`, `open`); views never hold the core, so a reopened (released)
/// core is never reached from drawing.
@MainActor
final class AppModel: ObservableObject {
    @Published private(set) var ready = false
    @Published var openError: String?
    @Published var notices: String?
    @Published var lang = "sv"
    @Published var keyState: KeyState?
    /// Discreet mode (Settings), kept in the app's defaults (not in the store).
    @Published var discreet = UserDefaults.standard.bool(forKey: "discreet") {
        didSet { UserDefaults.standard.set(discreet, forKey: "discreet") }
    }
    /// A screening is saved on this phone: screenshots are hidden app-wide.
    @Published var screeningsExist = true
    let screening = ScreeningModel()

    init() { Task { await open() } }

    /// Opens (or reopens: after a language change, a key retry or a new key) off the main thread.
    func open(reopen: Bool = false) async {
        let r = await Task.detached { () -> Result<(String, KeyState?, [String], Bool), Swift.Error> in
            do {
                let c = reopen ? try AppCore.holder.reopen() : try AppCore.holder.core()
                // Unknown (locked store) counts as "exists": the safer side.
                let saved = (try? c.screenings().isEmpty).map { !$0 } ?? true
                let unreadable = (try? c.status().unreadableScreenings) ?? 0
                let exist = saved || unreadable > 0
                return .success((AppCore.holder.lang, AppCore.holder.keyState, c.openNotices(), exist))
            } catch { return .failure(error) }
        }.value
        switch r {
        case .success(let (l, k, n, exist)):
            lang = l
            keyState = k
            screeningsExist = exist
            notices = n.isEmpty ? nil : n.joined(separator: "\n")
            openError = nil
            ready = true
        case .failure(let e):
            openError = AppModel.words(for: e, lang: lang)
        }
    }

    /// Runs a core call off the main thread; a failure becomes the core's words for its kind.
    func call<V>(_ f: @escaping @Sendable (FyrCore) throws -> V) async -> Loaded<V> {
        let l = lang
        return await Task.detached { () -> Loaded<V> in
            do { return .ok(try f(try AppCore.holder.core())) } catch { return .failed(AppModel.words(for: error, lang: l)) }
        }.value
    }

    /// After a screening was started, completed or discarded.
    func refreshScreeningsExist() async {
        if case .ok(let n) = await call({ c in (try c.screenings().count) + Int(try c.status().unreadableScreenings) }) { screeningsExist = n > 0 }
    }

    nonisolated static func words(for error: Swift.Error, lang: String) -> String {
        if let e = error as? FyrError, let core = try? AppCore.holder.core() { return core.errorText(kind: e.kind) }
        return (try? uiText(id: .somethingWentWrong, lang: lang)) ?? ""
    }
}

/// A core answer, or the core's words for the failure.
enum Loaded<V> {
    case ok(V)
    case failed(String)
}

extension AppModel {
    /// A user-facing string from the core's table by language: no store
    /// handle, so safe while drawing and while the store reopens.
    func t(_ id: UiText) -> String { (try? uiText(id: id, lang: lang)) ?? "" }
}

struct RootView: View {
    @EnvironmentObject var model: AppModel
    @State private var tab = 0
    var body: some View {
        // Screenshots and recordings leave the app out (where the platform allows) while discreet or a screening exists.
        ScreenshotShield(active: model.discreet || model.screeningsExist || model.screening.view != nil || model.screening.outcome != nil) {
            TabView(selection: $tab) {
                NavigationStack { SearchView() }.tabItem { Label(model.t(.tabSearch), systemImage: "magnifyingglass") }.tag(0)
                NavigationStack { ScreeningHomeView(onHide: { tab = 0 }) }
                    .tabItem { Label(model.t(.tabScreening), systemImage: "checklist") }.tag(1)
                NavigationStack { HelpCardScreen() }.tabItem { Label(model.t(.tabHelpCard), systemImage: "hand.raised") }.tag(4)
                NavigationStack { StatusView() }.tabItem { Label(model.t(.tabStatus), systemImage: "arrow.triangle.2.circlepath") }.tag(2)
                NavigationStack { SettingsView() }.tabItem { Label(model.t(.tabSettings), systemImage: "gear") }.tag(3)
            }
            .environmentObject(model)
        }
        .ignoresSafeArea()
        .onReceive(NotificationCenter.default.publisher(for: UIScreen.capturedDidChangeNotification)) { _ in
            // Screen recording or mirroring: covered like the app switcher while discreet or a screening exists.
            let shield = model.discreet || model.screeningsExist
            PrivacyCover.shared.set(covered: shield && UIScreen.main.isCaptured, title: model.t(.appName))
        }
        .alert(model.notices ?? "", isPresented: Binding(get: { model.notices != nil }, set: { if !$0 { model.notices = nil } })) {
            Button(model.t(.ok), role: .cancel) {}
        }
    }
}
