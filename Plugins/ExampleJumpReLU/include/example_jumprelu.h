/* Example PolytopeLens plugin (ABI version 2): see example_jumprelu.c and docs/plugins.md. */
#ifndef POLYTOPE_EXAMPLE_JUMPRELU_H
#define POLYTOPE_EXAMPLE_JUMPRELU_H
#include "polytope_plugin.h"
POLYTOPE_PLUGIN_ENTRY;
#endif
