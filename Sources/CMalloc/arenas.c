#include "CMalloc.h"
// Any libc header defines __GLIBC__ (through features.h) when the libc is glibc.
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>

int km_limit_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}
#else
int km_limit_malloc_arenas(int count) {
    (void)count;
    return 0;
}
#endif
