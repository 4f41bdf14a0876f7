/*
 * Example plugin, ABI version 2: `jump_relu`, an activation with a threshold per unit taken
 * from a parameter (Rajamanoharan et al. 2024, "Jumping Ahead: Improving Reconstruction
 * Fidelity with JumpReLU Sparse Autoencoders"): f(x_j) = x_j > threshold_j ? x_j : 0.
 * Param threshold [d]. create() sets one knot per unit, threshold_j, so unit j's code bit is
 * x_j > threshold_j.
 */
#include "example_jumprelu.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t width;
    float threshold[];
} State;

static int create(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
    const int64_t d = n->input_widths[0];
    const float *t = n->params[0].data; /* params: [threshold], shape [d] (checked by the host) */
    State *s = malloc(sizeof *s + sizeof(float) * (size_t)d);
    if (s == NULL) return n->host->error(err, "out of memory");
    s->width = d;
    memcpy(s->threshold, t, sizeof(float) * (size_t)d);
    out->state = s;
    out->output_width = d;
    out->knot_count = 1;
    out->knots_per_unit = 1; /* d knots, one per unit */
    out->knots = s->threshold;
    return 0;
}

static int forward(const void *state, const PolytopeForwardArgs *a, PolytopeError *err) {
    (void)err;
    const State *s = state;
    const int64_t d = s->width;
    for (int64_t r = 0; r < a->rows; r++) {
        const float *x = a->inputs[0] + r * d;
        float *y = a->output + r * d;
        for (int64_t j = 0; j < d; j++) y[j] = x[j] > s->threshold[j] ? x[j] : 0.0f;
    }
    return 0;
}

static void destroy(void *state) { free(state); }

static const PolytopeInputSpec inputs[] = {{"x", "d", "pre-activation"}};
static const PolytopeParamSpec params[] = {{"threshold", "d", 0, "per-unit threshold (the unit's knot)"}};

static const PolytopeKind kinds[] = {{
    .struct_size = sizeof(PolytopeKind),
    .magic = POLYTOPE_KIND_MAGIC,
    .name = "jump_relu",
    .version = 1,
    .flags = POLYTOPE_KIND_ACTIVATION,
    .doc = "x > threshold ? x : 0, one threshold (knot) per unit",
    .input_count = 1, .inputs = inputs,
    .param_count = 1, .params = params,
    .knot_count = 0, .knots = NULL, /* set per node by create() */
    .create = create, .forward = forward, .destroy = destroy,
}};

static const PolytopePluginTable table = {
    .abi_version = POLYTOPE_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(PolytopePluginTable),
    .plugin_name = "JumpReLU example plugin",
    .kind_count = 1,
    .kinds = kinds,
};

POLYTOPE_PLUGIN_ENTRY {
    (void)host;
    return &table;
}
