/*
 * Example PolytopeLens runtime plugin, built against the C ABI only (polytope_plugin.h).
 *
 * Kinds:
 *   leaky_relu v1  activation, one knot at 0: f(x) = x > 0 ? x : negative_slope * x.
 *                  attr negative_slope (float or int, finite, default 0.01); no params.
 *   swiglu     v1  gated unit (Shazeer 2020, "GLU Variants Improve Transformer"): an input row
 *                  of width 2h is read as [a | b] (a = first h values, b = last h) and the
 *                  output row of width h is silu(a) * b, silu(x) = x / (1 + exp(-x)).
 *                  No params, no attrs; not an activation (its width changes).
 */
#ifndef POLYTOPE_LEAKY_RELU_H
#define POLYTOPE_LEAKY_RELU_H

/* This example stays on ABI version 1, to show (and test) that version 1 plugins keep loading;
   the version 2 examples are the other folders under Plugins/ (docs/plugins.md). */
#define POLYTOPE_PLUGIN_USE_ABI_V1
#include "polytope_plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The entry point the host looks up by name (POLYTOPE_PLUGIN_ENTRY_SYMBOL). */
__attribute__((visibility("default"))) const PolytopePluginTable *polytope_plugin_entry(void);

#ifdef __cplusplus
}
#endif
#endif /* POLYTOPE_LEAKY_RELU_H */
