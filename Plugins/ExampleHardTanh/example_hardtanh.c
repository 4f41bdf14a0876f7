/*
 * Example plugin, ABI version 2: `hardtanh`, an activation with two knots chosen per node.
 *   f(x) = min(max(x, min_val), max_val); attrs min_val (float, default -1), max_val (float,
 *   default 1). Its linear pieces meet at min_val and max_val, so create() sets the node's knots
 *   to [min_val, max_val]: a unit's code is two thermometer bits (x > min_val, x > max_val).
 */
#include "example_hardtanh.h"

#include <stdlib.h>

typedef struct {
    float lo, hi;
    float knots[2];
} State;

static int create(const PolytopeNodeDesc *n, PolytopeNodeOut *out, PolytopeError *err) {
    /* attrs arrive in schema order with defaults filled in: [min_val, max_val] */
    const double lo = n->attrs[0].f, hi = n->attrs[1].f;
    if (!(lo < hi)) return polytope_errorf(n->host, err, "min_val (%g) must be below max_val (%g)", lo, hi);
    State *s = malloc(sizeof *s);
    if (s == NULL) return n->host->error(err, "out of memory");
    s->lo = (float)lo;
    s->hi = (float)hi;
    s->knots[0] = s->lo;
    s->knots[1] = s->hi;
    out->state = s;
    out->output_width = n->input_widths[0];
    out->knot_count = 2;      /* copied by the host before create() returns */
    out->knots = s->knots;
    return 0;
}

static int forward(const void *state, const PolytopeForwardArgs *a, PolytopeError *err) {
    (void)err;
    const State *s = state;   /* read only: forward() runs on several threads at once */
    const int64_t n = a->rows * a->output_width;
    const float *x = a->inputs[0];
    for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        a->output[i] = v < s->lo ? s->lo : (v > s->hi ? s->hi : v);
    }
    return 0;
}

static void destroy(void *state) { free(state); }

static const PolytopeInputSpec inputs[] = {{"x", "d", "pre-activation"}};
static const PolytopeAttrSpec attrs[] = {
    {"min_val", POLYTOPE_ATTR_FLOAT, "-1.0", "lower knot and bound"},
    {"max_val", POLYTOPE_ATTR_FLOAT, "1.0", "upper knot and bound"},
};
static const float default_knots[2] = {-1.0f, 1.0f};

static const PolytopeKind kinds[] = {{
    .struct_size = sizeof(PolytopeKind),
    .magic = POLYTOPE_KIND_MAGIC,
    .name = "hardtanh",
    .version = 1,
    .flags = POLYTOPE_KIND_ACTIVATION,
    .doc = "min(max(x, min_val), max_val); knots [min_val, max_val]",
    .input_count = 1, .inputs = inputs,
    .attr_count = 2, .attrs = attrs,
    .knot_count = 2, .knots = default_knots,
    .create = create, .forward = forward, .destroy = destroy,
}};

static const PolytopePluginTable table = {
    .abi_version = POLYTOPE_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(PolytopePluginTable),
    .plugin_name = "hardtanh example plugin",
    .kind_count = sizeof kinds / sizeof kinds[0],
    .kinds = kinds,
};

POLYTOPE_PLUGIN_ENTRY {
    (void)host;
    return &table;
}
