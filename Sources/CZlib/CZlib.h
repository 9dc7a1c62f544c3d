// zlib, for permessage-deflate (RFC 7692). `inflateInit2` and `deflateInit2` are macros that
// pass zlib's version and the stream's size: Swift cannot call them, so these wrappers do.
#ifndef WSHEALTH_CZLIB_H
#define WSHEALTH_CZLIB_H

#include <zlib.h>

static inline int wshealth_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

static inline int wshealth_deflateInit2(z_streamp stream, int level, int windowBits, int memLevel) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY);
}

#endif
