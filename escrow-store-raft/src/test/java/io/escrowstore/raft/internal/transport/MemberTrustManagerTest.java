package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import io.escrowstore.raft.TlsConfig;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberTrustManagerTest {
    private final TestCertificates.Ca groupCa = TestCertificates.ca("group-ca");
    private final MemberTrustManager trust = new MemberTrustManager(pkix(groupCa), () -> Set.of("127.0.0.1", "10.0.0.2"));

    @Test
    void memberOfTheGroupCaIsTrustedAsClientAndServer() throws Exception {
        X509Certificate[] chain = chain(groupCa.issue("10.0.0.2"));
        trust.checkClientTrusted(chain, "EC");
        trust.checkServerTrusted(chain, "ECDHE_ECDSA");
    }

    @Test
    void nonMemberOfTheGroupCaIsRefused() {
        X509Certificate[] chain = chain(groupCa.issue("10.0.0.9"));
        assertThatThrownBy(() -> trust.checkClientTrusted(chain, "EC")).isInstanceOf(CertificateException.class)
                .hasMessageContaining("10.0.0.9").hasMessageContaining("none of them a member");
        assertThatThrownBy(() -> trust.checkServerTrusted(chain, "ECDHE_ECDSA")).isInstanceOf(CertificateException.class);
    }

    @Test
    void memberHostCertifiedByAnotherCaIsRefused() {
        X509Certificate[] chain = chain(TestCertificates.ca("other-ca").issue("10.0.0.2"));
        assertThatThrownBy(() -> trust.checkClientTrusted(chain, "EC")).isInstanceOf(CertificateException.class);
    }

    @Test
    void operatorCertificateIsTrustedAsClientOnlyAndGetsTheOperatorRole() throws Exception {
        X509Certificate[] chain = chain(groupCa.issueOperator("alice"));
        trust.checkClientTrusted(chain, "EC");
        assertThat(PeerRole.of(chain[0])).isEqualTo(PeerRole.OPERATOR);
        assertThatThrownBy(() -> trust.checkServerTrusted(chain, "ECDHE_ECDSA")).as("a node never serves as operator")
                .isInstanceOf(CertificateException.class).hasMessageContaining("operator");
    }

    @Test
    void operatorCertificateOfAnotherCaIsRefused() {
        X509Certificate[] chain = chain(TestCertificates.ca("other-ca").issueOperator("mallory"));
        assertThatThrownBy(() -> trust.checkClientTrusted(chain, "EC")).isInstanceOf(CertificateException.class);
    }

    @Test
    void certificateOnTheCrlIsRefusedAndANewCrlFileTakesEffectWithoutRestart(@TempDir Path dir) throws Exception {
        TestCertificates.Identity stolen = groupCa.issue("10.0.0.2");
        TestCertificates.Identity other = groupCa.issue("127.0.0.1");
        TestCertificates.Identity operator = groupCa.issueOperator("alice");
        Path crl = dir.resolve("group.crl");
        groupCa.writeCrl(crl, stolen.certificate(), operator.certificate());
        MemberTrustManager checking = new MemberTrustManager(pkix(groupCa), () -> Set.of("127.0.0.1", "10.0.0.2"),
                new RevocationList(crl, List.of(groupCa.certificate())));

        assertThatThrownBy(() -> checking.checkClientTrusted(chain(stolen), "EC"))
                .isInstanceOf(CertificateException.class).hasMessageContaining("revoked");
        assertThatThrownBy(() -> checking.checkServerTrusted(chain(stolen), "ECDHE_ECDSA")).hasMessageContaining("revoked");
        assertThatThrownBy(() -> checking.checkClientTrusted(chain(operator), "EC")).hasMessageContaining("revoked");
        checking.checkClientTrusted(chain(other), "EC");

        groupCa.writeCrl(crl, other.certificate());
        Files.setLastModifiedTime(crl, FileTime.from(Instant.now().plusSeconds(5)));
        checking.checkClientTrusted(chain(stolen), "EC");
        assertThatThrownBy(() -> checking.checkClientTrusted(chain(other), "EC")).hasMessageContaining("revoked");
    }

    @Test
    void crlOfAnUntrustedIssuerIsRefusedAtStart(@TempDir Path dir) {
        Path crl = dir.resolve("other.crl");
        TestCertificates.ca("other-ca").writeCrl(crl);
        assertThatThrownBy(() -> new RevocationList(crl, List.of(groupCa.certificate())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a trusted CA");
        TlsConfig member = groupCa.issue("10.0.0.2").write(dir.resolve("member"));
        TlsConfig withCrl = TlsConfig.builder().keyStore(member.keyStore(), member.keyStorePassword())
                .trustStore(member.trustStore(), member.trustStorePassword()).crlFile(crl).build();
        assertThatThrownBy(() -> TransportSecurity.of(withCrl, Set::of, "test")).as("the store's TLS reads the CRL")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a trusted CA");
    }

    @Test
    void memberCertificateGetsTheMemberRole() throws Exception {
        assertThat(PeerRole.of(groupCa.issue("10.0.0.2").certificate())).isEqualTo(PeerRole.MEMBER);
    }

    @Test
    void identitiesAreTheSansOfTheLeaf() throws Exception {
        assertThat(MemberTrustManager.identities(groupCa.issue("127.0.0.1").certificate())).containsExactly("127.0.0.1");
        assertThat(MemberTrustManager.identities(groupCa.certificate())).as("no SAN: the CN").containsExactly("group-ca");
    }

    private static X509Certificate[] chain(TestCertificates.Identity identity) {
        return new X509Certificate[] {identity.certificate(), identity.ca().certificate()};
    }

    private static X509ExtendedTrustManager pkix(TestCertificates.Ca ca) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            return (X509ExtendedTrustManager) factory.getTrustManagers()[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
