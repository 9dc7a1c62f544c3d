// swift-tools-version:6.1
import PackageDescription

// The agent's micro-benchmarks (package-benchmark): `swift package benchmark` in this folder.
// A package of its own, so the root package's `swift build` and `swift test` never build it.
let package = Package(
    name: "WSHealthBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "wshealth", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "WSHealthBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "WSConnectionStateMachine", package: "wshealth"),
                .product(name: "WSHealthAgent", package: "wshealth"),
            ],
            path: "Benchmarks/WSHealthBenchmarks",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])],
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ]
)
