#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

// The functions of libcurl this module calls, resolved from the loaded library. The types are
// libcurl's prototypes (curl.h, easy.h, urlapi.h).
struct curl_functions {
    CURLcode (*global_init)(long flags);
    char *(*version)(void);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *handle);
    void (*easy_reset)(CURL *handle);
    CURLcode (*easy_perform)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *string);
    void (*slist_free_all)(struct curl_slist *list);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *handle);
    CURLUcode (*url_set)(CURLU *handle, CURLUPart part, const char *content, unsigned int flags);
    CURLUcode (*url_get)(CURLU *handle, CURLUPart part, char **content, unsigned int flags);
    void (*free)(void *pointer);
};

// Written once, under `load_lock`, before `loaded` is set; read without the lock afterwards by
// callers whose `wshealth_curl_load` returned 0 (taking the lock ordered them after the write).
static struct curl_functions curl;
static int loaded = 0;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

const char *wshealth_curl_default_library(void) {
#if defined(__APPLE__)
    return "libcurl.4.dylib";
#else
    return "libcurl.so.4";
#endif
}

// Resolves `name` into `*slot`; on failure says which function is missing.
static int resolve(void *library, const char *name, void **slot, const char *path, char *error, size_t error_size) {
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        snprintf(error, error_size, "%s has no function %s: not a libcurl, or an older one than 7.62", path, name);
        return -1;
    }
    return 0;
}

// Fills `table` from `library`; -1 (with `error` written) when a function is missing.
static int resolve_all(void *library, struct curl_functions *table, const char *path, char *error, size_t error_size) {
    struct {
        const char *name;
        void **slot;
    } symbols[] = {
        {"curl_global_init", (void **)&table->global_init},
        {"curl_version", (void **)&table->version},
        {"curl_easy_init", (void **)&table->easy_init},
        {"curl_easy_cleanup", (void **)&table->easy_cleanup},
        {"curl_easy_reset", (void **)&table->easy_reset},
        {"curl_easy_perform", (void **)&table->easy_perform},
        {"curl_easy_strerror", (void **)&table->easy_strerror},
        {"curl_easy_setopt", (void **)&table->easy_setopt},
        {"curl_easy_getinfo", (void **)&table->easy_getinfo},
        {"curl_slist_append", (void **)&table->slist_append},
        {"curl_slist_free_all", (void **)&table->slist_free_all},
        {"curl_url", (void **)&table->url},
        {"curl_url_cleanup", (void **)&table->url_cleanup},
        {"curl_url_set", (void **)&table->url_set},
        {"curl_url_get", (void **)&table->url_get},
        {"curl_free", (void **)&table->free},
    };
    for (size_t index = 0; index < sizeof(symbols) / sizeof(symbols[0]); index++) {
        if (resolve(library, symbols[index].name, symbols[index].slot, path, error, error_size) != 0) {
            return -1;
        }
    }
    return 0;
}

int wshealth_curl_load(const char *path, char *error, size_t error_size) {
    // RTLD_LOCAL: libcurl's symbols (and OpenSSL's) stay out of the global namespace.
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(error, error_size, "%s", reason != NULL ? reason : path);
        return -1;
    }
    struct curl_functions table;
    if (resolve_all(library, &table, path, error, error_size) != 0) {
        dlclose(library);
        return -1;
    }

    int status = 0;
    int kept = 0;
    pthread_mutex_lock(&load_lock);
    if (!loaded) {
        // curl_global_init is not thread-safe: the lock makes this its only call. The library
        // stays open (and initialised) until the process exits.
        CURLcode code = table.global_init(CURL_GLOBAL_DEFAULT);
        if (code == CURLE_OK) {
            curl = table;
            loaded = 1;
            kept = 1;
        } else {
            snprintf(error, error_size, "%s: curl_global_init failed: %s", path, table.easy_strerror(code));
            status = -1;
        }
    }
    pthread_mutex_unlock(&load_lock);
    if (!kept) {
        // Failed, or a libcurl was loaded before: this handle only raised its count.
        dlclose(library);
    }
    return status;
}

const char *wshealth_curl_version(void) { return curl.version(); }

CURL *wshealth_curl_easy_init(void) { return curl.easy_init(); }

void wshealth_curl_easy_cleanup(CURL *handle) { curl.easy_cleanup(handle); }

void wshealth_curl_easy_reset(CURL *handle) { curl.easy_reset(handle); }

CURLcode wshealth_curl_easy_perform(CURL *handle) { return curl.easy_perform(handle); }

const char *wshealth_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }

CURLcode wshealth_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode wshealth_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode wshealth_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode wshealth_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode wshealth_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl.easy_setopt(handle, option, callback);
}

CURLcode wshealth_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl.easy_getinfo(handle, info, value);
}

struct curl_slist *wshealth_curl_slist_append(struct curl_slist *list, const char *string) {
    return curl.slist_append(list, string);
}

void wshealth_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLU *wshealth_curl_url(void) { return curl.url(); }

void wshealth_curl_url_cleanup(CURLU *handle) { curl.url_cleanup(handle); }

CURLUcode wshealth_curl_url_set(CURLU *handle, CURLUPart part, const char *content, unsigned int flags) {
    return curl.url_set(handle, part, content, flags);
}

CURLUcode wshealth_curl_url_get(CURLU *handle, CURLUPart part, char **content, unsigned int flags) {
    return curl.url_get(handle, part, content, flags);
}

void wshealth_curl_free(void *pointer) { curl.free(pointer); }
