/* Example PolytopeLens plugin (ABI version 2): see example_swiglu.c and docs/plugins.md. */
#ifndef POLYTOPE_EXAMPLE_SWIGLU_H
#define POLYTOPE_EXAMPLE_SWIGLU_H
#include "polytope_plugin.h"
POLYTOPE_PLUGIN_ENTRY;
#endif
