import SwiftUI
import CoreLocation
import VisionKit
import FyrKit

// The screens: layout only. Every text (labels via model.t, card subtitles,
// badges, distances, contact URIs, counters, status lines, relative times)
// comes from the core. Every store call goes through AppModel.call, off the
// main thread.

struct HitRow: View {
    let hit: ServiceHit
    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(verbatim: hit.name).font(.headline)
            Text(verbatim: hit.card.subtitle).font(.caption)
            HStack {
                Text(verbatim: hit.openText).foregroundColor(hit.openNow == true ? .green : hit.openNow == false ? .red : .secondary)
                if let d = hit.card.distanceText { Text(verbatim: d) }
            }.font(.subheadline)
            HStack {
                ForEach(hit.card.badges, id: \.self) { Text(verbatim: $0).font(.caption2).padding(2).background(Color.orange.opacity(0.25)) }
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
    @State private var emergency: EmergencyAction?
    @State private var understood: Understood?
    @State private var without: Set<String> = []   // reading chips the user removed
    @State private var error: String?
    @StateObject private var location = LocationFix()
    @State private var vocab: VocabLabels?

    var body: some View {
        List {
            Section {
                Toggle(model.t(.openNow), isOn: $openNow)
                Toggle(model.t(.nearMe), isOn: $nearMe).onChange(of: nearMe) { on in if on { location.request() } }
                if nearMe, let p = location.problem { Text(model.t(p)).font(.footnote) }
                Picker(model.t(.municipality), selection: $municipality) {
                    Text(model.t(.homeMunicipality)).tag("")
                    ForEach(municipalities, id: \.code) { Text(verbatim: $0.name).tag($0.code) }
                }
                DisclosureGroup(model.t(.filters) + (needs.count + groups.count + forms.count > 0 ? " (\(needs.count + groups.count + forms.count))" : "")) {
                    if let v = vocab {
                        chips(v.needs, $needs)
                        chips(v.groups, $groups)
                        chips(v.forms, $forms)
                    }
                }
            }
            // The fixed "Akut fara? Ring 112" strip above every list (the core's label and number).
            if let e = emergency, let url = URL(string: e.uri) {
                Link(destination: url) { Text(verbatim: e.label).font(.headline).foregroundColor(.red) }
            }
            // How the words were read, as chips: a tap removes that reading and searches again.
            if let u = understood, !u.chips.isEmpty {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(u.chips, id: \.key) { chip in
                            Button { without.insert(chip.key) } label: {
                                Text(verbatim: chip.label + " ✕").font(.caption).padding(6)
                                    .background(Capsule().fill(Color.accentColor.opacity(0.15)))
                            }.buttonStyle(.plain)
                        }
                    }
                }
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if hits.isEmpty && error == nil && model.core != nil { Text(model.t(.noResults)).font(.footnote) }
            ForEach(hits, id: \.id) { hit in
                NavigationLink(value: hit.id) { HitRow(hit: hit) }
            }
        }
        .searchable(text: $text, prompt: model.t(.searchPrompt))
        .navigationTitle(model.t(.appName))
        .navigationDestination(for: String.self) { ServiceView(id: $0) }
        .task(id: model.core == nil) {
            if case .ok(let m) = await model.call({ try $0.municipalities() }) { municipalities = m }
            if case .ok(let v) = await model.call({ $0.vocabularyLabels() }) { vocab = v }
        }
        .onChange(of: text) { _ in without = [] } // new words are read afresh
        .task(id: [text, without.sorted().joined(separator: ","), municipality, "\(openNow)", "\(nearMe)", needs.sorted().joined(), groups.sorted().joined(),
                   forms.sorted().joined(), "\(location.point?.lat ?? 0)", "\(model.core == nil)"]) {
            try? await Task.sleep(nanoseconds: 250_000_000) // typing: search when the user pauses
            if Task.isCancelled { return }
            await search()
        }
    }

    private func chips(_ entries: [VocabLabel], _ set: Binding<Set<String>>) -> some View {
        ForEach(entries, id: \.id) { e in
            Toggle(e.label, isOn: Binding(get: { set.wrappedValue.contains(e.id) },
                                                                   set: { if $0 { set.wrappedValue.insert(e.id) } else { set.wrappedValue.remove(e.id) } }))
        }
    }

