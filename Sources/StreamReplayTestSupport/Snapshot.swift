import Foundation

/// Golden files: `Tests/<Target>/Snapshots/<name>`. A missing or different snapshot is a failure;
/// `RECORD_SNAPSHOTS=1` writes the new text (and still fails, so recording is never a pass).
package enum Snapshot {
    /// Compares `text` with the snapshot `name` next to `testFile`.
    ///
    /// - Returns: `nil` when they are equal, else a message saying what differs (or what was recorded).
    package static func mismatch(_ text: String, named name: String, testFile: String) -> String? {
        let directory = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let file = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: file)
            return "recorded snapshot \(file.path); run again without RECORD_SNAPSHOTS"
        }
        guard let data = try? Data(contentsOf: file) else {
            return "no snapshot at \(file.path); record it with RECORD_SNAPSHOTS=1"
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard expected != text else { return nil }
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let want = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
            let got = index < actualLines.count ? String(actualLines[index]) : "<end>"
            if want != got {
                return "snapshot \(name) differs at line \(index + 1):\n  expected: \(want)\n  actual:   \(got)"
            }
        }
        return "snapshot \(name) differs"
    }
}
