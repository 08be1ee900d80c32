import SwiftUI
import CoreLocation
import VisionKit
import FyrKit

// The screens: layout only. Every text about services, open state, results
// and sync comes from the core; the few labels here are sv/en pairs (T).
// Every core call goes through AppModel.call (off the main thread).

struct HitRow: View {
    let hit: ServiceHit
    @EnvironmentObject var model: AppModel
    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: hit.name).font(.headline)
            Text(verbatim: hit.organization == hit.name ? hit.agencyLabel : "\(hit.organization) · \(hit.agencyLabel)").font(.caption)
            HStack {
                Text(verbatim: hit.openText).foregroundColor(hit.openNow == true ? .green : hit.openNow == false ? .red : .secondary)
                if let km = hit.distanceKm {
                    Text(verbatim: (hit.distanceApproximate ? "≈ " : "") + Measurement(value: km, unit: UnitLength.kilometers)
                        .formatted(.measurement(width: .abbreviated, usage: .road).locale(Locale(identifier: model.lang))))
                }
            }.font(.subheadline)
            HStack {
                if hit.demo { Text(T(model, "DEMO – påhittat nummer", "DEMO – fictional number")).font(.caption2).padding(2).background(Color.orange.opacity(0.3)) }
                if !hit.verified { Text(T(model, "Ej verifierad", "Unverified")).font(.caption2).padding(2).background(Color.gray.opacity(0.2)) }
            }
        }
    }
}

// MARK: Search

struct SearchView: View {
    @EnvironmentObject var model: AppModel
    @State private var text = ""
    @State private var openNow = false
    @State private var nearMe = false
    @State private var municipality = ""   // "" = the home municipality
    @State private var needs: Set<String> = []
    @State private var groups: Set<String> = []
    @State private var forms: Set<String> = []
    @State private var municipalities: [Municipality] = []
    @State private var hits: [ServiceHit] = []
    @State private var error: String?
    @StateObject private var location = LocationFix()
    private let vocab = vocabulary()

    var body: some View {
        List {
            Section {
                Toggle(T(model, "Öppet nu", "Open now"), isOn: $openNow)
                Toggle(T(model, "Nära mig", "Near me"), isOn: $nearMe).onChange(of: nearMe) { on in if on { location.request() } }
                if nearMe, let note = location.problem { Text(T(model, note.sv, note.en)).font(.footnote) }
                Picker(T(model, "Kommun", "Municipality"), selection: $municipality) {
                    Text(T(model, "Hemkommun", "Home municipality")).tag("")
                    ForEach(municipalities, id: \.code) { Text(verbatim: $0.name).tag($0.code) }
                }
                DisclosureGroup(T(model, "Filter", "Filters") + " (\(needs.count + groups.count + forms.count))") {
                    chips(vocab.needs, $needs)
                    chips(vocab.groups, $groups)
                    chips(vocab.forms, $forms)
                }
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            ForEach(hits, id: \.id) { hit in
                NavigationLink(value: hit.id) { HitRow(hit: hit) }
            }
        }
        .searchable(text: $text, prompt: T(model, "Sök stöd, t.ex. kvinnojour", "Search, e.g. women's shelter"))
        .navigationTitle("Fyr")
        .navigationDestination(for: String.self) { ServiceView(id: $0) }
        .task(id: model.core == nil) {
            if case .ok(let m) = await model.call({ try $0.municipalities() }) { municipalities = m }
        }
        .task(id: [text, municipality, "\(openNow)", "\(nearMe)", needs.sorted().joined(), groups.sorted().joined(),
                   forms.sorted().joined(), "\(location.point?.lat ?? 0)", "\(model.core == nil)"]) {
            try? await Task.sleep(nanoseconds: 250_000_000) // typing: search when the user pauses
            if Task.isCancelled { return }
            await search()
        }
    }

    private func chips(_ entries: [VocabEntry], _ set: Binding<Set<String>>) -> some View {
        ForEach(entries, id: \.id) { e in
            Toggle(T(model, e.sv, e.en), isOn: Binding(get: { set.wrappedValue.contains(e.id) },
                                                       set: { if $0 { set.wrappedValue.insert(e.id) } else { set.wrappedValue.remove(e.id) } }))
        }
    }

    private func search() async {
        let (t, m, g, n, f, o, near) = (text, municipality, groups.sorted(), needs.sorted(), forms.sorted(), openNow, nearMe ? location.point : nil)
        switch await model.call({ core -> [ServiceHit] in
            let place = m.isEmpty ? try core.settings().homeMunicipality : m
            return try core.search(query: SearchQuery(text: t, municipality: place, groups: g, needs: n, forms: f, language: nil,
                                                      openNow: o, at: nil, near: near, limit: 30))
        }) {
        case .ok(let h): hits = h; error = nil
        case .failed(let m): error = m
        }
    }
}

/// "Near me": asks for permission first, and only once it is granted for a
/// location; says why when there is none.
final class LocationFix: NSObject, ObservableObject, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    @Published var point: GeoPoint?
    @Published var problem: (sv: String, en: String)?
    override init() {
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyKilometer
    }
    func request() {
        switch manager.authorizationStatus {
        case .notDetermined: manager.requestWhenInUseAuthorization() // then locationManagerDidChangeAuthorization
        case .authorizedWhenInUse, .authorizedAlways: manager.requestLocation()
        default: problem = ("Utan platsbehörighet sorteras inte efter avstånd", "Without location permission results are not sorted by distance")
        }
    }
    func locationManagerDidChangeAuthorization(_ m: CLLocationManager) {
        if m.authorizationStatus == .authorizedWhenInUse || m.authorizationStatus == .authorizedAlways { m.requestLocation() }
        else if m.authorizationStatus != .notDetermined { DispatchQueue.main.async { self.problem = ("Utan platsbehörighet sorteras inte efter avstånd", "Without location permission results are not sorted by distance") } }
    }
    func locationManager(_ m: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        if let l = locations.last { DispatchQueue.main.async { self.point = GeoPoint(lat: l.coordinate.latitude, lon: l.coordinate.longitude); self.problem = nil } }
    }
    func locationManager(_ m: CLLocationManager, didFailWithError error: Error) {
        DispatchQueue.main.async { self.problem = ("Ingen position än – slå på platstjänster och försök igen", "No position yet – turn on location and try again") }
    }
}

