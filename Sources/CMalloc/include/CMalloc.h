#ifndef KAMPAGNE_CMALLOC_H
#define KAMPAGNE_CMALLOC_H

/// glibc's `mallopt(M_ARENA_MAX, count)`, which Swift's Glibc module does not export
/// (malloc.h is not in it). Returns 1 when glibc took the value, 0 otherwise (and always 0
/// without glibc).
int km_limit_malloc_arenas(int count);

#endif
