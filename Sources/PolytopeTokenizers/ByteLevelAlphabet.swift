/// GPT-2's reversible byte-to-character map (`bytes_to_unicode` in OpenAI's `encoder.py`):
/// the printable bytes 33-126, 161-172 and 174-255 stand for themselves, every other byte `b`
/// for U+0100 + its index among those. `vocab.json` and `merges.txt` spell tokens in these
/// characters (a space is `Ġ`, a newline `Ċ`).
enum ByteLevelAlphabet {
    /// Character (scalar value) of each byte.
    static let characterOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var extra: UInt32 = 0
        for b in 0..<256 {
            if (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = 256 + extra
                extra += 1
            }
        }
        return table
    }()

    /// Byte of each character below U+0144, or -1.
    static let byteOfCharacter: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (b, c) in characterOfByte.enumerated() { table[Int(c)] = Int16(b) }
        return table
    }()

    /// The bytes a vocabulary string stands for, or nil if it has a character outside the
    /// alphabet.
    static func bytes(of text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let v = Int(scalar.value)
            guard v < byteOfCharacter.count, byteOfCharacter[v] >= 0 else { return nil }
            out.append(UInt8(byteOfCharacter[v]))
        }
        return out
    }

    /// The vocabulary spelling of some bytes.
    static func text(of bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(characterOfByte[Int(b)])!) }
        return String(s)
    }
}
