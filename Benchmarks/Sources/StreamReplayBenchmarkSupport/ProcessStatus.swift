import Foundation

/// Fields of a Linux `/proc/<pid>/status` file.
public enum ProcessStatus {
    /// A field of a status file (this process's by default) in bytes (`VmHWM`, `VmRSS`); 0 when
    /// unreadable.
    public static func bytes(_ field: String, of path: String = "/proc/self/status") -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
            return (Int(digits) ?? 0) * 1024
        }
        return 0
    }

    /// Resets `VmHWM` to the current RSS (Linux ≥ 4.0). Returns whether it worked.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// The first three fields of /proc/loadavg.
    public static var loadAverage: String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
