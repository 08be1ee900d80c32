import XCTest
@testable import FyrShell

/// A stand-in core: remembers how it was opened.
final class FakeCore {
    let key: String?
    let lang: String
    init(key: String?, lang: String) { self.key = key; self.lang = lang }
}

final class Counter { var value = 0 }

final class CoreHolderTests: XCTestCase {
    private func holder(store: FlakyKeyStore, chosen: String?, opens: Counter) -> CoreHolder<FakeCore> {
        let opener = CoreOpener<FakeCore>(
            open: { key, lang in opens.value += 1; return FakeCore(key: key, lang: lang) },
            chosenLang: { _ in chosen },
            systemLang: { "sv" })
        return CoreHolder(opener: opener, vault: KeyVault(store: store, random: { Data(repeating: 7, count: $0) }))
    }

    func testOpensOnceInTheLanguageChosenInSettings() throws {
        let opens = Counter()
        let h = holder(store: FlakyKeyStore(), chosen: "en", opens: opens)
        let core = try h.core()
        XCTAssertEqual(core.lang, "en")
        XCTAssertEqual(h.lang, "en")
        let again = try h.core()
        XCTAssertTrue(again === core, "the same core for every caller")
        XCTAssertEqual(opens.value, 2, "opened in the phone's language, then once in the chosen one")
    }

    func testAKeyThatCannotBeReadOpensTheDirectoryWithoutItAndReopenReadsAgain() throws {
        let store = FlakyKeyStore()
        store.current = Data(repeating: 1, count: 32)
        store.failReads = 1
        let h = holder(store: store, chosen: nil, opens: Counter())

        let locked = try h.core()
        XCTAssertNil(locked.key, "search works without the key")
        guard case .readFailed? = h.keyState else { return XCTFail("the failure is kept to show: \(String(describing: h.keyState))") }

        let again = try h.reopen()
        XCTAssertEqual(again.key, KeyVault.hex(Data(repeating: 1, count: 32)))
        XCTAssertEqual(h.keyState, .ready(hex: again.key!))
        XCTAssertEqual(store.writes, 0, "the saved key was never replaced")
    }
}
