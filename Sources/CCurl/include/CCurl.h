#ifndef KAMPAGNE_CCURL_H
#define KAMPAGNE_CCURL_H

#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these typed
   wrappers are the whole of this target. */

typedef size_t (*kc_read_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*kc_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata);

CURLcode kc_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode kc_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode kc_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode kc_setopt_read_function(CURL *handle, kc_read_callback callback);
CURLcode kc_setopt_debug_function(CURL *handle, kc_debug_callback callback);
CURLcode kc_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
