package io.escrowstore.raft.internal.engine;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.TlsConfig;

/**
 * A store node's settings as {@code key=value} properties: the format of the node launcher's
 * {@code --config} file, and the one parser of it. Keys are the launcher's long option names
 * without dashes ({@code data-dir}, {@code election-timeout}, {@code tls-key-store}, ...); values are
 * trimmed; a key not given keeps the {@link RaftStoreConfig} default. Durations take {@code 500ms},
 * {@code 5s}, {@code 2m}, {@code 1h}, {@code 0} or ISO-8601 ({@code PT5S}), never negative.
 *
 * <p>Every refusal is an {@link InvalidValueException} naming the key it is about (or none when no
 * single key is at fault, e.g. neither TLS nor plaintext chosen).
 */
public final class StoreProperties {
    // the keys, one per RaftStoreConfig option; what each means: docs/configuration.md
    /** Key of {@link RaftStoreConfig#self()}. */
    public static final String SELF = "self";
    /** Key {@code members}. */
    public static final String MEMBERS = "members";
    /** Key {@code data-dir}. */
    public static final String DATA_DIR = "data-dir";
    /** Key {@code group-id}. */
    public static final String GROUP_ID = "group-id";
    /** Key {@code raft-group}. */
    public static final String RAFT_GROUP = "raft-group";
    /** Key {@code election-timeout}. */
    public static final String ELECTION_TIMEOUT = "election-timeout";
    /** Key {@code max-election-delay}. */
    public static final String MAX_ELECTION_DELAY = "max-election-delay";
    /** Key {@code heartbeat-interval}. */
    public static final String HEARTBEAT_INTERVAL = "heartbeat-interval";
    /** Key {@code request-timeout}. */
    public static final String REQUEST_TIMEOUT = "request-timeout";
    /** Key {@code snapshot-interval}. */
    public static final String SNAPSHOT_INTERVAL = "snapshot-interval";
    /** Key {@code max-in-flight}. */
    public static final String MAX_IN_FLIGHT = "max-in-flight";
    /** Key {@code dedup-max-entries}. */
    public static final String DEDUP_MAX_ENTRIES = "dedup-max-entries";
    /** Key {@code dedup-retention}. */
    public static final String DEDUP_RETENTION = "dedup-retention";
    /** Key {@code join}. */
    public static final String JOIN = "join";
    /** Key {@code snapshot-log-entries}. */
    public static final String SNAPSHOT_LOG_ENTRIES = "snapshot-log-entries";
    /** Key {@code admin-timeout}. */
    public static final String ADMIN_TIMEOUT = "admin-timeout";
    /** Key {@code max-frame-bytes}. */
    public static final String MAX_FRAME_BYTES = "max-frame-bytes";
    /** Key {@code max-connections-per-address}. */
    public static final String MAX_CONNECTIONS_PER_ADDRESS = "max-connections-per-address";
    /** Key {@code max-handshakes}. */
    public static final String MAX_HANDSHAKES = "max-handshakes";
    /** Key {@code tls-key-store}. */
    public static final String TLS_KEY_STORE = "tls-key-store";
    /** Key {@code tls-key-store-password}. */
    public static final String TLS_KEY_STORE_PASSWORD = "tls-key-store-password";
    /** Key {@code tls-key-store-type}. */
    public static final String TLS_KEY_STORE_TYPE = "tls-key-store-type";
    /** Key {@code tls-trust-store}. */
    public static final String TLS_TRUST_STORE = "tls-trust-store";
    /** Key {@code tls-trust-store-password}. */
    public static final String TLS_TRUST_STORE_PASSWORD = "tls-trust-store-password";
    /** Key {@code tls-trust-store-type}. */
    public static final String TLS_TRUST_STORE_TYPE = "tls-trust-store-type";
    /** Key {@code tls-protocols}. */
    public static final String TLS_PROTOCOLS = "tls-protocols";
    /** Key {@code tls-crl-file}. */
    public static final String TLS_CRL_FILE = "tls-crl-file";
    /** Key {@code tls-cipher-suites}. */
    public static final String TLS_CIPHER_SUITES = "tls-cipher-suites";
    /** Key {@code unsafe-plaintext}. */
    public static final String UNSAFE_PLAINTEXT = "unsafe-plaintext";

    /** The keys {@link #config} requires. */
    public static final List<String> REQUIRED = List.of(SELF, MEMBERS, DATA_DIR, GROUP_ID);

