import SwiftUI
import AVFoundation
import CoreLocation
import VisionKit
import FyrKit
import FyrShell

// The screens: layout only. Every text (labels via model.t, card subtitles,
// badges, distances, contact URIs, counters, status lines, relative times)
// comes from the core. Every store call goes through AppModel.call, off the
// main thread, and views never hold the core. Symbols are not read aloud;
// badges are text, not buttons; every control has a VoiceOver label (its text).

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
                // Badges are text (demo, unverified, national), never buttons.
                ForEach(hit.card.badges, id: \.self) { Text(verbatim: $0).font(.caption2).padding(2).background(Color.orange.opacity(0.25)) }
            }
        }
        .accessibilityElement(children: .combine)
    }
}

// MARK: Search

struct SearchView: View {
    @EnvironmentObject var model: AppModel
    @Environment(\.openURL) private var openURL
    @State private var noDialer = false
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
                // Location only when the user turns "near me" on; off stops asking.
                Toggle(model.t(.nearMe), isOn: $nearMe).onChange(of: nearMe) { on in if on { location.request() } else { location.stop() } }
                if nearMe, let p = location.problem { Text(model.t(p)).font(.footnote) }
                Picker(model.t(.municipality), selection: $municipality) {
                    Text(model.t(.homeMunicipality)).tag("")
                    ForEach(municipalities, id: \.code) { Text(verbatim: $0.name).tag($0.code) }
                }
                // The core's label and count (the same on Android; no store handle, safe while drawing).
                DisclosureGroup(filtersLabel(form: form(), lang: model.lang)) {
                    if let v = vocab {
                        chips(v.needs, $needs)
                        chips(v.groups, $groups)
                        chips(v.forms, $forms)
                    }
                }
            }
            // The fixed "Akut fara? Ring 112" strip above every list (the core's label and number).
            // A device that cannot call (an iPad, an iPod) gets the core's message instead of nothing.
            if let e = emergency, let url = URL(string: e.uri) {
                Button { openURL(url) { accepted in noDialer = !accepted } } label: {
                    Text(verbatim: e.label).font(.headline).foregroundColor(.red)
                }
                if noDialer { Text(model.t(.cannotCallEmergency)).font(.footnote).foregroundColor(.red) }
            }
            // How the words were read, as chips: a tap removes that reading and searches again.
            if let u = understood, !u.chips.isEmpty {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack {
                        ForEach(u.chips, id: \.key) { chip in
                            Button { without.insert(chip.key) } label: {
                                HStack(spacing: 4) {
                                    Text(verbatim: chip.label)
                                    Text(verbatim: "✕").accessibilityHidden(true) // drawn, not read aloud
                                }
                                .font(.caption).padding(6)
                                .background(Capsule().fill(Color.accentColor.opacity(0.15)))
                            }.buttonStyle(.plain)
                        }
                    }
                }
            }
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if hits.isEmpty && error == nil && model.ready { Text(model.t(.noResults)).font(.footnote) }
            ForEach(hits, id: \.id) { hit in
                NavigationLink(value: hit.id) { HitRow(hit: hit) }
            }
        }
        .searchable(text: $text, prompt: model.t(.searchPrompt))
        .navigationTitle(model.t(.appName))
        .navigationDestination(for: String.self) { ServiceView(id: $0) }
        .task(id: model.ready) {
            if case .ok(let m) = await model.call({ try $0.municipalities() }) { municipalities = m }
            if case .ok(let v) = await model.call({ $0.vocabularyLabels() }) { vocab = v }
        }
        .onChange(of: text) { _ in without = [] } // new words are read afresh
        .task(id: [text, without.sorted().joined(separator: ","), municipality, "\(openNow)", "\(nearMe)", needs.sorted().joined(), groups.sorted().joined(),
                   forms.sorted().joined(), "\(location.point?.lat ?? 0)", "\(model.ready)"]) {
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

    /// The core's search form, field for field: no rules here. The core
    /// trims the words, searches the home municipality when none is picked
    /// ("" here), uses the position only while "near me" is on, treats the
    /// filters as sets and picks the list's length (`FyrCore.searchForm`,
    /// the same rules as on Android).
    private func form() -> SearchForm {
        SearchForm(text: text, municipality: municipality.isEmpty ? nil : municipality, groups: Array(groups), needs: Array(needs),
                   forms: Array(forms), openNow: openNow, nearMe: nearMe, position: location.point, without: Array(without), limit: 0)
    }

    private func search() async {
        let f = form()
        switch await model.call({ try $0.searchForm(form: f) }) {
        case .ok(let r): hits = r.hits; emergency = r.emergency; understood = r.understood; error = nil
        case .failed(let m): error = m
        }
    }
}

