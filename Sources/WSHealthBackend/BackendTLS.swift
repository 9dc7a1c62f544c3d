public import NIOSSL

/// TLS for the reference backend's WebSocket listener (`wss://`): the certificate chain it
/// presents and the leaf's private key. The admin listener never uses it.
public struct BackendTLS: Sendable, Hashable {
    /// The certificate chain, leaf first.
    public var certificateChain: [NIOSSLCertificate]
    /// The private key of the leaf certificate. Never logged.
    public var privateKey: NIOSSLPrivateKey

    /// Uses certificates and a key already loaded.
    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// Loads a PEM certificate chain (leaf first) and a PEM private key.
    ///
    /// Throws a ``ReferenceBackendError`` naming the file that cannot be read or parsed.
    public init(certificateChainFile: String, privateKeyFile: String) throws(ReferenceBackendError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateChainFile)
        } catch {
            throw .invalidConfiguration("tls: cannot load the certificate chain \(certificateChainFile): \(error)")
        }
        guard !chain.isEmpty else {
            throw .invalidConfiguration("tls: no PEM certificate in \(certificateChainFile)")
        }
        do {
            self.privateKey = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        } catch {
            // The key's bytes never appear in the message, only the path.
            throw .invalidConfiguration("tls: cannot load the private key \(privateKeyFile): \(error)")
        }
        self.certificateChain = chain
    }

    /// The server context every accepted connection shares.
    func makeContext() throws(ReferenceBackendError) -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: self.certificateChain.map { .certificate($0) },
            privateKey: .privateKey(self.privateKey)
        )
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidConfiguration("tls: the certificate chain and private key cannot be used: \(error)")
        }
    }
}
