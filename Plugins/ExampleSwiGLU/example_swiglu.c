/*
 * Example plugin, ABI version 2: `swiglu` version 2, a two-input node (Shazeer 2020, "GLU
 * Variants Improve Transformer"): out = silu(gate) * up, silu(x) = x / (1 + exp(-x)).
 * Inputs gate [d] and up [d] (the outputs of the MLP's gate and up projections); the host
 * checks both widths are the same "d". Version 1 of `swiglu` (Plugins/LeakyReLU, ABI v1) read
 * one concatenated input [gate | up]; model files name the version they mean.
 */
#include "example_swiglu.h"

#include <math.h>
#include <stdlib.h>

static int create(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
    (void)err;
    out->state = NULL; /* nothing to keep: the widths come with every forward() call */
    out->output_width = n->input_widths[0];
    return 0;
}

static int forward(const void *state, const PolytopeForwardArgs *a, PolytopeError *err) {
    (void)state;
    (void)err;
    const int64_t n = a->rows * a->output_width;
    const float *gate = a->inputs[0], *up = a->inputs[1];
    for (int64_t i = 0; i < n; i++) {
        const float g = gate[i];
        a->output[i] = g / (1.0f + expf(-g)) * up[i];
    }
    return 0;
}

static void destroy(void *state) { (void)state; }

static const PolytopeInputSpec inputs[] = {
    {"gate", "d", "gate projection output"},
    {"up", "d", "up projection output"},
};

static const PolytopeKind kinds[] = {{
    .struct_size = sizeof(PolytopeKind),
    .magic = POLYTOPE_KIND_MAGIC,
    .name = "swiglu",
    .version = 2,
    .flags = 0,
    .doc = "silu(gate) * up",
    .input_count = 2, .inputs = inputs,
    .create = create, .forward = forward, .destroy = destroy,
}};

static const PolytopePluginTable table = {
    .abi_version = POLYTOPE_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(PolytopePluginTable),
    .plugin_name = "SwiGLU example plugin",
    .kind_count = 1,
    .kinds = kinds,
};

POLYTOPE_PLUGIN_ENTRY {
    (void)host;
    return &table;
}