    /** Every key {@link #config} reads, in the order the launcher documents them. */
    /** Key {@code tls-operator-key-store}: an operator's key store, read by the launcher's admin commands only. */
    public static final String TLS_OPERATOR_KEY_STORE = "tls-operator-key-store";
    /** Key {@code tls-operator-key-store-password}. */
    public static final String TLS_OPERATOR_KEY_STORE_PASSWORD = "tls-operator-key-store-password";
    /** Key {@code tls-operator-key-store-type}. */
    public static final String TLS_OPERATOR_KEY_STORE_TYPE = "tls-operator-key-store-type";
    /** The keys of {@link #operatorTls}, which no node reads. */
    public static final Set<String> OPERATOR_KEYS = Set.of(TLS_OPERATOR_KEY_STORE, TLS_OPERATOR_KEY_STORE_PASSWORD,
            TLS_OPERATOR_KEY_STORE_TYPE);

    public static final List<String> KEYS = List.of(SELF, MEMBERS, DATA_DIR, GROUP_ID, RAFT_GROUP, ELECTION_TIMEOUT,
            MAX_ELECTION_DELAY, HEARTBEAT_INTERVAL, REQUEST_TIMEOUT, SNAPSHOT_INTERVAL, MAX_IN_FLIGHT, DEDUP_MAX_ENTRIES,
            DEDUP_RETENTION, JOIN, SNAPSHOT_LOG_ENTRIES, ADMIN_TIMEOUT, MAX_FRAME_BYTES,
            MAX_CONNECTIONS_PER_ADDRESS, MAX_HANDSHAKES, TLS_KEY_STORE, TLS_KEY_STORE_PASSWORD,
            TLS_KEY_STORE_TYPE, TLS_TRUST_STORE, TLS_TRUST_STORE_PASSWORD, TLS_TRUST_STORE_TYPE, TLS_PROTOCOLS,
            TLS_CIPHER_SUITES, TLS_CRL_FILE, UNSAFE_PLAINTEXT);

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern DASH_LETTER = Pattern.compile("-([a-z])");

    private StoreProperties() {
    }

    /** A value refused, with the key it came from. */
    public static final class InvalidValueException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        /** The key at fault, or null when no single key is. */
        private final String key;

        InvalidValueException(String key, String message, Throwable cause) {
            super(message, cause);
            this.key = key;
        }