    private func search() async {
        let (t, m, g, n, f, o, near, w) = (text, municipality, groups.sorted(), needs.sorted(), forms.sorted(), openNow, nearMe ? location.point : nil, without.sorted())
        switch await model.call({ core -> SearchResult in
            let place = m.isEmpty ? try core.settings().homeMunicipality : m
            return try core.searchFull(query: SearchQuery(text: t, municipality: place, groups: g, needs: n, forms: f, language: nil,
                                                          openNow: o, at: nil, near: near, limit: 30, without: w))
        }) {
        case .ok(let r): hits = r.hits; emergency = r.emergency; understood = r.understood; error = nil
        case .failed(let m): error = m
        }
    }
}

/// "Near me": asks for permission first, and only once it is granted for a
/// location; says why when there is none.
final class LocationFix: NSObject, ObservableObject, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    @Published var point: GeoPoint?
    @Published var problem: UiText?
    override init() {
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyKilometer
    }
    func request() {
        switch manager.authorizationStatus {
        case .notDetermined: manager.requestWhenInUseAuthorization() // then locationManagerDidChangeAuthorization
        case .authorizedWhenInUse, .authorizedAlways: manager.requestLocation()
        default: problem = .locationDenied
        }
    }
    func locationManagerDidChangeAuthorization(_ m: CLLocationManager) {
        switch m.authorizationStatus {
        case .authorizedWhenInUse, .authorizedAlways: m.requestLocation()
        case .notDetermined: break
        default: DispatchQueue.main.async { self.problem = .locationDenied }
        }
    }
    func locationManager(_ m: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        if let l = locations.last { DispatchQueue.main.async { self.point = GeoPoint(lat: l.coordinate.latitude, lon: l.coordinate.longitude); self.problem = nil } }
    }
    func locationManager(_ m: CLLocationManager, didFailWithError error: Error) {
        DispatchQueue.main.async { self.problem = .nearMeUnavailable }
    }
}

// MARK: Service

struct ServiceView: View {
    @EnvironmentObject var model: AppModel
    @Environment(\.openURL) private var openURL
    let id: String
    @State private var detail: ServiceDetail?
    @State private var error: String?
    @State private var note: String?
    @State private var report = ""
    @State private var reason = "wrong_number"

