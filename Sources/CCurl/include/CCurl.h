#ifndef KAMPAGNE_CCURL_H
#define KAMPAGNE_CCURL_H

#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these typed
   wrappers are the whole of this target. */

typedef size_t (*kc_read_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef size_t (*kc_header_callback)(char *buffer, size_t size, size_t count, void *userdata);

CURLcode kc_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode kc_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode kc_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode kc_setopt_read_function(CURL *handle, kc_read_callback callback);
CURLcode kc_setopt_header_function(CURL *handle, kc_header_callback callback);
CURLcode kc_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
