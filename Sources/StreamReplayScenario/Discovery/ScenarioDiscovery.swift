import Foundation

/// Finds scenario files: the `.yaml` and `.yml` files named, or found under the folders named,
/// sorted by path so that every report lists them in the same order.
package enum ScenarioDiscovery {
    /// The scenario files of `paths` (files or folders), sorted by path, without duplicates.
    ///
    /// - Throws: ``ScenarioError`` with code `unreadable_file` when a path does not exist.
    package static func files(in paths: [String]) throws(ScenarioError) -> [String] {
        var found: Set<String> = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ScenarioError(code: .unreadableFile, message: "\(path): error: no such file or folder")
            }
            guard isDirectory.boolValue else {
                found.insert(path)
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            guard let enumerator = manager.enumerator(atPath: path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                found.insert(base + "/" + relative)
            }
        }
        return found.sorted()
    }
}
