/*
 * PolytopeLens C API (libpolytopelens.so): the Swift core behind plain C functions, for the
 * Python package `polytopelens` (python/) and any other FFI.
 *
 * Conventions:
 *   - Every function that can fail returns an int status: PL_OK (0) or one of the PL_E* codes,
 *     and writes a NUL-terminated one-line message (the CLI's `Error:` text, without the
 *     prefix) into the caller's buffer `err` of `err_len` bytes (truncated safely; may be NULL
 *     when err_len is 0).
 *   - Only C types cross: pointers, fixed-width integers, doubles, NUL-terminated UTF-8 strings
 *     and the plain structs below. Handles (pl_model) are opaque.
 *   - Arrays are row-major and C-contiguous, owned by the caller unless stated; outputs whose
 *     size the caller can know are written into caller memory. Memory returned by the library
 *     (strings, variable-length arrays) is released with pl_free.
 *   - Packed codes: `bytes_per_row = ceil(bits / 8)` bytes per row; bit j of a row is byte
 *     j / 8, bit 7 - j % 8 of that byte (most significant bit first), exactly np.packbits(...,
 *     axis=1, bitorder="big"). Bits past `bits` in the last byte are ignored.
 *   - Thread safety: functions may be called from several threads; a pl_model may be used by
 *     several threads at once. No function touches global state other than the plugin
 *     registry (plugins stay loaded for the life of the process).
 */
#ifndef POLYTOPELENS_H
#define POLYTOPELENS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PL_API_VERSION 1

enum {
    PL_OK = 0,
    PL_EINVAL = 1,     /* a bad argument: shape, range, unknown name */
    PL_EIO = 2,        /* a file could not be read or written */
    PL_EMODEL = 3,     /* a model file or plugin was refused */
    PL_ECANCELLED = 4, /* stopped by the cancel flag; work done so far is kept (resumable) */
    PL_EFAILED = 5     /* anything else */
};

/* The API version this library implements (PL_API_VERSION). */
int32_t pl_api_version(void);

/* Frees memory returned by the library (NULL is ignored). */
void pl_free(void *p);

/* Name of the Hamming kernel chosen for this CPU ("avx512-vpopcntdq", "avx2", ...), static. */
const char *pl_hamming_kernel(void);

/* ---- Codes ------------------------------------------------------------------------------ */

/* Polytope codes from pre-activations x [rows, units] (float32): bit (u * n_knots + t) of row r
 * is x[r, u] > knots[t] (NaN gives 0). out: rows * ceil(units * n_knots / 8) bytes.
 * O(rows * units * n_knots). */
int32_t pl_codes_from_preacts(const float *x, int64_t rows, int64_t units, const float *knots, int64_t n_knots,
                              uint8_t *out, char *err, size_t err_len);

/* Hamming distances between packed codes of `bits` bits.
 * b == NULL: all pairs of a, out [n_a, n_a]; else out [n_a, n_b] (rows of a against rows of b).
 * threads <= 0: all CPUs. O(n_a * n_b * bits / 64). */
int32_t pl_hamming(const uint8_t *a, int64_t n_a, const uint8_t *b, int64_t n_b, int64_t bits, uint16_t *out,
                   int32_t threads, char *err, size_t err_len);

/* ---- k-medoids -------------------------------------------------------------------------- */

typedef struct {
    /* NULL or "" takes the default in brackets. */
    const char *method;        /* fasterpam | alternate | clara [fasterpam] */
    const char *initialization; /* auto | build | kmeans++ | lab | random [auto: build, lab when matrix-free] */
    const char *mode;          /* auto | matrix | matrix-free | clara [auto: from memory_bytes] */
    uint64_t seed;
    int64_t memory_bytes;      /* distance-storage budget; <= 0: 4 GiB */
    int32_t threads;           /* <= 0: all CPUs */
    int32_t max_iterations;    /* <= 0: 100 */
    int32_t clara_samples;     /* <= 0: 5 */
    int64_t clara_sample_size; /* <= 0: max(80 + 4k, 2000), at most N */
    int64_t silhouette_sample; /* <= 0: 2000 (exact silhouette for N <= 20,000) */
} pl_kmedoids_options;

