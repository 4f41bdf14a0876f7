/* Header-only target: the C API lives in include/polytopelens.h, implemented in PolytopeLensC. */
#include "polytopelens.h"
