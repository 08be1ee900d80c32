// swift-tools-version:5.9
// The Fyr core for Swift: the XCFramework built by ../build-xcframework.sh
// (static libfyr_ffi for device and simulator, with the C header and module
// map of `fyr_ffiFFI`) and the uniffi-generated Swift bindings (target
// FyrCore). Both are generated, never committed.
import PackageDescription

let package = Package(
    name: "FyrCore",
    platforms: [.iOS(.v17), .macOS(.v13)],
    products: [
        .library(name: "FyrCore", targets: ["FyrCore"]),
    ],
    targets: [
        .binaryTarget(name: "FyrFFI", path: "FyrFFI.xcframework"),
        .target(
            name: "FyrCore",
            dependencies: ["FyrFFI"],
            path: "Sources/FyrCore",
            linkerSettings: [.linkedFramework("SystemConfiguration"), .linkedFramework("Security")]
        ),
    ]
)
