/// An open-addressing hash table from byte strings to short lists of `UInt32`, with keys and
/// values stored in two flat arenas: no allocation per entry, no `Array<UInt8>` hashing, and no
/// reference counting or exclusivity checks in hot loops (all state sits behind one pointer).
/// Used for the merged-piece cache of byte-level BPE and for token lookup by bytes.
///
/// - Complexity: expected O(key length) per lookup or insert (linear probing, load ≤ 1/2).
final class ByteSliceTable {
    struct Slot {
        var hash: UInt64 = 0  // 0 = empty
        var keyStart: UInt32 = 0
        var keyLength: UInt32 = 0
        var valueStart: UInt32 = 0
        var valueCount: UInt32 = 0
    }

    struct Storage {
        var slots: UnsafeMutablePointer<Slot>
        var mask: Int
        var keys: UnsafeMutablePointer<UInt8>
        var keyCount = 0
        var keyCapacity: Int
        var values: UnsafeMutablePointer<UInt32>
        var valueCount = 0
        var valueCapacity: Int
        var count = 0
    }

    private let s: UnsafeMutablePointer<Storage>

    init(minimumCapacity: Int = 1024) {
        var cap = 16
        while cap < minimumCapacity * 2 { cap <<= 1 }
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: cap)
        slots.initialize(repeating: Slot(), count: cap)
        let keyCapacity = max(64, minimumCapacity * 8), valueCapacity = max(16, minimumCapacity * 2)
        s = .allocate(capacity: 1)
        s.initialize(to: Storage(slots: slots, mask: cap - 1, keys: .allocate(capacity: keyCapacity), keyCapacity: keyCapacity,
                                 values: .allocate(capacity: valueCapacity), valueCapacity: valueCapacity))
    }

    deinit {
        s.pointee.slots.deallocate()
        s.pointee.keys.deallocate()
        s.pointee.values.deallocate()
        s.deallocate()
    }

    /// Number of keys.
    var count: Int { s.pointee.count }

    /// The stored values, flat; `find` gives ranges into it.
    var values: UnsafePointer<UInt32> { UnsafePointer(s.pointee.values) }

    /// Removes everything, keeping the capacity.
    func removeAll() {
        s.pointee.slots.update(repeating: Slot(), count: s.pointee.mask + 1)
        s.pointee.keyCount = 0
        s.pointee.valueCount = 0
        s.pointee.count = 0
    }

    /// A 64-bit hash of `length` bytes at `p` (multiply-xorshift over 8-byte words); never 0.
    @inline(__always)
    static func hash(_ p: UnsafeRawPointer, _ length: Int) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = UInt64(truncatingIfNeeded: length) &* k
        var i = 0
        while i + 8 <= length {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            h ^= h >> 32
            i += 8
        }
        if i < length {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < length {
                tail |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* k
            h ^= h >> 29
        }
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 30
        return h | 1
    }

    /// The values stored for the key, as (start, count) into `values`, or nil.
    @inline(__always)
    func find(_ p: UnsafeRawPointer, _ length: Int, hash h: UInt64) -> (start: Int, count: Int)? {
        let slots = s.pointee.slots, mask = s.pointee.mask, keys = s.pointee.keys
        var i = Int(truncatingIfNeeded: h >> 7) & mask
        while true {
            let slot = slots[i]
            if slot.hash == 0 { return nil }
            if slot.hash == h && Int(slot.keyLength) == length && memcmpEqual(keys + Int(slot.keyStart), p, length) {
                return (Int(slot.valueStart), Int(slot.valueCount))
            }
            i = (i + 1) & mask
        }
    }

    /// The single value of a key (for tables of one value per key), or nil.
    @inline(__always)
    func value(_ p: UnsafeRawPointer, _ length: Int) -> UInt32? {
        guard let (start, _) = find(p, length, hash: Self.hash(p, length)) else { return nil }
        return s.pointee.values[start]
    }

    /// Inserts a key that is not present.
    func insert(_ p: UnsafeRawPointer, _ length: Int, hash h: UInt64, values newValues: UnsafeBufferPointer<UInt32>) {
        if (s.pointee.count + 1) * 2 > s.pointee.mask + 1 { grow() }
        reserve(keys: length, values: newValues.count)
        let keyStart = s.pointee.keyCount, valueStart = s.pointee.valueCount
        UnsafeMutableRawPointer(s.pointee.keys + keyStart).copyMemory(from: p, byteCount: length)
        for (k, v) in newValues.enumerated() { s.pointee.values[valueStart + k] = v }
        s.pointee.keyCount += length
        s.pointee.valueCount += newValues.count
        let slots = s.pointee.slots, mask = s.pointee.mask
        var i = Int(truncatingIfNeeded: h >> 7) & mask
        while slots[i].hash != 0 { i = (i + 1) & mask }
        slots[i] = Slot(hash: h, keyStart: UInt32(keyStart), keyLength: UInt32(length),
                        valueStart: UInt32(valueStart), valueCount: UInt32(newValues.count))
        s.pointee.count += 1
    }

    /// Inserts one value under a key unless the key is present.
    func insertIfAbsent(_ p: UnsafeRawPointer, _ length: Int, value: UInt32) {
        let h = Self.hash(p, length)
        guard find(p, length, hash: h) == nil else { return }
        var v = value
        withUnsafePointer(to: &v) { insert(p, length, hash: h, values: UnsafeBufferPointer(start: $0, count: 1)) }
    }

    private func reserve(keys: Int, values: Int) {
        if s.pointee.keyCount + keys > s.pointee.keyCapacity {
            let cap = max(s.pointee.keyCapacity * 2, s.pointee.keyCount + keys)
            let new = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
            new.update(from: s.pointee.keys, count: s.pointee.keyCount)
            s.pointee.keys.deallocate()
            s.pointee.keys = new
            s.pointee.keyCapacity = cap
        }
        if s.pointee.valueCount + values > s.pointee.valueCapacity {
            let cap = max(s.pointee.valueCapacity * 2, s.pointee.valueCount + values)
            let new = UnsafeMutablePointer<UInt32>.allocate(capacity: cap)
            new.update(from: s.pointee.values, count: s.pointee.valueCount)
            s.pointee.values.deallocate()
            s.pointee.values = new
            s.pointee.valueCapacity = cap
        }
    }

    private func grow() {
        let old = s.pointee.slots, oldCap = s.pointee.mask + 1
        let cap = oldCap * 2
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: cap)
        slots.initialize(repeating: Slot(), count: cap)
        let mask = cap - 1
        for k in 0..<oldCap where old[k].hash != 0 {
            var i = Int(truncatingIfNeeded: old[k].hash >> 7) & mask
            while slots[i].hash != 0 { i = (i + 1) & mask }
            slots[i] = old[k]
        }
        old.deallocate()
        s.pointee.slots = slots
        s.pointee.mask = mask
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if UnsafeRawPointer(a).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a[i] != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}

