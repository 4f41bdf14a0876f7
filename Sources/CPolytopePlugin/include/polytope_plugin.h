/*
 * PolytopeLens runtime plugin C ABI.
 *
 * A plugin is a shared library exporting one C function, POLYTOPE_PLUGIN_ENTRY_SYMBOL, that
 * returns a pointer to a static PolytopePluginTable. The host reads `abi_version` first and
 * refuses a table whose version it does not know, before touching any other field (the way
 * ONNX Runtime custom-op libraries and ggml backends version theirs). Only C types cross the
 * boundary: host and plugin never share Swift types or globals.
 *
 * A kind maps a matrix [rows, input_width] to a matrix [rows, output_width] row by row
 * (activations, gated MLP units, norms). Rows are tokens; the host batches many at once.
 * A node of a plugin kind has exactly one input.
 *
 * Ownership and lifetimes:
 *   - The table, its kinds, their names, knots and plugin_name are owned by the plugin and
 *     must stay valid and unchanged for as long as the library is loaded. The host never
 *     unloads a plugin library (no dlclose), so static storage is the natural choice.
 *   - Everything a PolytopeNodeDesc points to is owned by the host and valid only during the
 *     create() call: copy what forward() needs into the state.
 *   - The state create() returns is owned by the plugin; the host passes it to forward() and
 *     hands it back exactly once to destroy() when the built layer is released.
 *   - `err` buffers belong to the host (err_len bytes, err_len > 0). On failure write a
 *     NUL-terminated one-line message into it (snprintf truncates safely) and return non-zero;
 *     the host reports it with the node's name and kind.
 *   - input and output of forward() belong to the host, do not overlap, and are valid only
 *     during the call. rows >= 1 (the host skips the call for an empty batch).
 *
 * Threads: create() and destroy() are called from one thread at a time per node. forward()
 * may be called from several threads at once, on different batches, with the SAME state:
 * the state must be read-only after create() returns (no scratch buffers in it; allocate
 * per call or use the stack).
 *
 * Versioning: POLYTOPE_PLUGIN_ABI_VERSION changes whenever the layout or the meaning of any
 * type here changes; the host refuses a table whose abi_version differs from its own. New
 * kind behaviour goes into PolytopeKind.version (the kind_version that model files name),
 * not into the ABI version. Within ABI version 1 the structs are frozen.
 *
 * Version history:
 *   1  first version: this header.
 */
#ifndef POLYTOPE_PLUGIN_H
#define POLYTOPE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POLYTOPE_PLUGIN_ABI_VERSION 1u
#define POLYTOPE_PLUGIN_ENTRY_SYMBOL "polytope_plugin_entry"

/* A parameter tensor of the node, already converted to float32, row-major. Valid only during create(). */
typedef struct PolytopeParam {
    const char *role;        /* the role the model file gives it, e.g. "weight" */
    const float *data;
    const int64_t *shape;
    int32_t rank;
} PolytopeParam;

enum { POLYTOPE_ATTR_INT = 1, POLYTOPE_ATTR_FLOAT = 2, POLYTOPE_ATTR_STRING = 3, POLYTOPE_ATTR_BOOL = 4 };

/* A scalar attribute of the node (list attributes are not passed across the ABI in version 1). */
typedef struct PolytopeAttr {
    const char *name;
    int32_t type;            /* POLYTOPE_ATTR_* */
    int64_t i;               /* INT and BOOL (0 / 1) */
    double f;                /* FLOAT */
    const char *s;           /* STRING */
} PolytopeAttr;

/* What create() learns about the node it builds. Valid only during create(). */
typedef struct PolytopeNodeDesc {
    const char *name;
    const char *kind;
    uint32_t kind_version;
    int64_t input_width;
    const PolytopeParam *params;
    int32_t param_count;
    const PolytopeAttr *attrs;
    int32_t attr_count;
} PolytopeNodeDesc;

/* Flags of a kind. */
enum {
    /* Elementwise activation: output_width == input_width, and `knots` says where its linear
       pieces meet, so the host can compute polytope codes (bit = pre-activation > knots[0]). */
    POLYTOPE_KIND_ACTIVATION = 1u << 0,
};

typedef struct PolytopeKind {
    const char *name;        /* kind name used in model files, e.g. "leaky_relu" */
    uint32_t version;        /* kind_version it implements */
    uint32_t flags;          /* POLYTOPE_KIND_* */
    int32_t knot_count;      /* activation kinds: number of knots (>= 1) */
    const float *knots;      /* ascending */
    /* Builds per-node state. Returns 0 on success; otherwise non-zero with a message in err. */
    int (*create)(const PolytopeNodeDesc *node, void **state, int64_t *output_width,
                  char *err, size_t err_len);
    /* input: rows x input_width, output: rows x output_width (both row-major, caller-owned). */
    int (*forward)(void *state, const float *input, int64_t rows, float *output,
                   char *err, size_t err_len);
    void (*destroy)(void *state);
} PolytopeKind;

typedef struct PolytopePluginTable {
    uint32_t abi_version;    /* POLYTOPE_PLUGIN_ABI_VERSION the plugin was built against: read first */
    uint32_t kind_count;
    const PolytopeKind *kinds;
    const char *plugin_name; /* for messages and `polytope inspect` */
} PolytopePluginTable;

typedef const PolytopePluginTable *(*PolytopePluginEntryFn)(void);

#ifdef __cplusplus
}
#endif
#endif /* POLYTOPE_PLUGIN_H */
