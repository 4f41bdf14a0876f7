/* Example PolytopeLens plugin (ABI version 2): see example_hardtanh.c and docs/plugins.md. */
#ifndef POLYTOPE_EXAMPLE_HARDTANH_H
#define POLYTOPE_EXAMPLE_HARDTANH_H
#include "polytope_plugin.h"
POLYTOPE_PLUGIN_ENTRY;
#endif
