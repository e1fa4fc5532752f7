package io.escrowstore.example.paid.story;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The replica group's certificate authority and one certificate per store node, made when the
 * story starts and written as PKCS12 stores: a key store (the node's key and certificate, with the
 * loopback address as its IP name) and a trust store (the group's CA). A production deployment
 * issues these from its own CA and keeps the keys in its secret store.
 */
final class DemoCertificates {
    /** The password of the demo's stores; they live in a temporary folder deleted at the end. */
    static final String PASSWORD = "paid-service-demo";

    private long serial = 1; // declared first: the CA's certificate below takes the first serial
    private final KeyPair caKeys = ecKeys();
    private final X500Name caName = new X500Name("CN=paid-service replica group");
    private final X509Certificate caCertificate = certificate(caName, caKeys, true, null);

    /** Where one node's stores were written. */
    record NodeStores(Path keyStore, Path trustStore) {
    }

    /** Issues a certificate for a node at {@code 127.0.0.1} and writes its stores under {@code dir}. */
    NodeStores issueLoopbackNode(Path dir) {
        KeyPair keys = ecKeys();
        X509Certificate cert = certificate(new X500Name("CN=127.0.0.1"), keys, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        try {
            Files.createDirectories(dir);
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("node", keys.getPrivate(), PASSWORD.toCharArray(),
                    new Certificate[] {cert, caCertificate});
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("group-ca", caCertificate);
            NodeStores stores = new NodeStores(dir.resolve("node.p12"), dir.resolve("trust.p12"));
            try (OutputStream out = Files.newOutputStream(stores.keyStore())) {
                keyStore.store(out, PASSWORD.toCharArray());
            }
            try (OutputStream out = Files.newOutputStream(stores.trustStore())) {
                trustStore.store(out, PASSWORD.toCharArray());
            }
            return stores;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the node's key stores", e);
        }
    }

    private X509Certificate certificate(X500Name subject, KeyPair subjectKeys, boolean ca, GeneralNames names) {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(serial++),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate", e);
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