typedef struct {
    int64_t loss;              /* sum of distances to the medoids */
    int64_t iterations;
    int64_t swaps;
    double silhouette;         /* mean silhouette (sampled when silhouette_sampled) */
    int32_t silhouette_sampled;
    char method[16];
    char initialization[16];
    char mode[16];             /* matrix | matrix-free | clara */
} pl_kmedoids_info;

/* k-medoids on Hamming distance between n packed codes of `bits` bits, the CLI's `cluster`.
 * medoids: k int64 (row indices), labels: n int64 (index into medoids, nearest medoid).
 * Errors: k out of 1...n, a forced matrix mode over the budget, bad names. */
int32_t pl_kmedoids(const uint8_t *codes, int64_t n, int64_t bits, int64_t k, const pl_kmedoids_options *options,
                    int64_t *medoids, int64_t *labels, pl_kmedoids_info *info, char *err, size_t err_len);

/* ---- Models ----------------------------------------------------------------------------- */

typedef struct pl_model pl_model;

/* Loads and validates a model file (.pb) with the built-in kinds plus n_plugins plugin
 * libraries (and $POLYTOPE_PLUGIN_PATH). *out receives the handle (free with pl_model_free). */
int32_t pl_model_open(const char *path, const char *const *plugins, int32_t n_plugins, pl_model **out, char *err,
                      size_t err_len);
void pl_model_free(pl_model *model);

/* A JSON object describing the model: {"name","architecture","context_length","vocab_size",
 * "has_tokenizer","parameters","hooks":[{"name","width","kind","knots"}...],"mlp_layers":[...]}.
 * *json_out is freed with pl_free. */
int32_t pl_model_info(pl_model *model, char **json_out, char *err, size_t err_len);

/* Tokenizes UTF-8 text (len bytes) with the model's tokenizer (sequence markers as the
 * tokenizer's default). *ids_out: *count int32 ids; *offsets_out: 2 * *count int64 byte offsets
 * [start, end) into text. Both freed with pl_free. */
int32_t pl_model_tokenize(pl_model *model, const char *text, int64_t len, int32_t **ids_out, int64_t **offsets_out,
                          int64_t *count, char *err, size_t err_len);

/* Width of a hook's output (columns), or an error for an unknown hook. */
int32_t pl_model_hook_width(pl_model *model, const char *hook, int64_t *width, char *err, size_t err_len);

/* Runs one sequence of n token ids and writes each hook's output, float32 [n, width(hook)],
 * into outputs[h]. Only what the hooks need is computed. */
int32_t pl_model_run(pl_model *model, const int32_t *ids, int64_t n, const char *const *hooks, int32_t n_hooks,
                     float *const *outputs, char *err, size_t err_len);

/* ---- Probe ------------------------------------------------------------------------------ */

/* Runs (or continues) `polytope probe`: options_json is an object with the CLI's long options,
 * `-` written `_` ({"out": DIR, "model", "plugins": [...], "corpus": [...], "layers": [...],
 * "k", "context", "stride", "tokens", "per_window", "skip", "sample", "seed", "batch",
 * "threads", "max_windows", "method", "init", "memory", "mode", "max_iter", "samples",
 * "sample_size", "members", "baselines", "restart", "paragraphs", "text_field", "lossy"}).
 * Writes DIR/{codes-layerL.plcodes,.npy, labels-layerL.npy, tokens.bin, clusters.json,
 * summary.json, report.html}. Killed at any moment, the same call continues where it stopped. */
int32_t pl_probe(const char *options_json, char *err, size_t err_len);

/* ---- Probe directories ------------------------------------------------------------------ */

/* The recorded tokens rows[0..n) of a finished probe in directory dir, each with up to
 * `context` bytes of text either side, read again from the probe's corpus: a JSON array of
 * {"document","source","byte_start","byte_end","window","position","token_id","text","left",
 * "right"}. *json_out is freed with pl_free. O(corpus bytes) for the read. */
int32_t pl_probe_tokens(const char *dir, const int64_t *rows, int64_t n, int64_t context, char **json_out, char *err,
                        size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* POLYTOPELENS_H */