// MARK: Service

/// tel:/sms: of a number's digits; a chat opens the service's https page (never dialled).
private func contactURL(_ p: PhoneHit, web: String?) -> URL? {
    let d = p.number.filter(\.isNumber)
    let n = p.number.trimmingCharacters(in: .whitespaces).hasPrefix("+") ? "+" + d : d
    guard !d.isEmpty else { return nil }
    switch p.kind {
    case "sms": return URL(string: "sms:\(n)")
    case "chat": return web.flatMap { $0.hasPrefix("https://") ? URL(string: $0) : nil } ?? URL(string: "sms:\(n)")
    default: return URL(string: "tel:\(n)")
    }
}

struct ServiceView: View {
    @EnvironmentObject var model: AppModel
    @Environment(\.openURL) private var openURL
    let id: String
    @State private var detail: ServiceDetail?
    @State private var error: String?
    @State private var note: String?
    @State private var report = ""

    var body: some View {
        List {
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if let d = detail {
                Section { HitRow(hit: d.hit) }
                Section {
                    ForEach(d.hit.phones, id: \.number) { p in
                        HStack {
                            if let url = contactURL(p, web: d.hit.web) {
                                Button(T(model, p.kind == "sms" ? "Sms" : p.kind == "chat" ? "Chatt" : "Ring", p.kind == "sms" ? "Text" : p.kind == "chat" ? "Chat" : "Call") + " \(p.number)") {
                                    openURL(url) { accepted in
                                        if !accepted { UIPasteboard.general.string = p.number; note = T(model, "Ingen app kan öppna detta – numret är kopierat", "No app can open this – the number was copied") }
                                    }
                                }
                            }
                            Spacer()
                            Button(T(model, "Kopiera", "Copy")) { UIPasteboard.general.string = p.number }.buttonStyle(.borderless)
                        }
                    }
                    if let note { Text(verbatim: note).font(.footnote) }
                }
                Section {
                    Text(verbatim: d.description)
                    Text(verbatim: d.role).font(.footnote)
                    Text(verbatim: d.hours).font(.footnote)
                    if let a = d.address { Text(verbatim: a) }
                    if let w = d.hit.web, let url = URL(string: w) { Link(w, destination: url) }
                    Text(verbatim: [d.verifiedOn, d.source].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")).font(.caption)
                }
                Section(T(model, "Fel nummer eller stängt? Rapportera", "Wrong number or closed? Report it")) {
                    TextField(T(model, "Vad stämmer inte? Aldrig namn eller personnummer.", "What is wrong? Never names or identity numbers."), text: $report)
                    Button(T(model, "Skicka", "Send")) {
                        Task {
                            let (sid, text) = (id, report.trimmingCharacters(in: .whitespaces))
                            switch await model.call({ try $0.reportError(serviceId: sid, message: text) }) {
                            case .ok: report = ""; note = T(model, "Rapporten skickas vid nästa synk", "The report is sent at the next sync")
                            case .failed(let m): note = m
                            }
                        }
                    }.disabled(report.trimmingCharacters(in: .whitespaces).isEmpty)
                }
            }
        }
        .navigationTitle(detail?.hit.name ?? "")
        .task {
            let sid = id
            switch await model.call({ try $0.show(id: sid, at: nil, near: nil) }) {
            case .ok(let d): detail = d
            case .failed(let m): error = m
            }
        }
    }
}

// MARK: Screening

/// The screening in hand, held by AppModel (not by a view): navigating to a
/// referral, switching tabs or rotating keeps it. The session stays sealed in the core.
@MainActor
final class ScreeningModel: ObservableObject {
    @Published var view: ScreeningView?
    @Published var outcome: ScreeningOutcome?
    /// Discreet mode: drop what is on screen; the session stays sealed and resumable.
    func hide() { view = nil; outcome = nil }
}

struct ScreeningHomeView: View {
    @EnvironmentObject var model: AppModel
    let onHide: () -> Void
    @State private var lists: [ChecklistSummary] = []
    @State private var inProgress: [ScreeningSummary] = []
    @State private var error: String?

