/// Why a GGUF file could not be read: one line naming the file and what was wrong where.
public struct GGUFError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "GGUF file \(path): \(reason)" }
}
