import ArgumentParser
import Foundation
import PolytopeBuiltins
import PolytopeModel
import PolytopeProbe
import PolytopeTokenizers

/// `polytope tokenize`: token ids (and byte offsets) of some text.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize text and print the token ids (or JSON with byte offsets).",
        discussion: """
        The tokenizer kind is guessed from the file names: vocab.json + merges.txt (GPT-2 byte-level \
        BPE), tokenizer.json (Hugging Face: BPE or WordPiece), NAME.tiktoken (tiktoken ranks), \
        vocab.txt (BERT WordPiece, uncased). Offsets are UTF-8 byte offsets [start, end) into the input.
        Input that is not valid UTF-8 is an error naming the byte offset, unless --lossy is given.
        With two tokenizer files, put INPUT_FILE first or after `--`.

        Examples:
          polytope tokenize --tokenizer vocab.json merges.txt --text "Hello world"
          polytope tokenize --model models/gpt2-relu.pb --json --text "It is a truth"
            15496 995
          polytope tokenize --tokenizer gpt2.tiktoken --json --text "Hi<|endoftext|>" --allow-special
            {"ids": [17250, 50256], "offsets": [[0, 2], [2, 15]]}
          polytope tokenize corpora/austen/emma.txt --tokenizer vocab.txt
        """)

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Tokenizer file(s): vocab.json merges.txt | tokenizer.json | NAME.tiktoken | vocab.txt.",
                               valueName: "FILE"))
    var tokenizer: [String] = []

    @Option(help: ArgumentHelp("Use the tokenizer stored in this model file (instead of --tokenizer).", valueName: "MODEL.pb"))
    var model: String?

    @Option(name: .long, help: "Text to tokenize (instead of INPUT_FILE).")
    var text: String?

    @Argument(help: ArgumentHelp("File whose bytes are tokenized (default: standard input).", valueName: "INPUT_FILE"))
    var inputFile: String?

    @Flag(name: .long, help: "Print {\"ids\": [...], \"offsets\": [[start, end], ...]} instead of space-separated ids.")
    var json = false

    @Flag(name: .long, help: "Recognise special tokens (<|endoftext|>, [SEP], ...) written in the text.")
    var allowSpecial = false

    @Flag(name: .long, help: "Accept invalid UTF-8 (byte-level BPE: encoded byte by byte; WordPiece: dropped as U+FFFD).")
    var lossy = false

    @Flag(name: .customLong("no-special-tokens"), help: "Do not add [CLS]/[SEP] (WordPiece).")
    var noSpecialTokens = false

    mutating func validate() throws {
        // `--tokenizer vocab.json merges.txt input.txt`: the option takes up to the next option,
        // so a trailing INPUT_FILE lands in it.
        if inputFile == nil && text == nil && (tokenizer.count == 3 || (tokenizer.count == 2 && !isFilePair(tokenizer))) {
            inputFile = tokenizer.removeLast()
        }
        if model != nil {
            guard tokenizer.count <= 1 else { throw ValidationError("give either --model or --tokenizer, not both") }
            if let extra = tokenizer.first, inputFile == nil, text == nil { inputFile = extra }
            tokenizer = []
            if text != nil && inputFile != nil { throw ValidationError("give either --text or INPUT_FILE, not both") }
            return
        }
        guard (1...2).contains(tokenizer.count) else {
            throw ValidationError("give --tokenizer with one file (tokenizer.json, NAME.tiktoken, vocab.txt) or two (vocab.json merges.txt)")
        }
        if text != nil && inputFile != nil { throw ValidationError("give either --text or INPUT_FILE, not both") }
    }

    private func isFilePair(_ paths: [String]) -> Bool {
        let names = paths.map { ($0 as NSString).lastPathComponent.lowercased() }
        return names.contains { $0.hasSuffix(".json") } && names.contains { $0.hasSuffix("merges.txt") || $0.hasSuffix(".bpe") }
    }

    /// The tokenizer asked for: the model file's, or the files given.
    func loadTokenizer() throws -> any Tokenizer {
        if let model {
            let spec = try ModelFile.read(path: model)
            guard let t = spec.tokenizer else { throw ValidationError("model file \(model) carries no tokenizer") }
            return try ModelTokenizer.make(t)
        }
        return try TokenizerFiles.load(paths: tokenizer)
    }

    func run() throws {
        let tok = try loadTokenizer()
        let input: [UInt8]
        if let text {
            input = Array(text.utf8)
        } else if let inputFile {
            do {
                input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: inputFile)))
            } catch {
                throw ValidationError("cannot read \(inputFile): \((error as NSError).localizedDescription)")
            }
        } else {
            input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        let options = EncodeOptions(allowedSpecial: allowSpecial ? .all : .none, invalidUTF8: lossy ? .lossy : .reject,
                                    addSpecialTokens: noSpecialTokens ? false : nil)
        let tokens: [Token]
        do {
            tokens = try tok.encode(input, options: options)
        } catch TokenizerError.invalidUTF8(let offset) {
            let source = inputFile ?? (text != nil ? "--text" : "standard input")
            throw CodesCommandError("\(source) is not valid UTF-8 at byte offset \(offset) (pass --lossy to accept it)")
        }
        var out = ""
        if json {
            out = "{\"ids\": [" + tokens.map { String($0.id) }.joined(separator: ", ") + "], \"offsets\": ["
                + tokens.map { "[\($0.byteRange.lowerBound), \($0.byteRange.upperBound)]" }.joined(separator: ", ") + "]}\n"
        } else {
            out = tokens.map { String($0.id) }.joined(separator: " ") + "\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