    var body: some View {
        ScreeningContent(screening: model.screening, lists: lists, inProgress: inProgress, error: $error, onHide: onHide, reload: reload)
            .navigationTitle(T(model, "Bedömning", "Screening"))
            .navigationDestination(for: String.self) { ServiceView(id: $0) }
            .task { await reload() }
    }

    private func reload() async {
        switch await model.call({ core in (try core.checklists(), try core.screenings().filter { $0.state == "in_progress" }) }) {
        case .ok(let (l, p)): lists = l; inProgress = p; error = nil
        case .failed(let m): error = m
        }
    }
}

private struct ScreeningContent: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var screening: ScreeningModel
    let lists: [ChecklistSummary]
    let inProgress: [ScreeningSummary]
    @Binding var error: String?
    let onHide: () -> Void
    let reload: () async -> Void
    @State private var number = ""
    @State private var note = ""
    @State private var confirmDiscard = false

    var body: some View {
        List {
            if let problem = CoreHolder.shared.keyProblem {
                Text(T(model, "Nyckeln för bedömningar kunde inte läsas. Sök fungerar; bedömningar går inte att spara.",
                       "The key for screenings could not be read. Search works; screenings cannot be saved.") + "\n" + problem).foregroundColor(.red)
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if let o = screening.outcome { result(o) }
            else if let v = screening.view { step(v) }
            else { start() }
        }
        .confirmationDialog(T(model, "Kasta bedömningen? Svaren raderas från telefonen.", "Discard the screening? The answers are deleted from this phone."),
                            isPresented: $confirmDiscard, titleVisibility: .visible) {
            Button(T(model, "Kasta bedömningen", "Discard the screening"), role: .destructive) {
                guard let sid = screening.view?.sessionId else { return }
                Task {
                    if case .failed(let m) = await model.call({ try $0.discardScreening(sessionId: sid) }) { error = m } else { screening.hide(); await reload() }
                }
            }
        }
    }

    @ViewBuilder private func start() -> some View {
        if !inProgress.isEmpty {
            Section(T(model, "Fortsätt påbörjad bedömning", "Resume a screening in progress")) {
                // Neutral wording only: no checklist name on the start list.
                ForEach(inProgress, id: \.sessionId) { s in
                    Button("↻ " + T(model, "Påbörjad, \(s.answered) svar", "In progress, \(s.answered) answers")) { run { try $0.screening(sessionId: s.sessionId) } }
                }
            }
        }
        Section(T(model, "Ny bedömning", "New screening")) {
            ForEach(lists, id: \.id) { c in
                Button(c.title) { let id = c.id; run { try $0.startScreening(checklistId: id, municipality: nil) } }
            }
        }
    }

    @ViewBuilder private func step(_ v: ScreeningView) -> some View {
        Section {
            HStack {
                Button(T(model, "Dölj", "Hide")) { screening.hide(); onHide() }.buttonStyle(.borderedProminent)
                Spacer()
                Button(T(model, "Kasta", "Discard"), role: .destructive) { confirmDiscard = true }.buttonStyle(.borderless)
            }
            Text(verbatim: v.title).font(.headline)
            if let n = v.notice { Text(verbatim: n).font(.footnote) }
            ProgressView(value: Double(v.answered), total: Double(max(v.visible, 1)))
        }
        if let item = v.nextItem {
            Section(item.section ?? "") {
                Text(verbatim: item.text).font(.title3)
                if let help = item.help { Text(verbatim: help).font(.footnote) }
                if !item.choices.isEmpty {
                    ForEach(item.choices, id: \.id) { c in Button(c.text) { answer(v, item.id, .choice(id: c.id)) } }
                } else if item.answerType.contains("number") {
                    TextField("0", text: $number).keyboardType(.decimalPad)
                    Button("OK") {
                        if let value = Double(number.replacingOccurrences(of: ",", with: ".")) { answer(v, item.id, .number(value: value)); number = "" }
                    }
                } else {
                    Button(T(model, "Ja", "Yes")) { answer(v, item.id, .yes) }
                    Button(T(model, "Nej", "No")) { answer(v, item.id, .no) }
                    Button(T(model, "Vet inte", "Don't know")) { answer(v, item.id, .unknown) }
                }
                // Skip: the item stays unanswered; the result says it is incomplete.
                Button(T(model, "Hoppa över", "Skip")) { answer(v, item.id, .unknown) }
            }
        } else {
            Section(T(model, "Avsluta", "Finish")) {
                // The override is chosen from the core's list of levels once the FFI carries it (android/README.md).
                TextField(T(model, "Anteckning (stannar krypterad på telefonen)", "Note (stays encrypted on this phone)"), text: $note)
                Button(T(model, "Visa resultat", "Show result")) { complete(v) }
            }
        }
        if v.canGoBack { Button(T(model, "Tillbaka", "Back")) { let sid = v.sessionId; run { try $0.back(sessionId: sid) } } }
    }

    @ViewBuilder private func result(_ o: ScreeningOutcome) -> some View {
        Section {
            Text(verbatim: o.levelLabel).font(.title2)
            if o.incomplete || o.unanswered > 0 {
                Text(T(model, "\(o.unanswered) frågor obesvarade – resultatet är ofullständigt", "\(o.unanswered) questions unanswered – the result is incomplete")).foregroundColor(.orange)
            }
            if o.overrideUsed { Text(T(model, "Nivån är höjd efter professionell bedömning", "The level was raised by professional judgement")) }
        }
        if !o.redFlags.isEmpty {
            Section(T(model, "Allvarliga riskfaktorer", "Red flags")) {
                ForEach(o.redFlags, id: \.item) { f in Text(verbatim: "⚑ \(f.item.replacingOccurrences(of: "_", with: " ")) → \(f.level.replacingOccurrences(of: "_", with: " "))").foregroundColor(.red) }
            }
        }
        if !o.actions.isEmpty { Section(T(model, "Gör nu", "Do now")) { ForEach(o.actions, id: \.self) { Text(verbatim: $0) } } }
        if !o.leadsTo.isEmpty { Section(T(model, "Gå vidare med", "Continue with")) { ForEach(o.leadsTo, id: \.self) { Text(verbatim: "→ \($0)") } } }
        if !o.referrals.isEmpty {
            Section(T(model, "Hänvisa till", "Refer to")) {
                ForEach(o.referrals, id: \.id) { hit in NavigationLink(value: hit.id) { HitRow(hit: hit) } }
            }
        }
        Button(T(model, "Klar", "Done")) { screening.outcome = nil; Task { await reload() } }
    }

    private func run(_ f: @escaping @Sendable (FyrCore) throws -> ScreeningView) {
        Task {
            switch await model.call(f) {
            case .ok(let v): screening.view = v; error = nil
            case .failed(let m): error = m
            }
        }
    }
    private func answer(_ v: ScreeningView, _ item: String, _ a: Answer) {
        let sid = v.sessionId
        run { try $0.answer(sessionId: sid, itemId: item, answer: a) }
    }
    private func complete(_ v: ScreeningView) {
        let (sid, text) = (v.sessionId, note)
        Task {
            switch await model.call({ try $0.completeScreening(sessionId: sid, levelOverride: nil, note: text.isEmpty ? nil : text) }) {
            case .ok(let o): screening.view = nil; screening.outcome = o; note = ""; error = nil
            case .failed(let m): error = m
            }
        }
    }
}

// MARK: Status

struct StatusView: View {
    @EnvironmentObject var model: AppModel
    @State private var status: Status?
    @State private var outbox: [OutboxEntry] = []
    @State private var error: String?
    @State private var syncing = false

