import Foundation
import Testing

extension ExternalProcesses {
    /// The README's table of commands is the command line's contract: every flag a command's
    /// `--help` lists is documented in its row, and every flag of a row exists.
    @Suite(.timeLimit(.minutes(1)))
    struct ReadmeCommandsTests {
        static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")

        /// Flags every command has, documented once below the table.
        static let everywhere: Set = ["--help", "--version", "--log.level", "--log.format"]

        static func flags(in text: String) -> Set<String> {
            Set(text.matches(of: /--[a-z][a-z0-9.-]*[a-z0-9]/).map { String($0.output) })
        }

        @Test(arguments: ["run", "check-config", "backend", "demo", "state-machine", "probe", "slo-rules"])
        func rowMatchesHelp(command: String) async throws {
            let text = try String(contentsOf: Self.readme, encoding: .utf8)
            let section = try #require(text.components(separatedBy: "\n## Commands\n").dropFirst().first)
                .components(separatedBy: "\n## ")[0]
            let rows = section.split(separator: "\n").filter {
                $0.hasPrefix("| `wshealth \(command) ") || $0.hasPrefix("| `wshealth \(command)`")
            }
            try #require(!rows.isEmpty, "no row for \(command)")
            // The flags of the usage only, not those the description mentions.
            let documented = rows.map { Self.flags(in: String($0).components(separatedBy: "` | ")[0]) }
                .reduce(Set()) { $0.union($1) }
            let (status, help) = try await runWSHealth([command, "--help"])
            #expect(status == 0)
            let existing = Self.flags(in: help)
            #expect(
                documented.subtracting(existing).isEmpty,
                "documented, not in --help: \(documented.subtracting(existing))"
            )
            let undocumented = existing.subtracting(documented).subtracting(Self.everywhere)
            #expect(undocumented.isEmpty, "in --help, not in the README: \(undocumented)")
        }
    }
}
