// swift-tools-version:5.9
// The Fyr core for Swift (module FyrKit: not "FyrCore", which is the name of
// the main class and would shadow the module): the XCFramework built by ../build-xcframework.sh
// (static libfyr_ffi for device and simulator, with the C header and module
// map of `fyr_ffiFFI`) and the uniffi-generated Swift bindings (target
// FyrKit). Both are generated, never committed.
import PackageDescription

let package = Package(
    name: "FyrKit",
    platforms: [.iOS(.v17)], // the XCFramework has iOS device and simulator slices only
    products: [
        .library(name: "FyrKit", targets: ["FyrKit"]),
    ],
    targets: [
        .binaryTarget(name: "FyrFFI", path: "FyrFFI.xcframework"),
        .target(
            name: "FyrKit",
            dependencies: ["FyrFFI"],
            path: "Sources/FyrKit",
            linkerSettings: [.linkedFramework("SystemConfiguration"), .linkedFramework("Security")]
        ),
    ]
)