    /// "3 h ago" / "in 20 min" in the app's language from the core's RFC 3339 instant.
    private func relative(_ rfc3339: String) -> String {
        guard let d = ISO8601DateFormatter().date(from: rfc3339) else { return rfc3339 }
        let f = RelativeDateTimeFormatter()
        f.locale = Locale(identifier: model.lang)
        return f.localizedString(for: d, relativeTo: Date())
    }

    var body: some View {
        List {
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if let s = status {
                Section {
                    Text(T(model, "Katalogversion \(s.contentVersion)", "Directory version \(s.contentVersion)") + (s.contentAgeDays.map { T(model, ", \($0) dagar gammal", ", \($0) days old") } ?? ""))
                    if let w = s.staleWarning { Text(verbatim: w).foregroundColor(.orange) }
                    Text(T(model, "Senaste synk: ", "Last sync: ") + (s.lastSync.map(relative) ?? T(model, "aldrig", "never")) + (s.lastResult.map { " (\($0))" } ?? ""))
                    if let n = s.nextAttempt { Text(T(model, "Nästa försök ", "Next attempt ") + relative(n)).foregroundColor(.orange) }
                    // Why the outbox did not go, in the core's words, with what to do.
                    if let u = s.uploadNote { Text(verbatim: u).foregroundColor(.orange) }
                    else if s.uploadBlocked == "not_enrolled" { Text(T(model, "Anslut telefonen: be din samordnare om en kod", "Enroll this phone: ask your coordinator for a code")).foregroundColor(.orange) }
                    Text(T(model, "Väntar på att skickas: \(s.outboxSize)", "Waiting to be sent: \(s.outboxSize)") + (s.quarantined > 0 ? T(model, " (\(s.quarantined) avvisade)", " (\(s.quarantined) rejected)") : ""))
                }
            }
            Section {
                Button(syncing ? "…" : T(model, "Synka nu", "Sync now")) {
                    syncing = true
                    Task {
                        _ = await SyncCoordinator.shared.syncNow().value
                        syncing = false
                        await reload()
                    }
                }.disabled(syncing)
            }
            Section(T(model, "Utkorg", "Outbox")) {
                ForEach(outbox, id: \.id) { e in
                    VStack(alignment: .leading) {
                        Text(verbatim: e.kind + (e.quarantined ? " ⚠ \(e.reason ?? "")" : "")).font(.caption)
                        Text(verbatim: e.payloadJson).font(.caption2).textSelection(.enabled)
                    }
                }
            }
        }
        .navigationTitle("Status")
        .refreshable { await reload() }
        .task { await reload() }
    }

