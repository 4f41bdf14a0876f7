// libFuzzer's driver entry (compiler-rt, LLVM >= 11): SwiftPM gives each executable its own
// main, which hands control to libFuzzer with the target's callback.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
