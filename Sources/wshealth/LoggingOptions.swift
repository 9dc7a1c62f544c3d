import ArgumentParser
import Logging

/// `--log.level` and `--log.format`, as Prometheus exporters spell them.
struct LoggingOptions: ParsableArguments {
    enum Level: String, ExpressibleByArgument, CaseIterable {
        case debug, info, warn, error

        var logLevel: Logger.Level {
            switch self {
            case .debug: .debug
            case .info: .info
            case .warn: .warning
            case .error: .error
            }
        }
    }

    @Option(
        name: .customLong("log.level"),
        help: "Only log messages with this severity or above: debug, info, warn, error."
    )
    var level: Level = .info

    @Option(name: .customLong("log.format"), help: "Output format of log messages: logfmt or json.")
    var format: StructuredLogHandler.Format = .logfmt

    /// Sets up swift-log for the process and returns the root logger.
    func bootstrap(label: String = "wshealth") -> Logger {
        let level = self.level.logLevel
        let format = self.format
        LoggingSystem.bootstrap { label in
            var handler = StructuredLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

extension StructuredLogHandler.Format: ExpressibleByArgument {}
