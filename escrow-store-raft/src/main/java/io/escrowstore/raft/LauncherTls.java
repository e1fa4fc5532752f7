package io.escrowstore.raft;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The launcher's TLS keys, shared by the node ({@link NodeLauncher}) and its admin commands, which
 * read them from the same properties file and so connect with the member's own identity.
 */
final class LauncherTls {
    static final String KEY_STORE = "tls-key-store";
    static final String KEY_STORE_PASSWORD = "tls-key-store-password";
    static final String KEY_STORE_TYPE = "tls-key-store-type";
    static final String TRUST_STORE = "tls-trust-store";
    static final String TRUST_STORE_PASSWORD = "tls-trust-store-password";
    static final String TRUST_STORE_TYPE = "tls-trust-store-type";
    static final String PROTOCOLS = "tls-protocols";
    static final String CIPHER_SUITES = "tls-cipher-suites";

    private LauncherTls() {
    }

    /**
     * The TLS config named by {@code value} (a lookup by key), or empty if no key store is named.
     *
     * @throws IllegalArgumentException naming the key that is missing or invalid
     */
    static Optional<TlsConfig> from(Function<String, String> value) {
        String keyStore = trimmed(value.apply(KEY_STORE));
        if (keyStore == null) {
            for (String key : List.of(TRUST_STORE, KEY_STORE_PASSWORD, TRUST_STORE_PASSWORD, PROTOCOLS, CIPHER_SUITES)) {
                if (trimmed(value.apply(key)) != null) {
                    throw new IllegalArgumentException(key + " is set but " + KEY_STORE + " is not");
                }
            }
            return Optional.empty();
        }
        TlsConfig.Builder builder = TlsConfig.builder()
                .keyStore(Path.of(keyStore), required(value, KEY_STORE_PASSWORD).toCharArray())
                .trustStore(Path.of(required(value, TRUST_STORE)), required(value, TRUST_STORE_PASSWORD).toCharArray());
        String type = trimmed(value.apply(KEY_STORE_TYPE));
        if (type != null) {
            builder.keyStoreType(type);
        }
        type = trimmed(value.apply(TRUST_STORE_TYPE));
        if (type != null) {
            builder.trustStoreType(type);
        }
        String protocols = trimmed(value.apply(PROTOCOLS));
        if (protocols != null) {
            builder.protocols(list(protocols));
        }
        String ciphers = trimmed(value.apply(CIPHER_SUITES));
        if (ciphers != null) {
            builder.cipherSuites(list(ciphers));
        }
        return Optional.of(builder.build());
    }

    private static String required(Function<String, String> value, String key) {
        String v = value.apply(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(key + " is required with " + KEY_STORE);
        }
        return v;
    }

    private static String trimmed(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
