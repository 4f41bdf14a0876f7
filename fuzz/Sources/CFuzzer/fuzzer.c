// Header-only module: the symbol comes from libFuzzer (linked by -sanitize=fuzzer).
#include "fuzzer.h"