/// An open-addressing map from a pair of token ids to the merge that joins them, packed as
/// `rank << 32 | mergedID` so that comparing packed values compares ranks.
struct PairRankTable {
    static let absent: UInt64 = .max
    private var keys: [UInt64]
    private var packed: [UInt64]
    private let mask: Int
    private let shift: UInt64
    private(set) var count = 0

    init(capacity: Int) {
        var cap = 16
        var bits: UInt64 = 4
        while cap < capacity * 2 { cap <<= 1; bits += 1 }
        keys = [UInt64](repeating: .max, count: cap)
        packed = [UInt64](repeating: .max, count: cap)
        mask = cap - 1
        shift = 64 - bits
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// Adds a merge; keeps the lower rank if the pair is already present.
    mutating func insert(left: UInt32, right: UInt32, rank: UInt32, merged: UInt32) {
        let key = UInt64(left) << 32 | UInt64(right)
        let value = UInt64(rank) << 32 | UInt64(merged)
        var i = slot(key)
        while keys[i] != .max {
            if keys[i] == key {
                if value < packed[i] { packed[i] = value }
                return
            }
            i = (i + 1) & mask
        }
        keys[i] = key
        packed[i] = value
        count += 1
    }

    /// Calls `body` with a lookup function valid inside it (no per-lookup array checks).
    @inline(__always)
    func withLookup<R>(_ body: (Lookup) throws -> R) rethrows -> R {
        try keys.withUnsafeBufferPointer { k in
            try packed.withUnsafeBufferPointer { v in
                try body(Lookup(keys: k.baseAddress!, packed: v.baseAddress!, mask: mask, shift: shift))
            }
        }
    }

    struct Lookup {
        let keys: UnsafePointer<UInt64>
        let packed: UnsafePointer<UInt64>
        let mask: Int
        let shift: UInt64

        /// `rank << 32 | merged`, or `absent`.
        @inline(__always)
        func callAsFunction(_ left: UInt32, _ right: UInt32) -> UInt64 {
            let key = UInt64(left) << 32 | UInt64(right)
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while true {
                let k = keys[i]
                if k == key { return packed[i] }
                if k == .max { return PairRankTable.absent }
                i = (i + 1) & mask
            }
        }
    }
}