/// "Near me": nothing happens until the user turns it on (creating the
/// manager asks for nothing); then permission, then one fresh fix (at most
/// two minutes old). Says why when there is none.
final class LocationFix: NSObject, ObservableObject, CLLocationManagerDelegate {
    private var manager: CLLocationManager?
    private var wanted = false
    @Published var point: GeoPoint?
    @Published var problem: UiText?
    static let freshness: TimeInterval = 120

    func request() {
        wanted = true
        problem = .nearMeLocating
        let m = manager ?? CLLocationManager()
        if manager == nil {
            m.desiredAccuracy = kCLLocationAccuracyKilometer
            m.delegate = self
            manager = m
        }
        switch m.authorizationStatus {
        case .notDetermined: m.requestWhenInUseAuthorization() // then locationManagerDidChangeAuthorization
        case .authorizedWhenInUse, .authorizedAlways: m.requestLocation()
        default: problem = .locationDenied
        }
    }
    func stop() {
        wanted = false
        manager?.stopUpdatingLocation()
        point = nil
        problem = nil
    }
    func locationManagerDidChangeAuthorization(_ m: CLLocationManager) {
        guard wanted else { return } // never a position because permission was once granted
        switch m.authorizationStatus {
        case .authorizedWhenInUse, .authorizedAlways: m.requestLocation()
        case .notDetermined: break
        default: DispatchQueue.main.async { self.problem = .locationDenied }
        }
    }
    func locationManager(_ m: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard wanted else { return }
        let fresh = locations.last.flatMap { -$0.timestamp.timeIntervalSinceNow <= Self.freshness ? $0 : nil }
        DispatchQueue.main.async {
            if let l = fresh { self.point = GeoPoint(lat: l.coordinate.latitude, lon: l.coordinate.longitude); self.problem = nil }
            else { self.point = nil; self.problem = .nearMeNoFix }
        }
    }
    func locationManager(_ m: CLLocationManager, didFailWithError error: Error) {
        DispatchQueue.main.async { self.point = nil; self.problem = .nearMeNoFix }
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
    @State private var reason = ""
    @State private var reasons: [ReportReason] = []

    var body: some View {
        List {
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
                                        if !accepted { copyLocally(a.number); note = model.t(.cannotCall) }
                                    }
                                }
                            }
                            Spacer()
                            Button(model.t(.copy)) { copyLocally(a.number); note = model.t(.copiedSensitive) }
                                .buttonStyle(.borderless)
                                .accessibilityLabel(Text(verbatim: model.t(.copy) + " " + a.display))
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
                    if !d.verifiedLine.isEmpty { Text(verbatim: d.verifiedLine).font(.caption) }
                }
                Section(model.t(.reportError)) {
                    Text(model.t(.reportErrorHint)).font(.footnote)
                    // The structured reason (ids as the core and hub take them; labels from the core).
                    Picker(model.t(.reportError), selection: $reason) {
                        ForEach(reasons, id: \.id) { r in Text(verbatim: r.label).tag(r.id) }
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
                    }.disabled(report.trimmingCharacters(in: .whitespaces).isEmpty || reason.isEmpty)
                }
            }
        }
        .navigationTitle(detail?.hit.name ?? "")
        .task {
            let sid = id
            switch await model.call({ core in (try core.show(id: sid, at: nil, near: nil), core.reportReasons()) }) {
            case .ok(let (d, rs)): detail = d; reasons = rs; if reason.isEmpty { reason = rs.first?.id ?? "" }
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
    @State private var lockReason: String?
    @State private var error: String?

    var body: some View {
        ScreeningContent(screening: model.screening, lists: lists, inProgress: inProgress, completed: completed, locked: locked,
                         lockReason: lockReason, error: $error, onHide: onHide, reload: reload)
            .navigationTitle(model.t(.tabScreening))
            .navigationDestination(for: String.self) { ServiceView(id: $0) }
            .task(id: model.ready) { await reload() }
    }

    private func reload() async {
        switch await model.call({ core -> ([ChecklistSummary], [ScreeningSummary], Status) in
            let r = (try core.checklists(), try core.screenings(), try core.status())
            // Keys set aside by a reset are deleted once nothing they sealed is left.
            try? AppCore.holder.keyVault.purgeAside(unreadableLeft: Int(r.2.unreadableScreenings))
            return r
        }) {
        case .ok(let (l, all, st)):
            lists = l
            inProgress = all.filter { $0.state != "completed" }
            completed = all.filter { $0.state == "completed" }
            locked = st.screeningsLocked
            lockReason = st.screeningsLockReason
            error = nil
        case .failed(let m): error = m
        }
        await model.refreshScreeningsExist()
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
    let lockReason: String?
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
        .alert(model.t(.newScreeningKey), isPresented: $confirmNewKey) {
            Button(model.t(.newScreeningKeyConfirmButton), role: .destructive) {
                Task {
                    // The old key is set aside in the Keychain (kept), a new one stored; then the core sets the locked sessions aside.
                    let r = await model.call({ core -> UInt32 in
                        try core.resetScreeningKey(newKeyHex: try AppCore.holder.keyVault.replace(confirmedScreeningsBecomeUnreadable: true))
                    })
                    if case .failed(let m) = r { error = m } else { error = nil; await model.open(reopen: true) }
                    await reload()
                }
            }
            Button(model.t(.cancel), role: .cancel) {}
        } message: {
            Text(model.t(.newScreeningKeyWarning))
        }
    }

    @ViewBuilder private func start() -> some View {
        // A key that could not be read is retried (nothing is lost); only a key
        // that was read and is missing or wrong leads to a new one, after confirmation.
        switch KeyVault.action(model.keyState, lockReason: lockReason) {
        case .retry:
            Section {
                Text(model.t(.keyReadFailed)).foregroundColor(.red)
                Button(model.t(.keyRetry)) { Task { await model.open(reopen: true); await reload() } }
            }
        case .offerNewKey:
            Section(model.t(.screeningsLockedTitle)) {
                if let locked { Text(verbatim: locked).foregroundColor(.red) }
                Button(model.t(.newScreeningKey)) { confirmNewKey = true }
            }
        case .usable:
            EmptyView()
        }
        if !inProgress.isEmpty {
            Section(model.t(.inProgress)) {
                // Neutral wording only: no checklist name on the start list.
                ForEach(inProgress, id: \.sessionId) { s in
                    Button(model.t(.resume) + " · " + s.stateLabel + " · " + s.startedText) { let sid = s.sessionId; run { try $0.screening(sessionId: sid) } }
                }
            }
        }
        if !completed.isEmpty {
            Section(model.t(.completed)) {
                // The result again from the sealed record (survives the process being ended).
                ForEach(completed, id: \.sessionId) { s in
                    Button(model.t(.showResult) + " · " + s.stateLabel + " · " + s.startedText) {
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
                    ForEach(levels, id: \.id) { l in Text(verbatim: l.label).tag(l.id) }
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
            ForEach(o.missingKey, id: \.id) { m in Text(verbatim: m.text).foregroundColor(.orange) }
            if o.overrideUsed { Text(model.t(.resultOverrideUsed)) }
        }
        if !o.redFlags.isEmpty {
            Section(model.t(.resultRedFlags)) {
                ForEach(o.redFlags, id: \.item) { f in Text(verbatim: f.text).foregroundColor(.red) }
            }
        }
        if !o.actions.isEmpty { Section(model.t(.resultActions)) { ForEach(o.actions, id: \.self) { Text(verbatim: $0) } } }
        if !o.leadsTo.isEmpty { Section(model.t(.resultLeadsTo)) { ForEach(o.leadsTo, id: \.self) { Text(verbatim: $0) } } }
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
            case .ok(let v): screening.view = v; error = nil; await model.refreshScreeningsExist()
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
            if let error { Text(verbatim: error).foregroundColor(.red) }
            // The core's lines: data age, last sync, failure, next attempt, and why the outbox did not go.
            Section { ForEach(lines, id: \.text) { l in Text(verbatim: l.text).foregroundColor(l.tone == .warning ? .orange : .primary) } }
            Section {
                Button(syncing ? model.t(.syncing) : model.t(.syncNow)) {
                    syncing = true
                    Task {
                        // The user's explicit sync (runs before the next check); a second tap joins the running one.
                        _ = await SyncCoordinator.shared.sync(.user).value
                        syncing = false
                        await reload()
                    }
                }.disabled(syncing)
            }
            Section(model.t(.outbox)) {
                // The core's words for each row (what it is, where it stands); never the payload JSON.
                ForEach(outbox, id: \.id) { e in Text(verbatim: e.text).font(.caption).foregroundColor(e.quarantined ? .orange : .primary) }
            }
        }
        .navigationTitle(model.t(.tabStatus))
        .refreshable { await reload() }
        .task(id: model.ready) { await reload() }
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
    @State private var scanner: ScannerKind = .vision
    @State private var kinds: [VocabLabel] = []
    @State private var bounds: RetentionBounds?
    private let languages = appLanguages()

    var body: some View {
        Form {
            if var s = settings {
                // Discreet mode: screenshots and recordings leave the app out, on every screen.
                Toggle(model.t(.discreetMode), isOn: $model.discreet)
                Picker(model.t(.language), selection: Binding(get: { s.lang }, set: { s.lang = $0; settings = s })) {
                    ForEach(languages, id: \.id) { l in Text(verbatim: l.name).tag(l.id) }
                }
                Picker(model.t(.homeMunicipality), selection: Binding(get: { s.homeMunicipality ?? "" }, set: { s.homeMunicipality = $0.isEmpty ? nil : $0; settings = s })) {
                    Text(model.t(.notSet)).tag("")
                    ForEach(municipalities, id: \.code) { Text(verbatim: $0.name).tag($0.code) }
                }
                Picker(model.t(.agency), selection: Binding(get: { s.agencyKind ?? "" }, set: { s.agencyKind = $0.isEmpty ? nil : $0; settings = s })) {
                    Text(model.t(.notSet)).tag("")
                    ForEach(kinds, id: \.id) { k in Text(verbatim: k.label).tag(k.id) }
                }
                if let b = bounds {
                    // The core's bounds and hint (the core refuses anything outside them).
                    Stepper(value: Binding(get: { Int(s.retentionDays) }, set: { s.retentionDays = UInt32($0); settings = s }),
                            in: Int(b.minDays)...Int(b.maxDays)) {
                        Text(model.t(.retentionDays) + ": \(s.retentionDays)")
                        Text(verbatim: b.hint).font(.caption)
                    }
                }
                Button(model.t(.save)) { save(s) }
            }
            if let message { Text(verbatim: message) }
            Section(model.t(.enroll)) {
                Text(model.t(.enrollHint)).font(.footnote)
                TextField(model.t(.enrollCode), text: $code).textInputAutocapitalization(.characters).autocorrectionDisabled()
                Button(model.t(.enroll)) { enroll(code) }.disabled(code.trimmingCharacters(in: .whitespaces).isEmpty)
                // VisionKit's scanner where the device has it; else AVFoundation's QR reader on any camera; typed entry always.
                if let kind = ScannerKind.available {
                    Button(model.t(.scanCode)) { scanner = kind; scanning = true }
                } else { Text(model.t(.noScanner)).font(.footnote) }
                if let enrollMessage { Text(verbatim: enrollMessage) }
            }
        }
        .navigationTitle(model.t(.tabSettings))
        .sheet(isPresented: $scanning) {
            switch scanner {
            case .vision: QRScanner { scanned in scanning = false; code = scanned; enroll(scanned) }
            case .capture:
                QRCaptureScanner(onCode: { scanned in scanning = false; code = scanned; enroll(scanned) },
                                 onDenied: { scanning = false; enrollMessage = model.t(.scanCameraDenied) })
                    .overlay(alignment: .bottom) {
                        Text(model.t(.scanPointAtCode)).padding().background(.regularMaterial, in: RoundedRectangle(cornerRadius: 8)).padding()
                    }
            }
        }
        .task(id: model.ready) {
            switch await model.call({ core in (try core.settings(), try core.municipalities(), core.retentionBounds()) }) {
            case .ok(let (s, m, b)): settings = s; municipalities = m; bounds = b
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
        let c = typedOrScanned.trimmingCharacters(in: .whitespaces)
        let l = model.lang
        Task {
            // Off the main thread; the core's words for the result (county and agency in words) or the failure.
            let r = await Task.detached { () -> Loaded<String> in
                do {
                    let core = try AppCore.holder.core()
                    let e = try await core.enroll(code: c)
                    try StoreKey.saveDeviceToken(e.token)
                    return .ok(core.enrollmentMessage(enrollment: e))
                } catch { return .failed(AppModel.words(for: error, lang: l)) }
            }.value
            switch r {
            case .ok(let m): code = ""; enrollMessage = m
            case .failed(let m): enrollMessage = m
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

/// Which QR scanner this device has: VisionKit's DataScannerViewController
/// (A12 chip or newer, camera allowed) or, elsewhere, AVFoundation's
/// metadata reader on any camera; nil without a camera (typed entry only).
enum ScannerKind {
    case vision, capture
    static var available: ScannerKind? {
        if DataScannerViewController.isSupported && DataScannerViewController.isAvailable { return .vision }
        if AVCaptureDevice.default(for: .video) != nil { return .capture }
        return nil
    }
}

/// The fallback scanner: AVFoundation's metadata output reading QR codes
/// from the back camera. Asks for the camera only when opened (the same
/// NSCameraUsageDescription); a refused camera calls `onDenied` (the screen
/// then says so and typed entry stays). The first QR payload is handed back
/// once. The capture session starts and stops off the main thread
/// (`startRunning` blocks).
final class QRCaptureController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
    var onCode: ((String) -> Void)?
    var onDenied: (() -> Void)?
    private let session = AVCaptureSession()
    private let sessionQueue = DispatchQueue(label: "org.fyr.qr-capture")
    private var preview: AVCaptureVideoPreviewLayer?
    private var done = false

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        switch AVCaptureDevice.authorizationStatus(for: .video) {
        case .authorized: configure()
        case .notDetermined:
            AVCaptureDevice.requestAccess(for: .video) { granted in
                DispatchQueue.main.async { if granted { self.configure() } else { self.deny() } }
            }
        default: deny()
        }
    }

    /// Tells the screen after the sheet has appeared (never while it is being presented).
    private func deny() {
        DispatchQueue.main.async { self.onDenied?() }
    }

    private func configure() {
        guard let camera = AVCaptureDevice.default(for: .video),
              let input = try? AVCaptureDeviceInput(device: camera),
              session.canAddInput(input) else { deny(); return }
        session.addInput(input)
        let output = AVCaptureMetadataOutput()
        guard session.canAddOutput(output) else { deny(); return }
        session.addOutput(output)
        // Types can be set only after the output is in the session.
        guard output.availableMetadataObjectTypes.contains(.qr) else { deny(); return }
        output.metadataObjectTypes = [.qr]
        output.setMetadataObjectsDelegate(self, queue: DispatchQueue.main)
        let layer = AVCaptureVideoPreviewLayer(session: session)
        layer.videoGravity = .resizeAspectFill
        layer.frame = view.layer.bounds
        view.layer.addSublayer(layer)
        preview = layer
        let s = session
        sessionQueue.async { s.startRunning() }
    }

    override func viewDidLayoutSubviews() {
        super.viewDidLayoutSubviews()
        preview?.frame = view.layer.bounds
    }

    override func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        stop()
    }

    private func stop() {
        let s = session
        sessionQueue.async { if s.isRunning { s.stopRunning() } }
    }

    func metadataOutput(_ output: AVCaptureMetadataOutput, didOutput metadataObjects: [AVMetadataObject], from connection: AVCaptureConnection) {
        guard !done else { return }
        for case let code as AVMetadataMachineReadableCodeObject in metadataObjects where code.type == .qr {
            if let payload = code.stringValue {
                done = true
                stop()
                onCode?(payload)
                return
            }
        }
    }
}

struct QRCaptureScanner: UIViewControllerRepresentable {
    let onCode: (String) -> Void
    let onDenied: () -> Void
    func makeUIViewController(context: Context) -> QRCaptureController {
        let vc = QRCaptureController()
        vc.onCode = onCode
        vc.onDenied = onDenied
        return vc
    }
    func updateUIViewController(_ vc: QRCaptureController, context: Context) {}
}

// MARK: Help card

/// The help card to show the person in front of you, in the language they
/// read best: the core's signed content in the card's own direction (Arabic,
/// Persian, Dari right to left), with the "not reviewed" mark when it applies.
struct HelpCardScreen: View {
    @EnvironmentObject var model: AppModel
    @Environment(\.openURL) private var openURL
    @State private var lang = ""
    // Whom the card is for: women (every language), children, men, people
    // who use violence (where the language has that card).
    @State private var audience = "women"
    @State private var languages: [HelpCardLanguage] = []
    @State private var card: HelpCardView?
    @State private var error: String?

    var body: some View {
        List {
            Text(model.t(.helpCardIntro)).font(.footnote)
            Picker(model.t(.helpCardLanguage), selection: $lang) {
                ForEach(languages, id: \.lang) { l in Text(verbatim: l.name).tag(l.lang) }
            }
            Picker(model.t(.helpCardForWomen), selection: $audience) {
                ForEach(languages.first(where: { $0.lang == lang })?.audiences ?? ["women"], id: \.self) { a in
                    Text(model.t(a == "children" ? .helpCardForChildren : a == "men" ? .helpCardForMen
                        : a == "people_who_use_violence" ? .helpCardForPeopleWhoUseViolence : .helpCardForWomen)).tag(a)
                }
            }
            .pickerStyle(.segmented)
            // (No search strip here: the card gives 112 itself, and this view has
            // no search to read - `emergency`/`understood` are the search views'.)
            if let error { Text(verbatim: error).foregroundColor(.red) }
            if let c = card {
                if let n = c.notReviewedNotice { Text(verbatim: n).font(.footnote).foregroundColor(.orange) }
                VStack(alignment: .leading, spacing: 12) {
                    Text(verbatim: c.title).font(.title)
                    ForEach(c.points, id: \.self) { Text(verbatim: $0).font(.title3) }
                    ForEach(c.numbers, id: \.number) { n in
                        // The number as one left-to-right unit (the core's isolate): never "50 50 50-020".
                        Button { if let u = URL(string: n.uri) { openURL(u) } } label: {
                            VStack(alignment: .leading) { Text(verbatim: n.label); Text(verbatim: n.display).font(.headline) }
                        }.buttonStyle(.borderedProminent)
                    }
                }
                .environment(\.layoutDirection, c.direction == .rtl ? .rightToLeft : .leftToRight)
            }
        }
        .navigationTitle(model.t(.tabHelpCard))
        .task(id: model.ready) {
            if case .ok(let l) = await model.call({ try $0.helpCardLanguages() }) { languages = l; if lang.isEmpty { lang = model.lang } }
        }
        .task(id: lang + "/" + audience) {
            guard !lang.isEmpty else { return }
            if let l = languages.first(where: { $0.lang == lang }), !l.audiences.contains(audience) { audience = "women"; return }
            let l = lang, a = audience
            switch await model.call({ try $0.helpCardFor(lang: l, audience: a) }) {
            case .ok(let c): card = c; error = nil
            case .failed(let m): error = m
            }
        }
    }
}
