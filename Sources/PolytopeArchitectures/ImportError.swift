/// Why a checkpoint directory could not be imported, naming the file, key or setting.
public enum ImportError: Error, CustomStringConvertible, Equatable {
    case missingFile(String)
    case badConfig(path: String, reason: String)
    case unsupported(String)
    case missingWeight(key: String, file: String)
    case badWeight(key: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let p): return "import: \(p) is missing"
        case .badConfig(let p, let r): return "import: \(p): \(r)"
        case .unsupported(let r): return "import: \(r)"
        case .missingWeight(let k, let f): return "import: tensor '\(k)' is not in \(f)"
        case .badWeight(let k, let r): return "import: tensor '\(k)': \(r)"
        }
    }
}
