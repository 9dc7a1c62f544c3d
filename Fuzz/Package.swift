// swift-tools-version:6.2
import PackageDescription

// libFuzzer targets for the agent's parsers: `scripts/fuzz` builds them with libFuzzer's coverage
// and AddressSanitizer and runs them (docs/fuzzing.md). A package of its own, so the root
// package's `swift build` and `swift test` never build it.
//
// Each target is one `LLVMFuzzerTestOneInput` (libFuzzer supplies `main`, hence
// `-parse-as-library`) reaching the agent's internal types with `@testable import`: debug builds
// compile the root package's modules with testing enabled. Only `WSHealthAgent` is a product of
// the root package; the modules it depends on (WSHealthWebSocket, WSHealthConfig,
// WSHealthAlerting) are built with it and imported through it.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
    .unsafeFlags(["-parse-as-library"]),
]

let targets = ["FuzzFrameReader", "FuzzJSONValidator", "FuzzConfig", "FuzzHTTPRequest", "FuzzOutboxLoad"]

let package = Package(
    name: "WSHealthFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "wshealth", path: "..")
    ],
    targets: targets.map { name in
        .executableTarget(
            name: name,
            dependencies: [.product(name: "WSHealthAgent", package: "wshealth")],
            swiftSettings: settings
        )
    }
)