        /** The key at fault, or null when no single key is. */
        public String key() {
            return key;
        }
    }

    /**
     * Reads a properties file: its keys in order, values trimmed.
     *
     * @param otherKeys keys the caller reads itself besides {@link #KEYS} (e.g. the launcher's
     *     {@code status-interval}); any other key is refused
     * @throws InvalidValueException for a key neither in {@link #KEYS} nor {@code otherKeys}, or a
     *     malformed file
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Map<String, String> read(Path file, Set<String> otherKeys) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(null, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Set<String> known = new TreeSet<>(KEYS);
        known.addAll(otherKeys);
        Map<String, String> values = new TreeMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!known.contains(key)) {
                throw new InvalidValueException(key, "Unknown key '" + key + "' in " + file + "; known keys: " + known,
                        null);
            }
            values.put(key, properties.getProperty(key).trim());
        }
        return Collections.unmodifiableMap(values);
    }

    /**
     * The node's configuration from {@code values} (keys of {@link #KEYS}; others are ignored).
     *
     * @throws InvalidValueException naming the key that is missing, malformed or out of range
     */
    public static RaftStoreConfig config(Map<String, String> values) {
        for (String key : REQUIRED) {
            if (blank(values.get(key))) {
                throw new InvalidValueException(key, key + " is required", null);
            }
        }
        RaftStoreConfig.Builder builder = RaftStoreConfig.builder()
                .groupId(parsed(values, GROUP_ID, GroupId::fromHex))
                .self(self(values).orElseThrow())
                .members(members(values))
                .dataDir(parsed(values, DATA_DIR, Path::of));
        set(values, RAFT_GROUP, Function.identity(), builder::raftGroup);
        set(values, ELECTION_TIMEOUT, StoreProperties::duration, builder::electionTimeout);
        set(values, MAX_ELECTION_DELAY, StoreProperties::duration, builder::maxElectionDelay);
        set(values, HEARTBEAT_INTERVAL, StoreProperties::duration, builder::heartbeatInterval);
        set(values, REQUEST_TIMEOUT, StoreProperties::duration, builder::requestTimeout);
        set(values, SNAPSHOT_INTERVAL, StoreProperties::duration, builder::snapshotInterval);
        set(values, MAX_IN_FLIGHT, StoreProperties::integer, builder::maxInFlight);
        set(values, DEDUP_MAX_ENTRIES, StoreProperties::integer, builder::dedupMaxEntries);
        set(values, DEDUP_RETENTION, StoreProperties::duration, builder::dedupRetention);
        set(values, JOIN, StoreProperties::bool, builder::joining);
        set(values, SNAPSHOT_LOG_ENTRIES, StoreProperties::longValue, builder::snapshotLogEntries);
        set(values, ADMIN_TIMEOUT, StoreProperties::duration, builder::adminTimeout);
        set(values, MAX_FRAME_BYTES, StoreProperties::integer, builder::maxFrameBytes);
        set(values, MAX_CONNECTIONS_PER_ADDRESS, StoreProperties::integer, builder::maxConnectionsPerAddress);
        set(values, MAX_HANDSHAKES, StoreProperties::integer, builder::maxHandshakes);
        Optional<TlsConfig> tls = tls(values);
        boolean plaintext = !blank(values.get(UNSAFE_PLAINTEXT)) && parsed(values, UNSAFE_PLAINTEXT, StoreProperties::bool);
        if (tls.isPresent() && plaintext) {
            throw new InvalidValueException(UNSAFE_PLAINTEXT,
                    TLS_KEY_STORE + " and " + UNSAFE_PLAINTEXT + " exclude each other: choose one", null);
        }
        tls.ifPresent(builder::tls);
        if (plaintext) {
            builder.unsafePlaintext();
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            InvalidValueException refusal = renamed(e, KEYS);
            // the builder checks every value first; a refusal of no key then is the missing transport
            if (refusal.key() == null && tls.isEmpty() && !plaintext) {
                throw new InvalidValueException(null, "Choose TLS or plaintext: set " + TLS_KEY_STORE + ", "
                        + TLS_KEY_STORE_PASSWORD + ", " + TLS_TRUST_STORE + " and " + TLS_TRUST_STORE_PASSWORD
                        + " (flags --" + TLS_KEY_STORE + " ...) for mutual TLS, or " + UNSAFE_PLAINTEXT
                        + "=true (flag --" + UNSAFE_PLAINTEXT + ") for a network only the members reach;"
                        + " see docs/security.md", e);
            }
            throw refusal;
        }
    }

    /** The {@code self} member, if given. */
    public static Optional<Member> self(Map<String, String> values) {
        return blank(values.get(SELF)) ? Optional.empty() : Optional.of(parsed(values, SELF, Member::parse));
    }

    /** The comma-separated {@code members}, none if not given. */
    public static List<Member> members(Map<String, String> values) {
        return blank(values.get(MEMBERS)) ? List.of()
                : parsed(values, MEMBERS, v -> list(v).stream().map(Member::parse).toList());
    }

    /** The {@code raft-group}, or the store's default. */
    public static String raftGroup(Map<String, String> values) {
        return blank(values.get(RAFT_GROUP)) ? RaftStoreConfig.DEFAULT_RAFT_GROUP : values.get(RAFT_GROUP).trim();
    }

    /** The TLS settings of the {@code tls-*} keys, or empty if no key store is named. */
    public static Optional<TlsConfig> tls(Map<String, String> values) {
        if (blank(values.get(TLS_KEY_STORE))) {
            for (String key : List.of(TLS_TRUST_STORE, TLS_KEY_STORE_PASSWORD, TLS_TRUST_STORE_PASSWORD, TLS_PROTOCOLS,
                    TLS_CIPHER_SUITES, TLS_CRL_FILE)) {
                if (!blank(values.get(key))) {
                    throw new InvalidValueException(key, key + " is set but " + TLS_KEY_STORE + " is not", null);
                }
            }
            return Optional.empty();
        }
        TlsConfig.Builder builder = TlsConfig.builder()
                .keyStore(Path.of(values.get(TLS_KEY_STORE).trim()), required(values, TLS_KEY_STORE_PASSWORD).toCharArray())
                .trustStore(Path.of(required(values, TLS_TRUST_STORE)),
                        required(values, TLS_TRUST_STORE_PASSWORD).toCharArray());
        set(values, TLS_KEY_STORE_TYPE, Function.identity(), builder::keyStoreType);
        set(values, TLS_TRUST_STORE_TYPE, Function.identity(), builder::trustStoreType);
        set(values, TLS_PROTOCOLS, StoreProperties::list, builder::protocols);
        set(values, TLS_CIPHER_SUITES, StoreProperties::list, builder::cipherSuites);
        set(values, TLS_CRL_FILE, Path::of, builder::crlFile);
        try {
            return Optional.of(builder.build());
        } catch (IllegalArgumentException e) {
            throw renamed(e, List.of(TLS_PROTOCOLS, TLS_CIPHER_SUITES));
        }
    }

    /**
     * The TLS identity of an admin command: the operator key store of the
     * {@code tls-operator-key-store*} keys with the {@code tls-trust-store*}, protocol and cipher
     * keys of {@link #tls}; empty for a plaintext node (no {@code tls-key-store} either).
     *
     * @throws InvalidValueException if the file configures TLS but names no operator key store:
     *     a member's key may not send admin commands
     */
    public static Optional<TlsConfig> operatorTls(Map<String, String> values) {
        Optional<TlsConfig> node = tls(values);
        if (blank(values.get(TLS_OPERATOR_KEY_STORE))) {
            if (node.isPresent()) {
                throw new InvalidValueException(TLS_OPERATOR_KEY_STORE, "Admin commands over TLS need an operator"
                        + " certificate (a member's key may not send them): set " + TLS_OPERATOR_KEY_STORE + " and "
                        + TLS_OPERATOR_KEY_STORE_PASSWORD + "; see docs/security.md", null);
            }
            return Optional.empty();
        }
        if (node.isEmpty()) {
            throw new InvalidValueException(TLS_OPERATOR_KEY_STORE, TLS_OPERATOR_KEY_STORE + " is set but "
                    + TLS_KEY_STORE + " is not: the operator key store needs the group's TLS settings", null);
        }
        TlsConfig.Builder builder = TlsConfig.builder()
                .keyStore(Path.of(values.get(TLS_OPERATOR_KEY_STORE).trim()),
                        required(values, TLS_OPERATOR_KEY_STORE_PASSWORD).toCharArray())
                .trustStore(node.get().trustStore(), node.get().trustStorePassword())
                .trustStoreType(node.get().trustStoreType())
                .protocols(node.get().protocols())
                .cipherSuites(node.get().cipherSuites());
        node.get().crlFile().ifPresent(builder::crlFile);
        set(values, TLS_OPERATOR_KEY_STORE_TYPE, Function.identity(), builder::keyStoreType);
        return Optional.of(builder.build());
    }

    /**
     * A duration: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 0} or ISO-8601.
     *
     * @throws IllegalArgumentException saying what was expected, or that it is negative
     */
    public static Duration duration(String value) {
        String text = value.trim();
        Duration duration;
        Matcher m = SHORT_DURATION.matcher(text);
        if (text.equals("0")) {
            duration = Duration.ZERO;
        } else if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } else {
            try {
                duration = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 500ms, 5s, 2m, 1h or PT5S");
            }
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("'" + value + "' is negative");
        }
        return duration;
    }

    private static <T> void set(Map<String, String> values, String key, Function<String, T> parser,
            Consumer<T> setter) {
        if (!blank(values.get(key))) {
            setter.accept(parsed(values, key, parser));
        }
    }

    private static <T> T parsed(Map<String, String> values, String key, Function<String, T> parser) {
        try {
            return parser.apply(values.get(key).trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException(key, e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new InvalidValueException(key, key + " is required with " + TLS_KEY_STORE, null);
        }
        return value.trim();
    }

    private static int integer(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a whole number");
        }
    }

    private static long longValue(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a whole number");
        }
    }

    private static boolean bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + value + "' is not true or false");
        };
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /**
     * A builder's refusal in the words of this file: the builder names its field ({@code groupId},
     * {@code protocols}), the message names the key the user wrote ({@code group-id},
     * {@code tls-protocols}) and the exception carries it.
     */
    private static InvalidValueException renamed(IllegalArgumentException e, List<String> keys) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (String key : keys) {
            String field = DASH_LETTER.matcher(key.replaceFirst("^tls-", ""))
                    .replaceAll(m -> m.group(1).toUpperCase(Locale.ROOT));
            if (message.startsWith(field + " ")) {
                return new InvalidValueException(key, key + message.substring(field.length()), e);
            }
        }
        return new InvalidValueException(null, message, e);
    }
}
