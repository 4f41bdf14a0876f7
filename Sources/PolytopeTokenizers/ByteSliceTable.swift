/// An open-addressing hash table from byte strings to short lists of `UInt32`, with keys and
/// values stored in two flat arenas: no allocation per entry, no `Array<UInt8>` hashing in hot
/// loops. Used for the merged-word cache of byte-level BPE and for token lookup by bytes.
///
/// - Complexity: expected O(key length) per lookup or insert (linear probing, load ≤ 1/2).
struct ByteSliceTable {
    struct Slot {
        var hash: UInt64 = 0  // 0 = empty
        var keyStart: UInt32 = 0
        var keyLength: UInt32 = 0
        var valueStart: UInt32 = 0
        var valueCount: UInt32 = 0
    }

    private(set) var slots: [Slot]
    private(set) var keyBytes: [UInt8] = []
    private(set) var values: [UInt32] = []
    private(set) var count = 0
    private var mask: Int

    init(minimumCapacity: Int = 1024) {
        var cap = 16
        while cap < minimumCapacity * 2 { cap <<= 1 }
        slots = [Slot](repeating: Slot(), count: cap)
        mask = cap - 1
    }

    /// Removes everything, keeping the capacity.
    mutating func removeAll() {
        for i in slots.indices { slots[i].hash = 0 }
        keyBytes.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        count = 0
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
        slots.withUnsafeBufferPointer { s in
            keyBytes.withUnsafeBufferPointer { kb in
                var i = Int(truncatingIfNeeded: h >> 7) & mask
                while true {
                    let slot = s[i]
                    if slot.hash == 0 { return nil }
                    if slot.hash == h && Int(slot.keyLength) == length
                        && (length == 0 || memcmpEqual(kb.baseAddress! + Int(slot.keyStart), p, length)) {
                        return (Int(slot.valueStart), Int(slot.valueCount))
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// Inserts a key that is not present.
    mutating func insert(_ p: UnsafeRawPointer, _ length: Int, hash h: UInt64, values newValues: UnsafeBufferPointer<UInt32>) {
        if (count + 1) * 2 > slots.count { grow() }
        var slot = Slot(hash: h, keyStart: UInt32(keyBytes.count), keyLength: UInt32(length),
                        valueStart: UInt32(values.count), valueCount: UInt32(newValues.count))
        keyBytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: length))
        values.append(contentsOf: newValues)
        var i = Int(truncatingIfNeeded: h >> 7) & mask
        while slots[i].hash != 0 { i = (i + 1) & mask }
        swap(&slots[i], &slot)
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.hash != 0 {
            var i = Int(truncatingIfNeeded: slot.hash >> 7) & mask
            while slots[i].hash != 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
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