    private func reload() async {
        switch await model.call({ core in (try core.status(), try core.outbox()) }) {
        case .ok(let (s, o)): status = s; outbox = o; error = nil
        case .failed(let m): error = m
        }
    }
}

// MARK: Settings

struct SettingsView: View {
    @EnvironmentObject var model: AppModel
    @State private var settings: FyrKit.Settings?
    @State private var municipalities: [Municipality] = []
    @State private var message: String?
    @State private var code = ""
    @State private var enrollMessage: String?
    @State private var scanning = false
    private let kinds = vocabulary().agencyKinds

    var body: some View {
        Form {
            if var s = settings {
                Picker(T(model, "Språk", "Language"), selection: Binding(get: { s.lang }, set: { s.lang = $0; settings = s })) {
                    Text("Svenska").tag("sv"); Text("English").tag("en")
                }
                Picker(T(model, "Hemkommun", "Home municipality"), selection: Binding(get: { s.homeMunicipality ?? "" }, set: { s.homeMunicipality = $0.isEmpty ? nil : $0; settings = s })) {
                    Text("–").tag("")
                    ForEach(municipalities, id: \.code) { Text(verbatim: $0.name).tag($0.code) }
                }
                Picker(T(model, "Verksamhet", "Agency"), selection: Binding(get: { s.agencyKind ?? "" }, set: { s.agencyKind = $0.isEmpty ? nil : $0; settings = s })) {
                    Text("–").tag("")
                    ForEach(kinds, id: \.id) { Text(T(model, $0.sv, $0.en)).tag($0.id) }
                }
                Stepper(T(model, "Spara avslutade bedömningar \(s.retentionDays) dagar", "Keep completed screenings \(s.retentionDays) days"),
                        value: Binding(get: { Int(s.retentionDays) }, set: { s.retentionDays = UInt32(max(1, $0)); settings = s }), in: 1...365)
                Button(T(model, "Spara", "Save")) { save(s) }
            }
            if let message { Text(verbatim: message) }
            Section(T(model, "Anslut telefonen", "Enroll this phone")) {
                Text(T(model, "Be din samordnare om en kod", "Ask your coordinator for a code")).font(.footnote)
                TextField(T(model, "Kod", "Code"), text: $code).textInputAutocapitalization(.characters).autocorrectionDisabled()
                Button(T(model, "Anslut", "Enroll")) { enroll(code) }.disabled(code.trimmingCharacters(in: .whitespaces).isEmpty)
                if DataScannerViewController.isSupported { Button(T(model, "Skanna QR-kod", "Scan QR code")) { scanning = true } }
                if let enrollMessage { Text(verbatim: enrollMessage) }
            }
        }
        .navigationTitle(T(model, "Inställningar", "Settings"))
        .sheet(isPresented: $scanning) { QRScanner { scanned in scanning = false; code = scanned; enroll(scanned) } }
        .task {
            switch await model.call({ core in (try core.settings(), try core.municipalities()) }) {
            case .ok(let (s, m)): settings = s; municipalities = m
            case .failed(let m): message = m
            }
        }
    }

