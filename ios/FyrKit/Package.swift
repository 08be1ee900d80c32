// swift-tools-version:5.9
// Fyr for Swift. Two libraries:
//
// - FyrShell: the UI-free parts of the iOS app (core holder with open and
//   reopen, the screening key's policy, sync single flight and scheduling)
//   behind protocols for the Keychain, background tasks and the network
//   monitor. Foundation only, so `swift test` runs its XCTest tests on Linux
//   and macOS without the native library (see ../README.md).
// - FyrKit: the Rust core: the XCFramework built by ../build-xcframework.sh
//   (static libfyr_ffi for device and simulator, with the C header and module
//   map of `fyr_ffiFFI`) and the uniffi-generated Swift bindings. Both are
//   generated, never committed, so this target is declared only when the
//   XCFramework is there (module FyrKit: not "FyrCore", the main class's name).
import Foundation
import PackageDescription

let xcframework = Context.packageDirectory + "/FyrFFI.xcframework"
let hasCore = FileManager.default.fileExists(atPath: xcframework)

var products: [Product] = [.library(name: "FyrShell", targets: ["FyrShell"])]
var targets: [Target] = [
    .target(name: "FyrShell", path: "Sources/FyrShell"),
    .testTarget(name: "FyrShellTests", dependencies: ["FyrShell"], path: "Tests/FyrShellTests"),
]
if hasCore {
    products.append(.library(name: "FyrKit", targets: ["FyrKit"]))
    targets += [
        .binaryTarget(name: "FyrFFI", path: "FyrFFI.xcframework"),
        .target(
            name: "FyrKit",
            dependencies: ["FyrFFI"],
            path: "Sources/FyrKit",
            linkerSettings: [.linkedFramework("SystemConfiguration"), .linkedFramework("Security")]
        ),
    ]
}

let package = Package(
    name: "FyrKit",
    // iOS 17 (the app; Xcode 16 builds it); macOS 13 so `swift test` runs FyrShell's tests on a Mac.
    platforms: [.iOS(.v17), .macOS(.v13)],
    products: products,
    targets: targets
)
