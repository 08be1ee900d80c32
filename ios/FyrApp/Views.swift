import SwiftUI
import CoreLocation
import FyrKit

private func errorText(_ error: Swift.Error) -> String {
    (error as? FyrError)?.message ?? "\(error)"
}

private func digits(_ number: String) -> String {
    let d = number.filter(\.isNumber)
    return number.trimmingCharacters(in: .whitespaces).hasPrefix("+") ? "+" + d : d
}

struct HitRow: View {
    let hit: ServiceHit
    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(hit.name).font(.headline)
            Text(hit.organization == hit.name ? hit.agencyLabel : "\(hit.organization) · \(hit.agencyLabel)").font(.caption)
            HStack {
                Text(hit.openText).foregroundColor(hit.openNow == true ? .green : hit.openNow == false ? .red : .secondary)
                if let km = hit.distanceKm { Text((hit.distanceApproximate ? "≈ " : "") + String(format: "%.1f km", km)) }
            }.font(.subheadline)
            HStack {
                if hit.demo { Text("DEMO").font(.caption2).padding(2).background(Color.orange.opacity(0.3)) }
                if !hit.verified { Text("Ej verifierad").font(.caption2).padding(2).background(Color.gray.opacity(0.2)) }
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
    @State private var needs: Set<String> = []
    @State private var groups: Set<String> = []
    @State private var forms: Set<String> = []
    @State private var hits: [ServiceHit] = []
    @State private var error: String?
    @StateObject private var location = LocationFix()
    private let vocab = vocabulary()

    var body: some View {
        List {
            Section {
                Toggle("Öppet nu", isOn: $openNow)
                Toggle("Nära mig", isOn: $nearMe).onChange(of: nearMe) { on in if on { location.request() } }
                DisclosureGroup("Filter (\(needs.count + groups.count + forms.count))") {
                    chips(vocab.needs, $needs)
                    chips(vocab.groups, $groups)
                    chips(vocab.forms, $forms)
                }
            }
            if let error { Text(error).foregroundColor(.red) }
            ForEach(hits, id: \.id) { hit in
                NavigationLink(value: hit.id) { HitRow(hit: hit) }
            }
        }
        .searchable(text: $text, prompt: "Sök stöd, t.ex. kvinnojour")
        .navigationTitle("Fyr")
        .navigationDestination(for: String.self) { ServiceView(id: $0) }
        .task(id: [text, "\(openNow)", "\(nearMe)", needs.sorted().joined(), groups.sorted().joined(), forms.sorted().joined(), "\(location.point?.lat ?? 0)"]) {
            search()
        }
    }

    private func chips(_ entries: [VocabEntry], _ set: Binding<Set<String>>) -> some View {
        ForEach(entries, id: \.id) { e in
            Toggle(e.sv, isOn: Binding(get: { set.wrappedValue.contains(e.id) },
                                       set: { if $0 { set.wrappedValue.insert(e.id) } else { set.wrappedValue.remove(e.id) } }))
        }
    }

    private func search() {
        do {
            let home = try model.core.settings().homeMunicipality
            let q = SearchQuery(text: text, municipality: home, groups: groups.sorted(), needs: needs.sorted(), forms: forms.sorted(),
                                language: nil, openNow: openNow, at: nil, near: nearMe ? location.point : nil, limit: 30)
            hits = try model.core.search(query: q)
            error = nil
        } catch {
            self.error = errorText(error)
        }
    }
}

final class LocationFix: NSObject, ObservableObject, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    @Published var point: GeoPoint?
    override init() {
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyKilometer
    }
    func request() {
        manager.requestWhenInUseAuthorization()
        manager.requestLocation()
    }
    func locationManager(_ m: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        if let l = locations.last { DispatchQueue.main.async { self.point = GeoPoint(lat: l.coordinate.latitude, lon: l.coordinate.longitude) } }
    }
    func locationManager(_ m: CLLocationManager, didFailWithError error: Error) {}
}

// MARK: Service

struct ServiceView: View {
    @EnvironmentObject var model: AppModel
    let id: String
    @State private var detail: ServiceDetail?
    @State private var error: String?