    private func save(_ s: FyrKit.Settings) {
        Task {
            switch await model.call({ try $0.setSettings(settings: s) }) {
            case .ok:
                message = T(model, "Sparat", "Saved")
                // The core makes its texts in the language it was opened with: reopen.
                if s.lang != model.lang { await model.open(reopen: true) }
            case .failed(let m): message = m
            }
        }
    }

    private func enroll(_ typedOrScanned: String) {
        guard let core = model.core else { return }
        let c = typedOrScanned.trimmingCharacters(in: .whitespaces)
        Task {
            do {
                let e = try await core.enroll(code: c)
                try StoreKey.saveDeviceToken(e.token)
                code = ""
                enrollMessage = "✓ \(e.county) · \(e.agencyKind)"
            } catch {
                enrollMessage = errorText(error)
            }
        }
    }
}

/// VisionKit's QR scanner, kept thin: the first QR payload is handed back.
struct QRScanner: UIViewControllerRepresentable {
    let onCode: (String) -> Void
    func makeUIViewController(context: Context) -> DataScannerViewController {
        let vc = DataScannerViewController(recognizedDataTypes: [.barcode(symbologies: [.qr])], isHighlightingEnabled: true)
        vc.delegate = context.coordinator
        try? vc.startScanning()
        return vc
    }
    func updateUIViewController(_ vc: DataScannerViewController, context: Context) {}
    func makeCoordinator() -> Coordinator { Coordinator(onCode: onCode) }
    final class Coordinator: NSObject, DataScannerViewControllerDelegate {
        let onCode: (String) -> Void
        var done = false
        init(onCode: @escaping (String) -> Void) { self.onCode = onCode }
        func dataScanner(_ scanner: DataScannerViewController, didAdd items: [RecognizedItem], allItems: [RecognizedItem]) {
            for case .barcode(let b) in items {
                if !done, let payload = b.payloadStringValue { done = true; scanner.stopScanning(); onCode(payload) }
            }
        }
    }
}
