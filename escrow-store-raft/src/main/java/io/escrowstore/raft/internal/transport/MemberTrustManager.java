package io.escrowstore.raft.internal.transport;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer only if its chain validates against the group's trust store (PKIX, expiry
 * included) and its leaf certificate names a current member's host: a DNS or IP subject
 * alternative name, or the subject CN when the certificate has no such SAN. A server (a member
 * talks only to members) must hold a member certificate; a client may hold a member certificate
 * or an operator certificate ({@link PeerRole}), whose requests {@link RoleCheckingRpcServer}
 * then limits to admin requests. With a {@link RevocationList}, a listed leaf certificate is
 * refused too.
 *
 * <p>The check is "some member", not "the member this connection is for": bolt creates the SSL
 * engine before it knows the remote address, and every member is equally trusted by Raft anyway.
 */
final class MemberTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Supplier<Set<String>> members;
    private final RevocationList revoked;

    /** @param members lower-case member hosts, read at every handshake */
    MemberTrustManager(X509ExtendedTrustManager pkix, Supplier<Set<String>> members) {
        this(pkix, members, null);
    }

    /** @param revoked certificates to refuse although their chain is valid; null for none */
    MemberTrustManager(X509ExtendedTrustManager pkix, Supplier<Set<String>> members, RevocationList revoked) {
        this.pkix = pkix;
        this.members = members;
        this.revoked = revoked;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
        requireMemberOrOperator(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, engine);
        requireMember(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
        requireMemberOrOperator(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        requireMember(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
        requireMemberOrOperator(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        requireMember(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    /** A client may be an operator (admin requests only, checked per request) or a member. */
    private void requireMemberOrOperator(X509Certificate[] chain) throws CertificateException {
        requireNotRevoked(chain);
        if (chain != null && chain.length > 0 && PeerRole.of(chain[0]) == PeerRole.OPERATOR) {
            return;
        }
        requireMember(chain);
    }

    private void requireNotRevoked(X509Certificate[] chain) throws CertificateException {
        if (revoked != null && chain != null && chain.length > 0) {
            revoked.check(chain[0]);
        }
    }

    private void requireMember(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no peer certificate");
        }
        requireNotRevoked(chain);
        if (PeerRole.of(chain[0]) != PeerRole.MEMBER) {
            throw new CertificateException("peer certificate " + chain[0].getSubjectX500Principal()
                    + " is an operator's, not a member's");
        }
        List<String> names = identities(chain[0]);
        Set<String> allowed = members.get();
        for (String name : names) {
            if (allowed.contains(name)) {
                return;
            }
        }
        throw new CertificateException("peer certificate " + chain[0].getSubjectX500Principal() + " names " + names
                + ", none of them a member host " + allowed);
    }

    /** The names a certificate claims: its DNS and IP SANs, or its subject CN if it has none. */
    static List<String> identities(X509Certificate certificate) throws CertificateException {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    // 2 = dNSName, 7 = iPAddress (RFC 5280)
                    if ((Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) && san.get(1) instanceof String value) {
                        names.add(value.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new CertificateException("unreadable subject alternative names", e);
        }
        if (!names.isEmpty()) {
            return names;
        }
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
                }
            }
        } catch (InvalidNameException e) {
            throw new CertificateException("unreadable subject name", e);
        }
        return names;
    }
}
