import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension HTTPTransportFailure.Reason {
    /// The reason for a failed `curl_easy_perform`, from its `CURLcode` and, for a failed
    /// connect, the `errno` of the last connect (`CURLINFO_OS_ERRNO`): only `ECONNREFUSED` is
    /// `refused`; an unreachable host or network is a `network_error`.
    init(curlCode code: CURLcode, osErrno: Int32) {
        switch code {
        case CURLE_COULDNT_CONNECT:
            self = osErrno == ECONNREFUSED ? .refused : .networkError
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .dnsFailure
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            self = .tlsFailure
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT,
            CURLE_UNKNOWN_OPTION:
            self = .invalidRequest
        default:
            self = .networkError
        }
    }
}

extension HTTPTransportFailure {
    /// The failure of a transfer to `url`, its detail built so it cannot leak a secret:
    /// `origin: message (errno text)`, where the message is libcurl's error buffer when it
    /// contains none of `secrets` (nor the URL's secret parts), else libcurl's generic text
    /// for the code.
    init(curlCode code: CURLcode, osErrno: Int32, errorBuffer: String, url: CurlURL, secrets: [String]) {
        let generic = String(cString: wshealth_curl_easy_strerror(code))
        let allSecrets = (url.secretParts + secrets).filter { !$0.isEmpty }
        var message =
            errorBuffer.isEmpty || allSecrets.contains { secret in errorBuffer.contains(secret) }
            ? generic : errorBuffer
        if osErrno != 0, let text = strerror(osErrno).map({ String(cString: $0) }), !message.contains(text) {
            message += " (\(text))"
        }
        self.init(reason: Reason(curlCode: code, osErrno: osErrno), detail: "\(url.origin): \(message)")
    }
}