    var body: some View {
        List {
            // The fixed "Akut fara? Ring 112" strip above every list (the core's label and number).
            if let e = emergency, let url = URL(string: e.uri) {
                Link(destination: url) { Text(verbatim: e.label).font(.headline).foregroundColor(.red) }
            }
            // How the words were read, as chips: a tap removes that reading and searches again.
            if let u = understood, !u.chips.isEmpty {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(u.chips, id: \.key) { chip in
                            Button { without.insert(chip.key) } label: {
                                Text(verbatim: chip.label + " ✕").font(.caption).padding(6)
                                    .background(Capsule().fill(Color.accentColor.opacity(0.15)))
                            }.buttonStyle(.plain)
                        }
                    }
                }
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if let d = detail {
                Section { HitRow(hit: d.hit) }
                Section {
                    // One action per phone from the core: tel:, sms: or the chat's https link (a chat is never dialled).
                    ForEach(d.hit.card.actions, id: \.uri) { a in
                        HStack {
                            if let url = URL(string: a.uri) {
                                Button(a.label) {
                                    openURL(url) { accepted in
                                        if !accepted { UIPasteboard.general.string = a.number; note = model.t(.cannotCall) }
                                    }
                                }
                            }
                            Spacer()
                            Button(model.t(.copy)) { UIPasteboard.general.string = a.number; note = model.t(.copied) }.buttonStyle(.borderless)
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
                Section(model.t(.reportError)) {
                    Text(model.t(.reportErrorHint)).font(.footnote)
                    // The structured reason (ids as the core and hub take them; labels from the core).
                    Picker(model.t(.reportError), selection: $reason) {
                        Text(model.t(.reportReasonWrongNumber)).tag("wrong_number")
                        Text(model.t(.reportReasonClosed)).tag("closed")
                        Text(model.t(.reportReasonMoved)).tag("moved")
                        Text(model.t(.reportReasonOther)).tag("other")
                    }
                    TextField(model.t(.reportError), text: $report)
                    Button(model.t(.reportErrorSend)) {
                        Task {
                            let (sid, text, why) = (id, report.trimmingCharacters(in: .whitespaces), reason)
                            switch await model.call({ try $0.reportError(serviceId: sid, reason: why, message: text) }) {
                            case .ok: report = ""; note = model.t(.reportErrorQueued)
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

    /// Shows a completed session's result: the one in memory when it is that
    /// session's, else given again by the core from the sealed record (after
    /// iOS ended the process the in-memory result is gone). Returns the
    /// core's message when it cannot.
    func showResult(_ sid: String, _ app: AppModel) async -> String? {
        if outcome?.sessionId == sid { return nil }
        switch await app.call({ try $0.screeningResult(sessionId: sid) }) {
        case .ok(let o): view = nil; outcome = o; return nil
        case .failed(let m): return m
        }
    }
}

struct ScreeningHomeView: View {
    @EnvironmentObject var model: AppModel
    let onHide: () -> Void
    @State private var lists: [ChecklistSummary] = []
    @State private var inProgress: [ScreeningSummary] = []
    @State private var completed: [ScreeningSummary] = []
    @State private var locked: String?
    @State private var error: String?

    var body: some View {
        ScreeningContent(screening: model.screening, lists: lists, inProgress: inProgress, completed: completed, locked: locked, error: $error, onHide: onHide, reload: reload)
            .navigationTitle(model.t(.tabScreening))
            .navigationDestination(for: String.self) { ServiceView(id: $0) }
            .task(id: model.core == nil) { await reload() }
    }

    private func reload() async {
        switch await model.call({ core in (try core.checklists(), try core.screenings(), try core.status().screeningsLocked) }) {
        case .ok(let (l, all, lock)):
            lists = l
            inProgress = all.filter { $0.state == "in_progress" }
            completed = all.filter { $0.state == "completed" }
            locked = lock
            error = nil
        case .failed(let m): error = m
        }
    }
}

private struct ScreeningContent: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var screening: ScreeningModel
    let lists: [ChecklistSummary]
    let inProgress: [ScreeningSummary]
    let completed: [ScreeningSummary]
    /// The core's message when screenings are locked (lost or wrong key).
    let locked: String?
    @Binding var error: String?
    let onHide: () -> Void
    let reload: () async -> Void
    @State private var number = ""
    @State private var note = ""
    @State private var levels: [OverrideLevel] = []
    @State private var overrideLevel = ""   // "" = no change
    @State private var reason = ""
    @State private var confirmDiscard = false
    @State private var confirmNewKey = false

    var body: some View {
        List {
            if let problem = CoreHolder.shared.keyProblem { Text(model.t(.keyProblem) + "\n" + problem).foregroundColor(.red) }
            // The fixed "Akut fara? Ring 112" strip above every list (the core's label and number).
            if let e = emergency, let url = URL(string: e.uri) {
                Link(destination: url) { Text(verbatim: e.label).font(.headline).foregroundColor(.red) }
            }
            // How the words were read, as chips: a tap removes that reading and searches again.
            if let u = understood, !u.chips.isEmpty {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(u.chips, id: \.key) { chip in
                            Button { without.insert(chip.key) } label: {
                                Text(verbatim: chip.label + " ✕").font(.caption).padding(6)
                                    .background(Capsule().fill(Color.accentColor.opacity(0.15)))
                            }.buttonStyle(.plain)
                        }
                    }
                }
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if let o = screening.outcome { result(o) }
            else if let v = screening.view { step(v) }
            else { start() }
        }
        .confirmationDialog(model.t(.discardConfirm), isPresented: $confirmDiscard, titleVisibility: .visible) {
            Button(model.t(.discard), role: .destructive) {
                guard let sid = screening.view?.sessionId else { return }
                Task {
                    if case .failed(let m) = await model.call({ try $0.discardScreening(sessionId: sid) }) { error = m } else { screening.hide(); await reload() }
                }
            }
        }
        .confirmationDialog(model.t(.newScreeningKeyConfirm), isPresented: $confirmNewKey, titleVisibility: .visible) {
            Button(model.t(.newScreeningKey), role: .destructive) {
                Task {
                    // The new key is stored in the Keychain first, then the core sets the locked sessions aside.
                    let r = await model.call({ core -> UInt32 in try core.resetScreeningKey(newKeyHex: try StoreKey.newHex()) })
                    if case .failed(let m) = r { error = m } else { error = nil; await model.open(reopen: true) }
                    await reload()
                }
            }
            Button(model.t(.cancel), role: .cancel) {}
        }
    }

    @ViewBuilder private func start() -> some View {
        if let locked {
            // Locked (lost or wrong key): the core's message, and the way forward.
            Section {
                Text(verbatim: locked).foregroundColor(.red)
                Button(model.t(.newScreeningKey)) { confirmNewKey = true }
            }
        }
        if !inProgress.isEmpty {
            Section(model.t(.inProgress)) {
                // Neutral wording only: no checklist name on the start list.
                ForEach(inProgress, id: \.sessionId) { s in
                    Button("↻ " + model.t(.resume) + " · " + s.startedText) { let sid = s.sessionId; run { try $0.screening(sessionId: sid) } }
                }
            }
        }
        if !completed.isEmpty {
            Section(model.t(.completed)) {
                // The result again from the sealed record (survives the process being ended).
                ForEach(completed, id: \.sessionId) { s in
                    Button("✓ " + model.t(.showResult) + " · " + s.startedText) {
                        let sid = s.sessionId
                        Task { error = await screening.showResult(sid, model) }
                    }
                }
            }
        }
        Section(model.t(.newScreening)) {
            ForEach(lists, id: \.id) { c in
                Button(c.title) { let id = c.id; run { try $0.startScreening(checklistId: id, municipality: nil) } }
            }
        }
    }

    @ViewBuilder private func step(_ v: ScreeningView) -> some View {
        Section {
            HStack {
                // Discreet mode: one tap back to the start screen; the session stays sealed and resumable.
                Button(model.t(.hide)) { screening.hide(); onHide() }.buttonStyle(.borderedProminent)
                Spacer()
                Button(model.t(.discard), role: .destructive) { confirmDiscard = true }.buttonStyle(.borderless)
            }
            Text(verbatim: v.title).font(.headline)
            if let n = v.notice { Text(verbatim: n).font(.footnote) }
            ProgressView(value: Double(v.answered), total: Double(max(v.visible, 1)))
            Text(verbatim: v.counter).font(.caption)
        }
        if let item = v.nextItem {
            Section(item.section ?? "") {
                Text(verbatim: item.text).font(.title3)
                if let help = item.help { Text(verbatim: help).font(.footnote) }
                if !item.choices.isEmpty {
                    ForEach(item.choices, id: \.id) { c in Button(c.text) { answer(v, item.id, .choice(id: c.id)) } }
                } else if item.answerType.contains("number") {
                    TextField(model.t(.numberHint), text: $number).keyboardType(.decimalPad)
                    Button(model.t(.ok)) {
                        if let value = parseNumber(text: number) { answer(v, item.id, .number(value: value)); number = "" }
                        else { error = model.t(.notANumber) }
                    }
                } else {
                    Button(model.t(.yes)) { answer(v, item.id, .yes) }
                    Button(model.t(.no)) { answer(v, item.id, .no) }
                    Button(model.t(.unknown)) { answer(v, item.id, .unknown) }
                }
                // Skip: the item stays unanswered; the result says it is incomplete.
                Button(model.t(.skip)) { answer(v, item.id, .unknown) }
            }
        } else {
            Section(model.t(.overrideTitle)) {
                Text(model.t(.overrideHint)).font(.footnote)
                // Chosen from the core's list for this session, never a typed level id.
                Picker(model.t(.overrideTitle), selection: $overrideLevel) {
                    Text(model.t(.overrideNone)).tag("")
                    ForEach(levels, id: \.id) { l in Text(verbatim: model.lang == "sv" ? l.labelSv : l.labelEn).tag(l.id) }
                }
                if !overrideLevel.isEmpty { TextField(model.t(.overrideReason), text: $reason) }
                TextField(model.t(.note), text: $note)
                Button(model.t(.showResult)) { complete(v) }
            }
            .task(id: v.sessionId) {
                let sid = v.sessionId
                if case .ok(let l) = await model.call({ try $0.overrideLevels(sessionId: sid) }) { levels = l }
            }
        }
        if v.canGoBack { Button(model.t(.back)) { let sid = v.sessionId; run { try $0.back(sessionId: sid) } } }
    }

    @ViewBuilder private func result(_ o: ScreeningOutcome) -> some View {
        Section(model.t(.resultLevel)) {
            Text(verbatim: o.levelLabel).font(.title2)
            if o.incomplete || o.unanswered > 0 { Text(model.t(.resultIncomplete)).foregroundColor(.orange) }
            ForEach(o.missingKey, id: \.id) { m in Text(verbatim: "? " + m.text).foregroundColor(.orange) }
            if o.overrideUsed { Text(model.t(.resultOverrideUsed)) }
        }
        if !o.redFlags.isEmpty {
            Section(model.t(.resultRedFlags)) {
                ForEach(o.redFlags, id: \.item) { f in Text(verbatim: "⚑ " + f.text).foregroundColor(.red) }
            }
        }
        if !o.actions.isEmpty { Section(model.t(.resultActions)) { ForEach(o.actions, id: \.self) { Text(verbatim: $0) } } }
        if !o.leadsTo.isEmpty { Section(model.t(.resultLeadsTo)) { ForEach(o.leadsTo, id: \.self) { Text(verbatim: "→ " + $0) } } }
        if !o.referrals.isEmpty {
            Section(model.t(.resultReferrals)) {
                ForEach(o.referrals, id: \.id) { hit in NavigationLink(value: hit.id) { HitRow(hit: hit) } }
            }
        }
        Button(model.t(.close)) { screening.outcome = nil; Task { await reload() } }
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
        let sid = v.sessionId
        let text = note
        let ov = overrideLevel.isEmpty ? nil : LevelOverride(level: overrideLevel, reason: reason.trimmingCharacters(in: .whitespaces))
        Task {
            switch await model.call({ try $0.completeScreening(sessionId: sid, levelOverride: ov, note: text.isEmpty ? nil : text) }) {
            case .ok(let o): screening.view = nil; screening.outcome = o; note = ""; overrideLevel = ""; reason = ""; error = nil
            case .failed(let m): error = m
            }
        }
    }
}

// MARK: Status

struct StatusView: View {
    @EnvironmentObject var model: AppModel
    @State private var lines: [StatusLine] = []
    @State private var outbox: [OutboxEntry] = []
    @State private var error: String?
    @State private var syncing = false

    var body: some View {
        List {
            // The fixed "Akut fara? Ring 112" strip above every list (the core's label and number).
            if let e = emergency, let url = URL(string: e.uri) {
                Link(destination: url) { Text(verbatim: e.label).font(.headline).foregroundColor(.red) }
            }
            // How the words were read, as chips: a tap removes that reading and searches again.
            if let u = understood, !u.chips.isEmpty {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(u.chips, id: \.key) { chip in
                            Button { without.insert(chip.key) } label: {
                                Text(verbatim: chip.label + " ✕").font(.caption).padding(6)
                                    .background(Capsule().fill(Color.accentColor.opacity(0.15)))
                            }.buttonStyle(.plain)
                        }
                    }
                }
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            // The core's lines: data age, last sync, failure, next attempt, and why the outbox did not go.
            Section { ForEach(lines, id: \.text) { l in Text(verbatim: l.text).foregroundColor(l.tone == .warning ? .orange : .primary) } }
            Section {
                Button(syncing ? model.t(.syncing) : model.t(.syncNow)) {
                    syncing = true
                    Task {
                        _ = await SyncCoordinator.shared.syncNow().value
                        syncing = false
                        await reload()
                    }
                }.disabled(syncing)
            }
            Section(model.t(.outbox)) {
                ForEach(outbox, id: \.id) { e in
                    VStack(alignment: .leading) {
                        Text(verbatim: e.kind + (e.quarantined ? " ⚠ " + model.t(.outboxRejected) + " " + (e.reason ?? "") : "")).font(.caption)
                        Text(verbatim: e.payloadJson).font(.caption2).textSelection(.enabled)
                    }
                }
            }
        }
        .navigationTitle(model.t(.tabStatus))
        .refreshable { await reload() }
        .task(id: model.core == nil) { await reload() }
    }

    private func reload() async {
        switch await model.call({ core in (try core.statusLines(), try core.outbox()) }) {
        case .ok(let (l, o)): lines = l; outbox = o; error = nil
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
    @State private var kinds: [VocabLabel] = []

    var body: some View {
        Form {
            if var s = settings {
                Picker(model.t(.language), selection: Binding(get: { s.lang }, set: { s.lang = $0; settings = s })) {
                    Text("Svenska").tag("sv"); Text("English").tag("en")
                }
                Picker(model.t(.homeMunicipality), selection: Binding(get: { s.homeMunicipality ?? "" }, set: { s.homeMunicipality = $0.isEmpty ? nil : $0; settings = s })) {
                    Text(model.t(.notSet)).tag("")
                    ForEach(municipalities, id: \.code) { Text(verbatim: $0.name).tag($0.code) }
                }
                Picker(model.t(.agency), selection: Binding(get: { s.agencyKind ?? "" }, set: { s.agencyKind = $0.isEmpty ? nil : $0; settings = s })) {
                    Text(model.t(.notSet)).tag("")
                    ForEach(kinds, id: \.id) { k in Text(verbatim: k.label).tag(k.id) }
                }
                Stepper(model.t(.retentionDays) + ": \(s.retentionDays)",
                        value: Binding(get: { Int(s.retentionDays) }, set: { s.retentionDays = UInt32(max(1, $0)); settings = s }), in: 1...365)
                Button(model.t(.save)) { save(s) }
            }
            if let message { Text(verbatim: message) }
            Section(model.t(.enroll)) {
                Text(model.t(.enrollHint)).font(.footnote)
                TextField(model.t(.enrollCode), text: $code).textInputAutocapitalization(.characters).autocorrectionDisabled()
                Button(model.t(.enroll)) { enroll(code) }.disabled(code.trimmingCharacters(in: .whitespaces).isEmpty)
                if DataScannerViewController.isSupported { Button(model.t(.scanCode)) { scanning = true } }
                else { Text(model.t(.noScanner)).font(.footnote) }
                if let enrollMessage { Text(verbatim: enrollMessage) }
            }
        }
        .navigationTitle(model.t(.tabSettings))
        .sheet(isPresented: $scanning) { QRScanner { scanned in scanning = false; code = scanned; enroll(scanned) } }
        .task(id: model.core == nil) {
            switch await model.call({ core in (try core.settings(), try core.municipalities()) }) {
            case .ok(let (s, m)): settings = s; municipalities = m
            case .failed(let m): message = m
            }
            if case .ok(let v) = await model.call({ $0.vocabularyLabels() }) { kinds = v.agencyKinds }
        }
    }

    private func save(_ s: FyrKit.Settings) {
        Task {
            switch await model.call({ try $0.setSettings(settings: s) }) {
            case .ok:
                // The core makes its texts in the language it was opened with: reopen.
                if s.lang != model.lang { await model.open(reopen: true) }
                message = model.t(.saved)
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
                enrollMessage = model.t(.enrolled) + ": \(e.county) · \(e.agencyKind)"
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

// MARK: Help card

/// The help card to show the person in front of you, in the language they
/// read best: the core's signed content in the card's own direction (Arabic,
/// Persian, Dari right to left), with the "not reviewed" mark when it applies.
struct HelpCardScreen: View {
    @EnvironmentObject var model: AppModel
    @Environment(\.openURL) private var openURL
    @State private var lang = ""
    @State private var languages: [HelpCardLanguage] = []
    @State private var card: HelpCardView?
    @State private var error: String?

    var body: some View {
        List {
            Text(model.t(.helpCardIntro)).font(.footnote)
            Picker(model.t(.helpCardLanguage), selection: $lang) {
                ForEach(languages, id: \.lang) { l in Text(verbatim: l.name).tag(l.lang) }
            }
            // The fixed "Akut fara? Ring 112" strip above every list (the core's label and number).
            if let e = emergency, let url = URL(string: e.uri) {
                Link(destination: url) { Text(verbatim: e.label).font(.headline).foregroundColor(.red) }
            }
            // How the words were read, as chips: a tap removes that reading and searches again.
            if let u = understood, !u.chips.isEmpty {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(u.chips, id: \.key) { chip in
                            Button { without.insert(chip.key) } label: {
                                Text(verbatim: chip.label + " ✕").font(.caption).padding(6)
                                    .background(Capsule().fill(Color.accentColor.opacity(0.15)))
                            }.buttonStyle(.plain)
                        }
                    }
                }
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if let c = card {
                if let n = c.notReviewedNotice { Text(verbatim: n).font(.footnote).foregroundColor(.orange) }
                VStack(alignment: .leading, spacing: 12) {
                    Text(verbatim: c.title).font(.title)
                    ForEach(c.points, id: \.self) { Text(verbatim: $0).font(.title3) }
                    ForEach(c.numbers, id: \.number) { n in
                        Button(n.label + ": " + n.number) { if let u = URL(string: n.uri) { openURL(u) } }.buttonStyle(.borderedProminent)
                    }
                }
                .environment(\.layoutDirection, c.direction == .rtl ? .rightToLeft : .leftToRight)
            }
        }
        .navigationTitle(model.t(.tabHelpCard))
        .task(id: model.core == nil) {
            if case .ok(let l) = await model.call({ try $0.helpCardLanguages() }) { languages = l; if lang.isEmpty { lang = model.lang } }
        }
        .task(id: lang) {
            guard !lang.isEmpty else { return }
            let l = lang
            switch await model.call({ try $0.helpCard(lang: l) }) {
            case .ok(let c): card = c; error = nil
            case .failed(let m): error = m
            }
        }
    }
}
