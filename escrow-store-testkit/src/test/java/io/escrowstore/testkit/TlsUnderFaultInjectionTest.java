package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.escrowstore.Accepted;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.TlsConfig;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS keeps working when the testkit's fault-injecting RPC factory (priority 100) is jraft's
 * factory: it delegates to the store's factory, which secures each node's Raft client. Certificates
 * are made at test time.
 */
class TlsUnderFaultInjectionTest {
    private static final char[] PASSWORD = "test-only".toCharArray();

    @TempDir
    Path dir;

    private final List<RaftPaymentStore> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(RaftPaymentStore::close);
    }

    @Test
    void tlsGroupFormsAndServesClaimsUnderTheFaultInjectingFactory() throws Exception {
        assertThat(RpcFactoryHelper.rpcFactory()).isInstanceOf(FaultInjectingRpcFactory.class);
        KeyPair caKeys = keys();
        X509Certificate ca = certificate("CN=group-ca", caKeys, "CN=group-ca", caKeys, null);
        int[] ports = FreePorts.pick(3);
        List<Member> members = List.of(new Member("127.0.0.1", ports[0]), new Member("127.0.0.1", ports[1]),
                new Member("127.0.0.1", ports[2]));
        GroupId group = TestChannels.randomGroupId();
        for (Member self : members) {
            nodes.add(RaftPaymentStore.open(RaftStoreConfig.builder().groupId(group).raftGroup("tls-fi-" + ports[0])
                    .self(self).members(members).dataDir(dir.resolve("data-" + self.port()))
                    .electionTimeout(Duration.ofMillis(500)).maxElectionDelay(Duration.ofMillis(500))
                    .tls(tls(dir.resolve("tls-" + self.port()), ca, caKeys)).build()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().anyMatch(n -> n.status().isLeader()));
        RaftPaymentStore follower = nodes.stream().filter(n -> !n.status().isLeader()).findFirst().orElseThrow();
        follower.syncFromChain(TestChannels.opened(group, 1, 1_000));
        assertThat(follower.claim(TestChannels.claim(1, 0, 10, 10))).isInstanceOf(Accepted.class);
    }

    private static TlsConfig tls(Path dir, X509Certificate ca, KeyPair caKeys) throws Exception {
        Files.createDirectories(dir);
        KeyPair member = keys();
        X509Certificate cert = certificate("CN=127.0.0.1", member, "CN=group-ca", caKeys,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("member", member.getPrivate(), PASSWORD, new Certificate[] {cert, ca});
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("group-ca", ca);
        try (OutputStream out = Files.newOutputStream(dir.resolve("member.p12"))) {
            keyStore.store(out, PASSWORD);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("trust.p12"))) {
            trustStore.store(out, PASSWORD);
        }
        return TlsConfig.builder().keyStore(dir.resolve("member.p12"), PASSWORD)
                .trustStore(dir.resolve("trust.p12"), PASSWORD).build();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
            GeneralNames sans) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(System.nanoTime()), Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86400)),
                new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(sans == null));
        if (sans != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, sans);
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }
}
