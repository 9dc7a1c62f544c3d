import Foundation
import Testing
import WSConnectionStateMachine

/// docs/state-machine.md shows the diagram and the table the code generates, as they are now.
@Test func documentShowsTheGeneratedMachine() throws {
    let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/state-machine.md")
    let text = try String(contentsOf: document, encoding: .utf8)
    let diagram = StateDiagram()
    #expect(text.contains("```mermaid\n" + diagram.mermaid() + "```"), "run wshealth state-machine and paste it")
    #expect(text.contains(diagram.table()), "run wshealth state-machine --format table and paste it")
}
