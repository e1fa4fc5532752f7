package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

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
