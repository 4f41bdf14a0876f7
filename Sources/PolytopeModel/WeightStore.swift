import Foundation

/// A parameter tensor, widened to float32, row-major.
public final class Weight: @unchecked Sendable {
    public let name: String
    public let shape: [Int]
    public let values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// The tensors of a model: sizes checked against the bytes present when opened, converted to
/// float32 on first use (and cached). External tensors live in memory-mapped safetensors files.
public final class WeightStore: @unchecked Sendable {
    private let specs: [String: TensorSpec]
    private let baseDirectory: String
    private var externals: [String: SafetensorsFile] = [:]
    private var cache: [String: Weight] = [:]
    private let lock = NSLock()

    /// Checks every tensor: known dtype, valid shape, and exactly the bytes the shape needs
    /// (inline), or a matching entry in its safetensors file (external).
    public init(tensors: [TensorSpec], baseDirectory: String) throws {
        var specs: [String: TensorSpec] = [:]
        for t in tensors {
            guard specs[t.name] == nil else { throw ModelError.duplicateTensor(t.name) }
            specs[t.name] = t
        }
        self.specs = specs
        self.baseDirectory = baseDirectory
        for t in tensors { try check(t) }
    }

    public func shape(of name: String) -> [Int]? { specs[name]?.shape }
    public var names: [String] { Array(specs.keys) }

    /// Total element count over all tensors.
    public var parameterCount: Int { specs.values.reduce(0) { $0 + ($1.elementCount ?? 0) } }

    /// The tensor as float32; NaN or infinite values are refused with the element's index.
    public func weight(_ name: String) throws -> Weight {
        lock.lock()
        defer { lock.unlock() }
        if let w = cache[name] { return w }
        guard let t = specs[name] else { throw ModelError.badInput("no tensor named '\(name)'") }
        let count = t.elementCount!
        let values: [Float]
        switch t.storage {
        case .inline(let d):
            values = d.withUnsafeBytes { DTypeConversion.floats($0, dtype: t.dtype, count: count) }
        case .external(let path, let key):
            let file = try external(path, tensor: t.name)
            values = DTypeConversion.floats(file.bytes(file.entries[key]!), dtype: t.dtype, count: count)
        }
        if let bad = DTypeConversion.firstNonFinite(values) { throw ModelError.nonFiniteWeights(tensor: name, index: bad) }
        let w = Weight(name: name, shape: t.shape, values: values)
        cache[name] = w
        return w
    }

    private func check(_ t: TensorSpec) throws {
        guard let count = t.elementCount else { throw ModelError.shapeOverflow(tensor: t.name, shape: t.shape) }
        let (need, overflow) = count.multipliedReportingOverflow(by: t.dtype.byteWidth)
        guard !overflow else { throw ModelError.shapeOverflow(tensor: t.name, shape: t.shape) }
        switch t.storage {
        case .inline(let d):
            guard d.count == need else { throw ModelError.tensorSizeMismatch(tensor: t.name, expectedBytes: need, foundBytes: d.count) }
        case .external(let path, let key):
            let file = try external(path, tensor: t.name)
            guard let e = file.entries[key] else {
                throw ModelError.externalFile(tensor: t.name, path: path, reason: "has no tensor '\(key)'")
            }
            guard DTypeConversion.dtype(safetensors: e.dtype) == t.dtype else {
                throw ModelError.externalFile(tensor: t.name, path: path, reason: "'\(key)' is \(e.dtype), the model file says \(t.dtype.rawValue)")
            }
            guard e.shape == t.shape else {
                throw ModelError.externalFile(tensor: t.name, path: path, reason: "'\(key)' has shape \(e.shape), the model file says \(t.shape)")
            }
            guard e.end - e.begin == need else {
                throw ModelError.tensorSizeMismatch(tensor: t.name, expectedBytes: need, foundBytes: e.end - e.begin)
            }
        }
    }

    private func external(_ path: String, tensor: String) throws -> SafetensorsFile {
        let full = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
        if let f = externals[full] { return f }
        do {
            let f = try SafetensorsFile(path: full)
            externals[full] = f
            return f
        } catch let e as SafetensorsError {
            throw ModelError.externalFile(tensor: tensor, path: full, reason: e.reason)
        }
    }
}
