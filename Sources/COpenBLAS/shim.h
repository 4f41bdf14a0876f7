// Debian's libopenblas-dev installs cblas.h through alternatives (multiarch include dir).
#include <cblas.h>
// OpenBLAS extensions: thread control, so small per-token matmuls can run single-threaded.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