    var body: some View {
        List {
            if let error { Text(error).foregroundColor(.red) }
            if let d = detail {
                Section { HitRow(hit: d.hit) }
                Section {
                    ForEach(d.hit.phones, id: \.number) { p in
                        HStack {
                            if p.kind == "sms", let url = URL(string: "sms:\(digits(p.number))") {
                                Link("Sms \(p.number)", destination: url)
                            } else if let url = URL(string: "tel:\(digits(p.number))") {
                                Link("Ring \(p.number)", destination: url)
                            }
                            Spacer()
                            Button("Kopiera") { UIPasteboard.general.string = p.number }.buttonStyle(.borderless)
                        }
                    }
                }
                Section {
                    Text(d.description)
                    Text(d.role).font(.footnote)
                    Text(d.hours).font(.footnote)
                    if let a = d.address { Text(a) }
                    if let w = d.hit.web, let url = URL(string: w) { Link(w, destination: url) }
                    Text([d.verifiedOn, d.source].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")).font(.caption)
                }
            }
        }
        .navigationTitle(detail?.hit.name ?? "")
        .task {
            do { detail = try model.core.show(id: id, at: nil, near: nil) } catch { self.error = errorText(error) }
        }
    }
}

// MARK: Screening

struct ScreeningHomeView: View {
    @EnvironmentObject var model: AppModel
    @State private var lists: [ChecklistSummary] = []
    @State private var inProgress: [ScreeningSummary] = []
    @State private var view: ScreeningView?
    @State private var error: String?

    var body: some View {
        List {
            if let error { Text(error).foregroundColor(.red) }
            if !inProgress.isEmpty {
                Section("Pågående") {
                    ForEach(inProgress, id: \.sessionId) { s in
                        Button("\(s.checklist) – \(s.started)") { run { try $0.screening(sessionId: s.sessionId) } }
                    }
                }
            }
            Section("Checklistor") {
                ForEach(lists, id: \.id) { c in
                    Button(c.title + (c.example ? " (exempel)" : "")) { run { try $0.startScreening(checklistId: c.id, municipality: nil) } }
                }
            }
        }
        .navigationTitle("Bedömning")
        .navigationDestination(item: $view) { v in ScreeningRunView(start: v) }
        .task { reload() }
        .onAppear { reload() }
    }

    private func reload() {
        do {
            lists = try model.core.checklists()
            inProgress = try model.core.screenings().filter { $0.state == "in_progress" }
        } catch { self.error = errorText(error) }
    }

    private func run(_ f: (FyrCore) throws -> ScreeningView) {
        do { view = try f(model.core); error = nil } catch { self.error = errorText(error) }
    }
}

extension ScreeningView: Identifiable { public var id: String { sessionId } }

struct ScreeningRunView: View {
    @EnvironmentObject var model: AppModel
    @State var current: ScreeningView
    @State private var outcome: ScreeningOutcome?
    @State private var number = ""
    @State private var overrideLevel = ""
    @State private var reason = ""
    @State private var note = ""
    @State private var error: String?

    init(start: ScreeningView) { _current = State(initialValue: start) }

    var body: some View {
        List {
            if let error { Text(error).foregroundColor(.red) }
            if let o = outcome {
                Section { Text(o.levelLabel).font(.title2) }
                if o.unanswered > 0 { Text("\(o.unanswered) obesvarade").foregroundColor(.orange) }
                ForEach(o.missingKey, id: \.id) { Text("? \($0.text)").foregroundColor(.orange) }
                ForEach(o.redFlags, id: \.item) { Text("⚑ \($0.text)").foregroundColor(.red) }
                Section("Åtgärder") { ForEach(o.actions, id: \.self) { Text($0) } }
                Section("Hänvisningar") {
                    ForEach(o.referrals, id: \.id) { hit in NavigationLink(value: hit.id) { HitRow(hit: hit) } }
                }
            } else {
                Section {
                    ProgressView(value: Double(current.answered), total: Double(max(current.visible, 1)))
                    Text("Fråga \(min(current.answered + 1, max(current.visible, 1))) av \(current.visible)").font(.caption)
                }
                if let item = current.nextItem {
                    Section(item.section ?? "") {
                        Text(item.text).font(.title3)
                        if let help = item.help { Text(help).font(.footnote) }
                        if !item.choices.isEmpty {
                            ForEach(item.choices, id: \.id) { c in Button(c.text) { answer(item.id, .choice(id: c.id)) } }
                            Button("Vet inte") { answer(item.id, .unknown) }
                        } else if item.answerType.contains("number") {
                            TextField("Antal", text: $number).keyboardType(.decimalPad)
                            Button("OK") {
                                if let v = Double(number.replacingOccurrences(of: ",", with: ".")) { answer(item.id, .number(value: v)); number = "" }
                            }
                        } else {
                            Button("Ja") { answer(item.id, .yes) }
                            Button("Nej") { answer(item.id, .no) }
                            Button("Vet inte") { answer(item.id, .unknown) }
                        }
                    }
                } else {
                    Section("Avsluta") {
                        TextField("Professionell bedömning: nivå (valfritt)", text: $overrideLevel)
                        TextField("Skäl", text: $reason)
                        TextField("Anteckning (stannar krypterad på enheten)", text: $note)
                        Button("Visa resultat") { complete() }
                    }
                }
                if current.canGoBack { Button("Tillbaka") { step { try $0.back(sessionId: current.sessionId) } } }
            }
        }
        .navigationTitle(current.title)
    }

