package io.escrowstore.raft.internal.transport;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What a peer's certificate allows it to send. A certificate carrying the URI subject alternative
 * name {@value #OPERATOR_URI} is an operator's: it may send admin requests and nothing else, and it
 * need not name a member host. Any other certificate of the group's CA is a member's: it must name
 * a member host, and it may send Raft and forwarded traffic and the read-only admin requests
 * members exchange (node and cluster status), never a change.
 */
public enum PeerRole {
    MEMBER,
    OPERATOR;

    /** The URI SAN that makes a certificate an operator's. */
    public static final String OPERATOR_URI = "urn:escrow-store:role:operator";

    /** The key under which a server connection's {@link Peer} is kept, once its handshake completed. */
    static final String CONNECTION_ATTRIBUTE = "escrow-store.peer";

    /** What a connection's certificate says: its role and the host names it carries (lower case). */
    record Peer(PeerRole role, Set<String> names) {
        static Peer of(X509Certificate certificate) throws CertificateException {
            return new Peer(PeerRole.of(certificate), Set.copyOf(MemberTrustManager.identities(certificate)));
        }
    }

    /** The role of a leaf certificate: {@link #OPERATOR} if it carries {@link #OPERATOR_URI}. */
    static PeerRole of(X509Certificate certificate) throws CertificateException {
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    // 6 = uniformResourceIdentifier (RFC 5280)
                    if (Integer.valueOf(6).equals(san.get(0)) && OPERATOR_URI.equals(san.get(1))) {
                        return OPERATOR;
                    }
                }
            }
            return MEMBER;
        } catch (CertificateParsingException e) {
            throw new CertificateException("unreadable subject alternative names", e);
        }
    }
}
