#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under fuzz/corpus/<target>/ from the repository's fixtures.

Each seed is a valid input for its target (see fuzz/Sources/Fuzz*/main.swift for the framing:
tokenizers and corpus seeds start with a selector byte). The model seeds are a minimal model
written here in protobuf wire format by hand (proto/polytope.proto) and, when a built
`polytope` is given, the tiny GPT-2 fixture imported by it.

    python3 tools/make_fuzz_seeds.py [path/to/polytope]
"""
import base64, json, os, shutil, struct, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def s(num, text):
    return field(num, 2, text.encode() if isinstance(text, str) else text)


def node(name, kind, inputs=(), params=None, attrs=None):
    b = s(1, name) + s(2, kind) + field(3, 0, 1)
    for i in inputs:
        b += s(4, i)
    for role, t in sorted((params or {}).items()):
        b += field(5, 2, s(1, role) + s(2, t))
    for key, value in sorted((attrs or {}).items()):
        attr = field(2, 1, 0)[:-1] if False else None
        if isinstance(value, float):
            attr = varint((2 << 3) | 1) + struct.pack("<d", value)
        elif isinstance(value, bool):
            attr = field(4, 0, int(value))
        elif isinstance(value, int):
            attr = field(1, 0, value)
        else:
            attr = s(3, value)
        b += field(6, 2, s(1, key) + field(2, 2, attr))
    return b


def tensor(name, shape, values):
    return s(1, name) + field(2, 0, 1) + field(3, 2, b"".join(varint(d) for d in shape)) + s(4, struct.pack("<%df" % len(values), *values))


def minimal_model():
    """token embedding [8, 4] -> layer norm -> linear [4, 6] -> relu -> unembed (tied)."""
    vals = lambda n, k: [((i * 7 + k) % 11 - 5) / 10 for i in range(n)]
    nodes = [
        node("hook_embed", "token_embedding", params={"weight": "wte"}),
        node("blocks.0.ln2.hook_normalized", "layer_norm", ["hook_embed"], {"weight": "ln.w", "bias": "ln.b"}, {"eps": 1e-5}),
        node("blocks.0.mlp.hook_pre", "linear", ["blocks.0.ln2.hook_normalized"], {"weight": "fc.w", "bias": "fc.b"}),
        node("blocks.0.mlp.hook_post", "relu", ["blocks.0.mlp.hook_pre"]),
        node("blocks.0.hook_mlp_out", "linear", ["blocks.0.mlp.hook_post"], {"weight": "proj.w"}),
        node("logits", "unembed", ["blocks.0.hook_mlp_out"], {"weight": "wte"}),
    ]
    tensors = [
        tensor("wte", [8, 4], vals(32, 1)),
        tensor("ln.w", [4], [1.0] * 4),
        tensor("ln.b", [4], [0.0] * 4),
        tensor("fc.w", [4, 6], vals(24, 2)),
        tensor("fc.b", [6], vals(6, 3)),
        tensor("proj.w", [6, 4], vals(24, 4)),
    ]
    return field(1, 0, 1) + s(2, "fuzz-seed") + b"".join(field(4, 2, n) for n in nodes) + \
        b"".join(field(5, 2, t) for t in tensors) + field(7, 0, 16) + s(8, "gpt2")


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(*parts):
    with open(os.path.join(ROOT, *parts), "rb") as f:
        return f.read()


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    write("model", "minimal.pb", minimal_model())
    if len(sys.argv) > 1:
        tiny = os.path.join(OUT, "model", "gpt2-relu.pb")
        subprocess.run([sys.argv[1], "import", os.path.join(ROOT, "Tests/Fixtures/runtime/gpt2-relu"), "-o", tiny],
                       check=True, stdout=subprocess.DEVNULL)

    for name in ["gpt2-relu", "gpt2-relu-f16"]:
        path = os.path.join(ROOT, "Tests/Fixtures/runtime", name, "model.safetensors")
        if os.path.exists(path):
            write("safetensors", name + ".safetensors", read("Tests/Fixtures/runtime", name, "model.safetensors"))

    for name in ["tiny-llama-q4_1.gguf", "types.gguf"]:
        write("gguf", name, read("Tests/Fixtures/gguf", name))

    gpt2 = "Tests/Fixtures/runtime/gpt2-relu"
    write("tokenizers", "vocab-merges", b"\x00" + read(gpt2, "vocab.json") + b"\x00" + read(gpt2, "merges.txt"))
    write("tokenizers", "tokenizer-json-bpe", b"\x01" + read(gpt2, "tokenizer.json"))
    write("tokenizers", "tokenizer-json-wordpiece", b"\x01" + read("Tests/Fixtures/runtime/bert", "tokenizer.json"))
    ranks = [bytes([b]) for b in range(256)] + [b"th", b"the", b" the", b"in", b"an", b"ing", b"er"]
    write("tokenizers", "ranks-tiktoken", b"\x02" + b"".join(base64.b64encode(t) + b" %d\n" % i for i, t in enumerate(ranks)))
    write("tokenizers", "vocab-txt", b"\x03" + read("Tests/Fixtures/runtime/bert", "vocab.txt"))

    npy = "Tests/PolytopeCodesTests/Fixtures/npy"
    for name in ["codes.plcodes", "packed_codes.npy", "bool_codes.npy", "bool.npy", "uint8.npy", "v2.npy", "fortran.npy"]:
        write("codes", name, read(npy, name))

    austen = os.path.join(ROOT, "corpora", "austen")
    text = read("corpora/austen", sorted(f for f in os.listdir(austen) if f.endswith(".txt"))[0])[:1500]
    write("corpus", "txt", b"\x00" + text)
    write("corpus", "paragraphs", b"\x01" + b"First paragraph.\n\n  \nSecond one,\nover two lines.\r\n\r\nThird.")
    write("corpus", "jsonl", b"\x02" + b"".join((json.dumps({"text": t}) + "\n").encode() for t in
                                                ["It is a truth", "universally acknowledged", "caf\u00e9 \u6771\u4eac"]))
    write("corpus", "lossy-txt", b"\x81" + b"valid text then \xff\xfe invalid bytes")


if __name__ == "__main__":
    main()
