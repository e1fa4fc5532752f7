package io.escrowstore.raft.internal.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import io.escrowstore.raft.TlsConfig;

/** Certificate authorities and member identities made at test time, so no key is ever committed. */
final class TestCertificates {
    private static final char[] PASSWORD = "test-only".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private TestCertificates() {
    }

    /** A CA for one replica group. */
    record Ca(String name, KeyPair keys, X509Certificate certificate) {
        /** A leaf certificate naming {@code ip} as its IP SAN (and CN), signed by this CA. */
        Identity issue(String ip) {
            KeyPair leaf = ecKeys();
            X509Certificate cert = sign(new X500Name("CN=" + ip), leaf, new X500Name("CN=" + name), keys, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)));
            return new Identity(leaf, cert, this);
        }

        /** Writes a DER CRL of this CA revoking {@code revoked} to {@code file}. */
        void writeCrl(Path file, X509Certificate... revoked) {
            Instant now = Instant.now();
            X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name("CN=" + name), Date.from(now));
            builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
            for (X509Certificate certificate : revoked) {
                builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now), CRLReason.keyCompromise);
            }
            try {
                Files.write(file, builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                        .getEncoded());
            } catch (IOException | OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** An operator's certificate: the operator role URI as its only SAN, {@code name} as CN. */
        Identity issueOperator(String name) {
            KeyPair leaf = ecKeys();
            X509Certificate cert = sign(new X500Name("CN=" + name), leaf, new X500Name("CN=" + this.name), keys, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, PeerRole.OPERATOR_URI)));
            return new Identity(leaf, cert, this);
        }
    }

    /** A member's key pair and certificate, with the CA it trusts. */
    record Identity(KeyPair keys, X509Certificate certificate, Ca ca) {
        /** Writes a PKCS12 key store and trust store under {@code dir} and returns the config for them. */
        TlsConfig write(Path dir) {
            return write(dir, ca);
        }

        /** As {@link #write(Path)}, but trusting {@code trusted} (e.g. an intruder that knows the group's CA). */
        TlsConfig write(Path dir, Ca trusted) {
            Path keyPath = dir.resolve("member.p12");
            Path trustPath = dir.resolve("trust.p12");
            writeKeyStore(keyPath);
            writeTrustStore(trustPath, trusted);
            return TlsConfig.builder().keyStore(keyPath, PASSWORD).trustStore(trustPath, PASSWORD).build();
        }

        /** (Re)writes a PKCS12 key store holding this identity at {@code file}, replacing it atomically. */
        void writeKeyStore(Path file) {
            try {
                KeyStore keyStore = KeyStore.getInstance("PKCS12");
                keyStore.load(null, null);
                keyStore.setKeyEntry("member", keys.getPrivate(), PASSWORD,
                        new Certificate[] {certificate, ca.certificate()});
                replace(file, keyStore);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** (Re)writes a PKCS12 trust store holding the certificates of {@code trusted}, replacing it atomically. */
    static void writeTrustStore(Path file, Ca... trusted) {
        try {
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            for (Ca ca : trusted) {
                trustStore.setCertificateEntry(ca.name(), ca.certificate());
            }
            replace(file, trustStore);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes next to {@code file}, then renames over it, with a modification time later than the old one's. */
    private static void replace(Path file, KeyStore store) throws GeneralSecurityException, IOException {
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try (OutputStream out = Files.newOutputStream(next)) {
            store.store(out, PASSWORD);
        }
        FileTime modified = FileTime.from(Instant.now());
        if (Files.exists(file) && Files.getLastModifiedTime(file).compareTo(modified) >= 0) {
            modified = FileTime.from(Files.getLastModifiedTime(file).toInstant().plusMillis(1));
        }
        Files.setLastModifiedTime(next, modified);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Ca ca(String name) {
        KeyPair keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        return new Ca(name, keys, sign(subject, keys, subject, keys, true, null));
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            boolean ca, GeneralNames sans) {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (sans != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
