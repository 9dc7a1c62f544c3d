#ifndef WSHEALTH_CCURL_SHIM_H
#define WSHEALTH_CCURL_SHIM_H

#include <curl/curl.h>

// Swift cannot call C variadic functions, and `curl_easy_setopt` / `curl_easy_getinfo` are
// variadic: one non-variadic wrapper per kind of argument libcurl documents for an option.
// Passing an option the wrong kind of value is undefined behaviour in libcurl, so each call
// site in Swift picks the wrapper that matches the option's documented type.

/// An option that takes a `long` (`CURLOPT_NOSIGNAL`, `CURLOPT_TIMEOUT_MS`, ...).
static inline CURLcode wshealth_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a `curl_off_t` (the `..._LARGE` options).
static inline CURLcode wshealth_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a NUL-terminated string; libcurl copies it (except `CURLOPT_POSTFIELDS`,
/// which is why we use `CURLOPT_COPYPOSTFIELDS`).
static inline CURLcode wshealth_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a data pointer (`CURLOPT_WRITEDATA`, `CURLOPT_HTTPHEADER`,
/// `CURLOPT_ERRORBUFFER`, `CURLOPT_CURLU`, `CURLOPT_COPYPOSTFIELDS`, ...).
static inline CURLcode wshealth_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// A write or header callback (`CURLOPT_WRITEFUNCTION`, `CURLOPT_HEADERFUNCTION`).
static inline CURLcode wshealth_curl_easy_setopt_write_callback(
    CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/// Information returned as a `long` (`CURLINFO_RESPONSE_CODE`, `CURLINFO_OS_ERRNO`, ...).
static inline CURLcode wshealth_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Information returned as a `curl_off_t` (`CURLINFO_TOTAL_TIME_T`, ...).
static inline CURLcode wshealth_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Information returned as a string owned by the handle (`CURLINFO_EFFECTIVE_URL`, ...).
static inline CURLcode wshealth_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

/// `curl_global_init(CURL_GLOBAL_DEFAULT)`: the flags are a macro Swift does not import.
static inline CURLcode wshealth_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/// `CURLAUTH_BASIC`, a macro with a cast that Swift does not import.
static inline long wshealth_curlauth_basic(void) {
    return (long)CURLAUTH_BASIC;
}

/// `CURL_ERROR_SIZE`, the size `CURLOPT_ERRORBUFFER` requires.
static inline size_t wshealth_curl_error_size(void) {
    return CURL_ERROR_SIZE;
}

#endif
