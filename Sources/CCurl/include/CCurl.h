#ifndef KAMPAGNE_CCURL_H
#define KAMPAGNE_CCURL_H

#include <curl/curl.h>

/* curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot
   call, and CURLMsg carries a union: these typed wrappers are the whole of this target. */

typedef size_t (*kc_read_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef size_t (*kc_header_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef size_t (*kc_write_callback)(char *buffer, size_t size, size_t count, void *userdata);

CURLcode kc_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode kc_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode kc_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode kc_setopt_read_function(CURL *handle, kc_read_callback callback);
CURLcode kc_setopt_header_function(CURL *handle, kc_header_callback callback);
CURLcode kc_setopt_write_function(CURL *handle, kc_write_callback callback);
CURLcode kc_getinfo_long(CURL *handle, CURLINFO info, long *value);

CURLMcode kc_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/* The next finished transfer of `multi`: returns 1 and fills `easy` and `result`, or returns 0
   when no transfer has finished since the last call. */
int kc_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

/* curl_multi_poll watching one extra descriptor for reading (-1: none). */
CURLMcode kc_multi_poll(CURLM *multi, int extra_fd, int timeout_ms);

#endif
