package io.escrowstore.raft;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Mutual TLS for every connection a store opens or accepts on its Raft port: Raft traffic,
 * forwarded commands and admin requests. Held by one {@link RaftStoreConfig}, so two stores in one
 * JVM may use different identities; nothing is read from system properties.
 *
 * <p>The key store holds this member's private key and certificate chain; the trust store holds
 * the CA that signs the certificates of this replica group (and nothing else). A peer is accepted
 * only if its chain validates against the trust store <em>and</em> its leaf certificate names a
 * member of the group, as a subject alternative name (DNS or IP) or, failing any SAN, as the
 * subject CN, equal to the member's host. See {@code docs/security.md}.
 *
 * <p><b>Warning:</b> the passwords are kept in memory as long as the config lives.
 */
public final class TlsConfig {
    /** Protocols enabled unless {@link Builder#protocols} says otherwise. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final Path keyStore;
    private final char[] keyStorePassword;
    private final String keyStoreType;
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final String trustStoreType;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final Path crlFile;

    private TlsConfig(Builder b) {
        this.crlFile = b.crlFile;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword.clone();
        this.keyStoreType = b.keyStoreType;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword.clone();
        this.trustStoreType = b.trustStoreType;
        this.protocols = List.copyOf(b.protocols);
        this.cipherSuites = List.copyOf(b.cipherSuites);
    }

    /** A builder with no stores set, {@link #DEFAULT_PROTOCOLS} and the JDK's default cipher suites. */
    public static Builder builder() {
        return new Builder();
    }

    /** The key store holding this node's private key and certificate chain. */
    public Path keyStore() {
        return keyStore;
    }

    public char[] keyStorePassword() {
        return keyStorePassword.clone();
    }

    /** The key store's type, e.g. {@code PKCS12}. */
    public String keyStoreType() {
        return keyStoreType;
    }

    /** The trust store holding the certificate authorities a peer certificate must chain to. */
    public Path trustStore() {
        return trustStore;
    }

    public char[] trustStorePassword() {
        return trustStorePassword.clone();
    }

    /** The trust store's type, e.g. {@code PKCS12}. */
    public String trustStoreType() {
        return trustStoreType;
    }

    /** The TLS protocols enabled, {@link #DEFAULT_PROTOCOLS} unless the builder was given others. */
    public List<String> protocols() {
        return protocols;
    }

    /** Cipher suites to enable; empty means the JDK's defaults for the enabled protocols. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /**
     * A certificate revocation list file (PEM or DER) signed by a trusted CA: a peer whose
     * certificate it lists is refused at the handshake. Read again when the file changes.
     */
    public Optional<Path> crlFile() {
        return Optional.ofNullable(crlFile);
    }

    @Override
    public String toString() {
        return "TlsConfig{keyStore=" + keyStore + " (" + keyStoreType + "), trustStore=" + trustStore + " ("
                + trustStoreType + "), protocols=" + protocols + ", cipherSuites="
                + (cipherSuites.isEmpty() ? "JDK defaults" : cipherSuites)
                + (crlFile == null ? "" : ", crlFile=" + crlFile) + "}";
    }

    /** Mutable builder of {@link TlsConfig}; not thread-safe. */
    public static final class Builder {
        private Path keyStore;
        private char[] keyStorePassword;
        private String keyStoreType = "PKCS12";
        private Path trustStore;
        private char[] trustStorePassword;
        private String trustStoreType = "PKCS12";
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private Path crlFile;

        private Builder() {
        }

        /** Optional: a CRL file (PEM or DER) of a trusted CA; listed peers are refused. Default none. */
        public Builder crlFile(Path file) {
            this.crlFile = Objects.requireNonNull(file, "crlFile");
            return this;
        }

        /** Required: this member's key pair and certificate chain, and the store's password. */
        public Builder keyStore(Path path, char[] password) {
            this.keyStore = Objects.requireNonNull(path, "keyStore");
            this.keyStorePassword = Objects.requireNonNull(password, "keyStorePassword").clone();
            return this;
        }

        /** Key store type: PKCS12 (default) or JKS. */
        public Builder keyStoreType(String type) {
            this.keyStoreType = Objects.requireNonNull(type, "keyStoreType");
            return this;
        }

        /** Required: the replica group's CA certificate(s); trusted for nothing but this group. */
        public Builder trustStore(Path path, char[] password) {
            this.trustStore = Objects.requireNonNull(path, "trustStore");
            this.trustStorePassword = Objects.requireNonNull(password, "trustStorePassword").clone();
            return this;
        }

        /** Trust store type: PKCS12 (default) or JKS. */
        public Builder trustStoreType(String type) {
            this.trustStoreType = Objects.requireNonNull(type, "trustStoreType");
            return this;
        }

        /** Enabled protocols; default TLSv1.3 and TLSv1.2. */
        public Builder protocols(List<String> protocols) {
            this.protocols = List.copyOf(protocols);
            return this;
        }

        /** Enabled cipher suites; default (empty) is the JDK's defaults. */
        public Builder cipherSuites(List<String> cipherSuites) {
            this.cipherSuites = List.copyOf(cipherSuites);
            return this;
        }

        /**
         * Checks the fields; the stores themselves are opened (and their passwords checked) when
         * the store starts.
         *
         * @throws IllegalArgumentException naming the first missing or invalid field
         */
        public TlsConfig build() {
            if (keyStore == null) {
                throw new IllegalArgumentException("keyStore is required");
            }
            if (trustStore == null) {
                throw new IllegalArgumentException("trustStore is required");
            }
            if (protocols.isEmpty() || !DEFAULT_PROTOCOLS.containsAll(protocols)) {
                throw new IllegalArgumentException("protocols must be a non-empty subset of TLSv1.2, TLSv1.3 but was "
                        + protocols);
            }
            return new TlsConfig(this);
        }
    }
}
