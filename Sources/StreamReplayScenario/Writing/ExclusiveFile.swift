import Foundation

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Files written only where nothing is: what a user recorded or imported is never overwritten
/// without being asked.
package enum ExclusiveFile {
    /// Creates `path` with `contents`, unless a file (or anything else) is already there.
    ///
    /// The check and the creation are one step (`open` with `O_CREAT | O_EXCL`), so two writers
    /// racing for one name cannot both win.
    ///
    /// - Returns: `true` when the file was created, `false` when `path` already exists.
    /// - Throws: `CocoaError` or a POSIX error when the file cannot be created or written.
    package static func create(_ path: String, contents: [UInt8]) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: contents)
            try handle.close()
        } catch {
            try? handle.close()
            unlink(path)
            throw error
        }
        return true
    }
}
