/*
 * Example runtime plugin: `leaky_relu` (an activation with one knot) and `swiglu` (a gated
 * unit that halves the width). Pure C against polytope_plugin.h; see docs/plugins.md.
 *
 * State is allocated in create(), only read in forward() (which the host may call from
 * several threads at once on different batches), and freed in destroy().
 */
#include "leaky_relu.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t err_len, const char *fmt, ...) {
    if (err != NULL && err_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return 1;
}

typedef struct {
    int64_t width;
    float slope;
} LeakyState;

typedef struct {
    int64_t half; /* output width h; input width is 2h */
} SwigluState;

static int check_common(const PolytopeNodeDesc *node, char *err, size_t err_len) {
    if (node->input_width <= 0) {
        return fail(err, err_len, "input width must be positive, got %lld", (long long)node->input_width);
    }
    if (node->param_count != 0) {
        return fail(err, err_len, "takes no parameters, got '%s'", node->params[0].role);
    }
    return 0;
}

static int leaky_create(const PolytopeNodeDesc *node, void **state, int64_t *output_width,
                        char *err, size_t err_len) {
    if (check_common(node, err, err_len) != 0) return 1;
    double slope = 0.01;
    for (int32_t i = 0; i < node->attr_count; i++) {
        const PolytopeAttr *a = &node->attrs[i];
        if (strcmp(a->name, "negative_slope") != 0) {
            return fail(err, err_len, "unknown attribute '%s' (leaky_relu takes negative_slope)", a->name);
        }
        if (a->type == POLYTOPE_ATTR_FLOAT) {
            slope = a->f;
        } else if (a->type == POLYTOPE_ATTR_INT) {
            slope = (double)a->i;
        } else {
            return fail(err, err_len, "attribute 'negative_slope' must be a float");
        }
        if (!isfinite(slope)) return fail(err, err_len, "attribute 'negative_slope' must be finite");
    }
    LeakyState *s = malloc(sizeof *s);
    if (s == NULL) return fail(err, err_len, "out of memory");
    s->width = node->input_width;
    s->slope = (float)slope;
    *state = s;
    *output_width = node->input_width;
    return 0;
}

static int leaky_forward(void *state, const float *input, int64_t rows, float *output,
                         char *err, size_t err_len) {
    const LeakyState *s = state;
    if (rows < 0) return fail(err, err_len, "negative row count %lld", (long long)rows);
    const int64_t n = rows * s->width;
    const float slope = s->slope;
    for (int64_t i = 0; i < n; i++) {
        const float x = input[i];
        output[i] = x > 0.0f ? x : slope * x;
    }
    return 0;
}

static int swiglu_create(const PolytopeNodeDesc *node, void **state, int64_t *output_width,
                         char *err, size_t err_len) {
    if (check_common(node, err, err_len) != 0) return 1;
    if (node->attr_count != 0) {
        return fail(err, err_len, "takes no attributes, got '%s'", node->attrs[0].name);
    }
    if (node->input_width % 2 != 0) {
        return fail(err, err_len, "input width must be even ([a | b], 2h wide), got %lld",
                    (long long)node->input_width);
    }
    SwigluState *s = malloc(sizeof *s);
    if (s == NULL) return fail(err, err_len, "out of memory");
    s->half = node->input_width / 2;
    *state = s;
    *output_width = s->half;
    return 0;
}

static int swiglu_forward(void *state, const float *input, int64_t rows, float *output,
                          char *err, size_t err_len) {
    const SwigluState *s = state;
    if (rows < 0) return fail(err, err_len, "negative row count %lld", (long long)rows);
    const int64_t h = s->half;
    for (int64_t r = 0; r < rows; r++) {
        const float *a = input + r * 2 * h;
        const float *b = a + h;
        float *o = output + r * h;
        for (int64_t j = 0; j < h; j++) {
            const float x = a[j];
            o[j] = x / (1.0f + expf(-x)) * b[j];
        }
    }
    return 0;
}

static void free_state(void *state) { free(state); }

static const float zero_knot[1] = {0.0f};

static const PolytopeKind kinds[2] = {
    {
        .name = "leaky_relu",
        .version = 1,
        .flags = POLYTOPE_KIND_ACTIVATION,
        .knot_count = 1,
        .knots = zero_knot,
        .create = leaky_create,
        .forward = leaky_forward,
        .destroy = free_state,
    },
    {
        .name = "swiglu",
        .version = 1,
        .flags = 0,
        .knot_count = 0,
        .knots = NULL,
        .create = swiglu_create,
        .forward = swiglu_forward,
        .destroy = free_state,
    },
};

static const PolytopePluginTable table = {
    .abi_version = POLYTOPE_PLUGIN_ABI_VERSION,
    .kind_count = 2,
    .kinds = kinds,
    .plugin_name = "PolytopeLeakyReLU example plugin",
};

const PolytopePluginTable *polytope_plugin_entry(void) { return &table; }
