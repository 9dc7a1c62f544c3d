// swift-tools-version:6.2
import PackageDescription

/// Settings every target of ours shares: Hummingbird 2's upcoming-feature set, and warnings
/// treated as errors (dependencies keep their own settings).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "wshealth",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "WSConnectionStateMachine", targets: ["WSConnectionStateMachine"]),
        // The agent, to embed; `Benchmarks/` reaches its hot paths through `@_spi(Benchmarks)`.
        .library(name: "WSHealthAgent", targets: ["WSHealthAgent"]),
        .executable(name: "wshealth", targets: ["wshealth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // The spec's connection state machine: pure, no dependencies, usable by any Swift client.
        .target(
            name: "WSConnectionStateMachine",
            swiftSettings: swiftSettings
        ),
        // zlib, for permessage-deflate: Debian's zlib1g-dev. A system library rather than a
        // Swift wrapper package: inflation must stop at the message limit exactly, and its
        // window is allocated only when a server compresses (see the README's design notes).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The WebSocket protocol as the agent's client speaks it, without I/O: frames read and
        // checked (RFC 6455), UTF-8, close codes, permessage-deflate (RFC 7692). Shared by the
        // agent's sessions, the reference backend's compression and the Autobahn client.
        .target(
            name: "WSHealthWebSocket",
            dependencies: [
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent's configuration: model, YAML decoding and validation.
        .target(
            name: "WSHealthConfig",
            dependencies: [
                .product(name: "Yams", package: "Yams")
            ],
            swiftSettings: swiftSettings
        ),
        // The reference backend: the spec's FastAPI handler on swift-nio, with fault switches.
        .target(
            name: "WSHealthBackend",
            dependencies: [
                "WSHealthConfig",
                "WSHealthWebSocket",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The agent: live sessions, metrics, the web endpoints.
        .target(
            name: "WSHealthAgent",
            dependencies: [
                "WSConnectionStateMachine",
                "WSHealthAlerting",
                "WSHealthConfig",
                "WSHealthWebSocket",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcurl, for alert delivery, opened with dlopen when the first receiver is set up (an
        // agent without receivers never loads it): non-variadic wrappers Swift can call, through
        // a table of libcurl's functions. Builds with libcurl's headers (libcurl4-openssl-dev).
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        // Alerting: the built-in rules, receiver payloads, the durable outbox and delivery
        // through libcurl. No dependency on the agent's sessions: it is fed observations.
        .target(
            name: "WSHealthAlerting",
            dependencies: [
                "CCurl",
                "WSConnectionStateMachine",
                "WSHealthConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wshealth",
            dependencies: [
                "WSConnectionStateMachine",
                "WSHealthAgent",
                "WSHealthBackend",
                "WSHealthConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support: a throwaway CA and server certificate made in-process, for the TLS tests
        // of the agent and the backend. Only test targets depend on it.
        .target(
            name: "WSHealthTestCertificates",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Tests/WSHealthTestCertificates",
            swiftSettings: swiftSettings
        ),
        // Test support: raw bytes to a loopback server and everything it answers until it closes,
        // for the backend's protocol faults and the agent's pipelined HTTP requests.
        .target(
            name: "WSHealthTestRawExchange",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/WSHealthTestRawExchange",
            swiftSettings: swiftSettings
        ),
        // Test support: an HTTP receiver on 127.0.0.1 that records requests and answers from a
        // script (500s, 429 with Retry-After, silence, down and up again), for alert delivery;
        // and loopback ports that refuse connections for a whole test run.
        .target(
            name: "WSHealthTestReceiver",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/WSHealthTestReceiver",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // The libcurl leak check (scripts/check-curl-leaks.sh runs it under valgrind): many
        // requests of every outcome through CurlHTTPClient against the test receiver.
        .executableTarget(
            name: "curl-leak-check",
            dependencies: [
                "WSHealthAlerting",
                "WSHealthTestReceiver",
            ],
            path: "Tests/CurlLeakCheck",
            swiftSettings: swiftSettings
        ),
        // The Autobahn|Testsuite's client under test (scripts/autobahn runs it against the
        // suite's fuzzing server): the agent's WebSocket protocol layer echoing every message.
        .executableTarget(
            name: "autobahn-client",
            dependencies: [
                "WSHealthWebSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/AutobahnClient",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WSConnectionStateMachineTests",
            dependencies: ["WSConnectionStateMachine"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WSHealthAlertingTests",
            dependencies: [
                "WSHealthAlerting",
                "WSHealthConfig",
                "WSHealthTestReceiver",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WSHealthConfigTests",
            dependencies: [
                "WSHealthConfig",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WSHealthBackendTests",
            dependencies: [
                "WSHealthBackend",
                "WSHealthTestCertificates",
                "WSHealthTestRawExchange",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WSHealthWebSocketTests",
            dependencies: [
                "WSHealthWebSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WSHealthAgentTests",
            dependencies: [
                "WSHealthAgent",
                "WSHealthWebSocket",
                "WSHealthAlerting",
                "WSHealthBackend",
                "WSHealthConfig",
                "WSHealthTestCertificates",
                "WSHealthTestRawExchange",
                "WSHealthTestReceiver",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The scrape of a fixed scenario, which ScrapeEquivalenceTests compares byte for byte.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
