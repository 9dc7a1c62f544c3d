import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway CA and a server certificate it signed for `localhost` (and `127.0.0.1`), written
/// as PEM files to a fresh temporary directory; ``remove()`` deletes them.
///
/// Made in-process for each test: no checked-in keys, nothing that expires between runs.
public struct TestCertificates: Sendable {
    /// The names the server certificate holds.
    public enum Leaf: Sendable {
        /// DNS name `localhost` and IP address `127.0.0.1`.
        case localhostAndLoopbackIP
        /// Only DNS name `localhost`. NIOSSL accepts a certificate whose IP address entry matches
        /// the connected address whatever name was expected, so a test of name checks needs this.
        case localhostOnly
    }

    /// The directory that holds every file.
    public let directory: String
    /// The CA certificate: what a client trusts (the agent's `tls.ca_file`).
    public let caFile: String
    /// The server's certificate chain, leaf only (the backend's `--tls-cert-file`).
    public let certificateChainFile: String
    /// The server's private key (the backend's `--tls-key-file`).
    public let privateKeyFile: String

    /// The DNS name in the server certificate.
    public static let dnsName = "localhost"
    /// The IP address in the server certificate (``Leaf/localhostAndLoopbackIP``).
    public static let ipAddress = "127.0.0.1"

    /// Creates a CA and a server certificate valid from an hour ago for a day, and writes them.
    public static func make(leaf: Leaf = .localhostAndLoopbackIP) throws -> TestCertificates {
        var names: [GeneralName] = [.dnsName(Self.dnsName)]
        if case .localhostAndLoopbackIP = leaf {
            names.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        }
        let caKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let caName = try DistinguishedName { CommonName("wshealth test CA \(UUID())") }
        let now = Date()
        let validity = (from: now.addingTimeInterval(-3_600), to: now.addingTimeInterval(86_400))
        let ca = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: caKey.publicKey,
            notValidBefore: validity.from,
            notValidAfter: validity.to,
            issuer: caName,
            subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: caKey
        )
        let serverKey = P256.Signing.PrivateKey()
        let server = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PrivateKey(serverKey).publicKey,
            notValidBefore: validity.from,
            notValidAfter: validity.to,
            issuer: caName,
            subject: try DistinguishedName { CommonName(Self.dnsName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: caKey
        )

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        let certificates = TestCertificates(
            directory: directory.path,
            caFile: directory.appendingPathComponent("ca.pem").path,
            certificateChainFile: directory.appendingPathComponent("server.pem").path,
            privateKeyFile: directory.appendingPathComponent("server-key.pem").path
        )
        do {
            try Self.write(try ca.serializeAsPEM().pemString, to: certificates.caFile)
            try Self.write(try server.serializeAsPEM().pemString, to: certificates.certificateChainFile)
            try Self.write(serverKey.pemRepresentation, to: certificates.privateKeyFile)
        } catch {
            certificates.remove()
            throw error
        }
        return certificates
    }

    /// Deletes the directory and every file in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    private static func write(_ pem: String, to path: String) throws {
        try Data((pem + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }
}
