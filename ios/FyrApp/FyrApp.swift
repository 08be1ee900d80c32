import SwiftUI
import FyrKit

@main
struct FyrApp: App {
    @StateObject private var model = AppModel()
    @Environment(\.scenePhase) private var scenePhase

    init() {
        // Must happen before the app finishes launching.
        SyncCoordinator.shared.registerBackgroundRefresh()
    }

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(model)
                .task { SyncCoordinator.shared.start(core: model.core) }
        }
        .onChange(of: scenePhase) { phase in
            if phase == .background { SyncCoordinator.shared.scheduleRefresh() }
        }
    }
}

/// The one FyrCore of the app, opened with the Keychain-held key.
@MainActor
final class AppModel: ObservableObject {
    let core: FyrCore
    @Published var openError: String?

    init() {
        let fm = FileManager.default
        let base = fm.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0].appendingPathComponent("fyr", isDirectory: true)
        try? fm.createDirectory(at: base, withIntermediateDirectories: true,
                                attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication])
        var excluded = URLResourceValues()
        excluded.isExcludedFromBackup = true
        var url = base
        try? url.setResourceValues(excluded)
        let lang = Locale.preferredLanguages.first?.hasPrefix("sv") == true ? "sv" : "en"
        do {
            core = try FyrCore.open(dataDir: base.path, keyHex: try StoreKey.hex(), lang: lang)
        } catch {
            // Nothing works without the store: show why.
            fatalError("Fyr could not open its store: \(error)")
        }
        let notices = core.openNotices()
        openError = notices.isEmpty ? nil : notices.joined(separator: "\n")
    }
}

struct RootView: View {
    @EnvironmentObject var model: AppModel
    var body: some View {
        TabView {
            NavigationStack { SearchView() }.tabItem { Label("Sök", systemImage: "magnifyingglass") }
            NavigationStack { ScreeningHomeView() }.tabItem { Label("Bedömning", systemImage: "checklist") }
            NavigationStack { StatusView() }.tabItem { Label("Status", systemImage: "arrow.triangle.2.circlepath") }
            NavigationStack { SettingsView() }.tabItem { Label("Inställningar", systemImage: "gear") }
        }
        .alert(model.openError ?? "", isPresented: Binding(get: { model.openError != nil }, set: { if !$0 { model.openError = nil } })) {
            Button("OK", role: .cancel) {}
        }
    }
}
