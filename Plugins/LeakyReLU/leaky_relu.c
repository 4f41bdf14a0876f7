#include "polytope_plugin.h"
