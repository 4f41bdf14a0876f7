/* Header-only target: the plugin ABI lives in include/polytope_plugin.h. */
#include "polytope_plugin.h"