    private func step(_ f: (FyrCore) throws -> ScreeningView) {
        do { current = try f(model.core); error = nil } catch { self.error = errorText(error) }
    }
    private func answer(_ item: String, _ a: Answer) {
        step { try $0.answer(sessionId: current.sessionId, itemId: item, answer: a) }
    }
    private func complete() {
        let ov = overrideLevel.isEmpty ? nil : LevelOverride(level: overrideLevel, reason: reason)
        do {
            outcome = try model.core.completeScreening(sessionId: current.sessionId, levelOverride: ov, note: note.isEmpty ? nil : note)
            error = nil
        } catch { self.error = errorText(error) }
    }
}

// MARK: Status

struct StatusView: View {
    @EnvironmentObject var model: AppModel
    @State private var status: Status?
    @State private var outbox: [OutboxEntry] = []
    @State private var error: String?
    @State private var syncing = false

    var body: some View {
        List {
            if let error { Text(error).foregroundColor(.red) }
            if let s = status {
                Section {
                    Text("Katalogversion \(s.contentVersion)" + (s.contentAgeDays.map { ", \($0) dagar gammal" } ?? ""))
                    if let w = s.staleWarning { Text(w).foregroundColor(.orange) }
                    Text("Senaste synk: \(s.lastSync ?? "aldrig")" + (s.lastResult.map { " (\($0))" } ?? ""))
                    if let n = s.nextAttempt { Text("Nästa försök: \(n)").foregroundColor(.orange) }
                    Text("Utkorg: \(s.outboxSize)" + (s.quarantined > 0 ? " (\(s.quarantined) avvisade)" : ""))
                }
            }
            Section {
                Button(syncing ? "Synkar…" : "Synka nu") {
                    syncing = true
                    Task {
                        _ = await SyncCoordinator.shared.syncNow()?.value
                        syncing = false
                        reload()
                    }
                }.disabled(syncing)
            }
            Section("Utkorg") {
                ForEach(outbox, id: \.id) { e in
                    VStack(alignment: .leading) {
                        Text(e.kind + (e.quarantined ? " ⚠ \(e.reason ?? "")" : "")).font(.caption)
                        Text(e.payloadJson).font(.caption2).textSelection(.enabled)
                    }
                }
            }
        }
        .navigationTitle("Status")
        .refreshable { reload() }
        .task { reload() }
    }

    private func reload() {
        do {
            status = try model.core.status()
            outbox = try model.core.outbox()
            error = nil
        } catch { self.error = errorText(error) }
    }
}

// MARK: Settings

struct SettingsView: View {
    @EnvironmentObject var model: AppModel
    @State private var settings: FyrKit.Settings?
    @State private var municipalities: [Municipality] = []
    @State private var message: String?
    private let kinds = vocabulary().agencyKinds

    var body: some View {
        Form {
            if var s = settings {
                Picker("Språk", selection: Binding(get: { s.lang }, set: { s.lang = $0; settings = s })) {
                    Text("Svenska").tag("sv"); Text("English").tag("en")
                }
                Picker("Hemkommun", selection: Binding(get: { s.homeMunicipality ?? "" }, set: { s.homeMunicipality = $0.isEmpty ? nil : $0; settings = s })) {
                    Text("–").tag("")
                    ForEach(municipalities, id: \.code) { Text($0.name).tag($0.code) }
                }
                Picker("Verksamhet", selection: Binding(get: { s.agencyKind ?? "" }, set: { s.agencyKind = $0.isEmpty ? nil : $0; settings = s })) {
                    Text("–").tag("")
                    ForEach(kinds, id: \.id) { Text($0.sv).tag($0.id) }
                }
                Stepper("Spara avslutade bedömningar \(s.retentionDays) dagar",
                        value: Binding(get: { Int(s.retentionDays) }, set: { s.retentionDays = UInt32(max(1, $0)); settings = s }), in: 1...365)
                Button("Spara") {
                    do { try model.core.setSettings(settings: s); message = "✓" } catch { message = errorText(error) }
                }
            }
            if let message { Text(message) }
        }
        .navigationTitle("Inställningar")
        .task {
            do {
                settings = try model.core.settings()
                municipalities = try model.core.municipalities()
            } catch { message = errorText(error) }
        }
    }
}
