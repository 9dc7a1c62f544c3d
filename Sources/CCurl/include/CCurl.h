#ifndef WSHEALTH_CCURL_H
#define WSHEALTH_CCURL_H

// libcurl, loaded at run time. The agent needs libcurl only to deliver alerts, and linking it
// would load it (with OpenSSL and some 30 other libraries, about 9 MiB resident) into every
// agent, receivers or not. So nothing here links against libcurl: `wshealth_curl_load` opens
// it with `dlopen` when the first receiver is set up, and every other function calls through
// the table it filled. Only libcurl's headers (libcurl4-openssl-dev) are needed to build.
//
// Call `wshealth_curl_load` and have it succeed before any other function here: until then
// the table is empty.
//
// Swift cannot call C variadic functions, and `curl_easy_setopt` / `curl_easy_getinfo` are
// variadic: one non-variadic wrapper per kind of argument libcurl documents for an option.
// Passing an option the wrong kind of value is undefined behaviour in libcurl, so each call
// site in Swift picks the wrapper that matches the option's documented type.

#include <curl/curl.h>
#include <stddef.h>

/// The file `wshealth_curl_load` opens by default: `libcurl.so.4` (Debian's libcurl4), or
/// `libcurl.4.dylib` on macOS.
const char *wshealth_curl_default_library(void);

/// Opens the libcurl at `path` (a file name the dynamic linker searches for, or a path),
/// resolves every function this module calls and runs `curl_global_init(CURL_GLOBAL_DEFAULT)`.
/// Returns 0 on success. On failure returns -1 and writes why into `error` (NUL-terminated,
/// at most `error_size` bytes): the dynamic linker's message, the missing function, or the
/// failed `curl_global_init`. Thread-safe; after the first success later calls open nothing
/// new and succeed when their `path` is a libcurl too.
int wshealth_curl_load(const char *path, char *error, size_t error_size);

/// `curl_version()`: "libcurl/7.88.1 OpenSSL/3.0.x ...".
const char *wshealth_curl_version(void);

CURL *wshealth_curl_easy_init(void);
void wshealth_curl_easy_cleanup(CURL *handle);
void wshealth_curl_easy_reset(CURL *handle);
CURLcode wshealth_curl_easy_perform(CURL *handle);
const char *wshealth_curl_easy_strerror(CURLcode code);

/// An option that takes a `long` (`CURLOPT_NOSIGNAL`, `CURLOPT_TIMEOUT_MS`, ...).
CURLcode wshealth_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);

/// An option that takes a `curl_off_t` (the `..._LARGE` options).
CURLcode wshealth_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

/// An option that takes a NUL-terminated string; libcurl copies it (except `CURLOPT_POSTFIELDS`,
/// which is why we use `CURLOPT_COPYPOSTFIELDS`).
CURLcode wshealth_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);

/// An option that takes a data pointer (`CURLOPT_WRITEDATA`, `CURLOPT_HTTPHEADER`,
/// `CURLOPT_ERRORBUFFER`, `CURLOPT_CURLU`, `CURLOPT_COPYPOSTFIELDS`, ...).
CURLcode wshealth_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);

/// A write or header callback (`CURLOPT_WRITEFUNCTION`, `CURLOPT_HEADERFUNCTION`).
CURLcode wshealth_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback);

/// Information returned as a `long` (`CURLINFO_RESPONSE_CODE`, `CURLINFO_OS_ERRNO`, ...).
CURLcode wshealth_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);

struct curl_slist *wshealth_curl_slist_append(struct curl_slist *list, const char *string);
void wshealth_curl_slist_free_all(struct curl_slist *list);

CURLU *wshealth_curl_url(void);
void wshealth_curl_url_cleanup(CURLU *handle);
CURLUcode wshealth_curl_url_set(CURLU *handle, CURLUPart part, const char *content, unsigned int flags);
CURLUcode wshealth_curl_url_get(CURLU *handle, CURLUPart part, char **content, unsigned int flags);
void wshealth_curl_free(void *pointer);

/// `CURLAUTH_BASIC`, a macro with a cast that Swift does not import.
static inline long wshealth_curlauth_basic(void) { return (long)CURLAUTH_BASIC; }

/// `CURL_ERROR_SIZE`, the size `CURLOPT_ERRORBUFFER` requires.
static inline size_t wshealth_curl_error_size(void) { return CURL_ERROR_SIZE; }

#endif
