/*
 * Example plugin, ABI version 2: `example_rms_norm`, a norm with a parameter and a float
 * attribute (Zhang & Sennrich 2019, "Root Mean Square Layer Normalization"):
 *   y = x / sqrt(mean(x^2) + eps) * weight;   param weight [d], attr eps (float, default 1e-6).
 * The host checks weight's shape against the input width ("d") before create().
 */
#include "example_rmsnorm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t width;
    float eps;
    float weight[]; /* width values */
} State;

static int create(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
    const int64_t d = n->input_widths[0];
    const double eps = n->attrs[0].f; /* schema order: [eps] */
    if (!(eps >= 0)) return polytope_errorf(n->host, err, "eps must be >= 0, got %g", eps);
    State *s = malloc(sizeof *s + sizeof(float) * (size_t)d);
    if (s == NULL) return n->host->error(err, "out of memory");
    s->width = d;
    s->eps = (float)eps;
    memcpy(s->weight, n->params[0].data, sizeof(float) * (size_t)d); /* params: [weight], shape [d] */
    out->state = s;
    out->output_width = d;
    return 0;
}

static int forward(const void *state, const PolytopeForwardArgs *a, PolytopeError *err) {
    (void)err;
    const State *s = state;
    const int64_t d = s->width;
    for (int64_t r = 0; r < a->rows; r++) {
        const float *x = a->inputs[0] + r * d;
        float *y = a->output + r * d;
        double ss = 0;
        for (int64_t j = 0; j < d; j++) ss += (double)x[j] * x[j];
        const float inv = (float)(1.0 / sqrt(ss / (double)d + s->eps));
        for (int64_t j = 0; j < d; j++) y[j] = x[j] * inv * s->weight[j];
    }
    return 0;
}

static void destroy(void *state) { free(state); }

static const PolytopeInputSpec inputs[] = {{"x", "d", NULL}};
static const PolytopeParamSpec params[] = {{"weight", "d", 0, "per-channel gain"}};
static const PolytopeAttrSpec attrs[] = {{"eps", POLYTOPE_ATTR_FLOAT, "1e-6", "added to the mean square"}};

static const PolytopeKind kinds[] = {{
    .struct_size = sizeof(PolytopeKind),
    .magic = POLYTOPE_KIND_MAGIC,
    .name = "example_rms_norm",
    .version = 1,
    .flags = 0,
    .doc = "x / sqrt(mean(x^2) + eps) * weight",
    .input_count = 1, .inputs = inputs,
    .param_count = 1, .params = params,
    .attr_count = 1, .attrs = attrs,
    .create = create, .forward = forward, .destroy = destroy,
}};

static const PolytopePluginTable table = {
    .abi_version = POLYTOPE_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(PolytopePluginTable),
    .plugin_name = "RMSNorm example plugin",
    .kind_count = 1,
    .kinds = kinds,
};

POLYTOPE_PLUGIN_ENTRY {
    (void)host;
    return &table;
}
