package io.escrowstore.raft.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import io.escrowstore.raft.RaftStoreConfig;

/** The one parser of a node's key=value settings: values, defaults, and refusals that name the key. */
class StorePropertiesTest {
    private static final String GROUP_HEX = "0x" + "ab".repeat(32);

    @TempDir
    Path dir;

    private Map<String, String> required() {
        return new HashMap<>(Map.of("self", "127.0.0.1:7001", "members", "127.0.0.1:7001, 127.0.0.1:7002",
                "data-dir", dir.toString(), "group-id", GROUP_HEX, "unsafe-plaintext", "true"));
    }

    @Test
    void requiredKeysAloneGiveTheStoreDefaults() {
        RaftStoreConfig config = StoreProperties.config(required());
        RaftStoreConfig defaults = RaftStoreConfig.builder().unsafePlaintext().self(new Member("127.0.0.1", 7001))
                .members(List.of(new Member("127.0.0.1", 7001), new Member("127.0.0.1", 7002))).dataDir(dir)
                .groupId(GroupId.fromHex(GROUP_HEX)).build();

        assertThat(config.toString()).isEqualTo(defaults.toString());
    }

    @Test
    void everyKeyIsRead() {
        Map<String, String> values = required();
        values.putAll(Map.of("raft-group", "g1", "election-timeout", "300ms", "max-election-delay", "PT2S",
                "heartbeat-interval", "30ms", "request-timeout", "2m", "snapshot-interval", "0",
                "max-in-flight", "77", "dedup-max-entries", "5000", "dedup-retention", "1h", "join", "TRUE"));
        values.putAll(Map.of("snapshot-log-entries", "500", "admin-timeout", "30s"));

        RaftStoreConfig config = StoreProperties.config(values);

        assertThat(config.raftGroup()).isEqualTo("g1");
        assertThat(config.electionTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.maxElectionDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(30));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.snapshotInterval()).isZero();
        assertThat(config.maxInFlight()).isEqualTo(77);
        assertThat(config.dedupMaxEntries()).isEqualTo(5000);
        assertThat(config.dedupRetention()).isEqualTo(Duration.ofHours(1));
        assertThat(config.joining()).isTrue();
        assertThat(config.snapshotLogEntries()).isEqualTo(500);
        assertThat(config.adminTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"self", "members", "data-dir", "group-id"})
    void missingRequiredKeyIsNamed(String key) {
        Map<String, String> values = required();
        values.put(key, " ");

        assertThatThrownBy(() -> StoreProperties.config(values))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessage(key + " is required");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "election-timeout | 5 parsecs",
        "election-timeout | 10ms",
        "request-timeout  | -5s",
        "self             | localhost",
        "members          | 127.0.0.1:7001,127.0.0.1",
        "group-id         | 0x1234",
        "max-in-flight    | many",
        "max-in-flight    | 0",
        "join             | yes",
        "raft-group       | no spaces",
    })
    void badValueNamesItsKey(String key, String value) {
        Map<String, String> values = required();
        values.put(key, value);

        assertThatThrownBy(() -> StoreProperties.config(values))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo(key));
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "2m, PT2M", "1h, PT1H", "0, PT0S", "PT5S, PT5S", "pt1m30s, PT1M30S"})
    void durationsAcceptShortAndIsoForms(String text, String expected) {
        assertThat(StoreProperties.duration(text)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void fileValuesAreTrimmedAndUnknownKeysRefused() throws IOException {
        Path file = Files.write(dir.resolve("n.properties"), List.of("self = 127.0.0.1:7001  ", "status-interval=5s"));

        assertThat(StoreProperties.read(file, Set.of("status-interval")))
                .containsEntry("self", "127.0.0.1:7001").containsEntry("status-interval", "5s");
        assertThatThrownBy(() -> StoreProperties.read(file, Set.of()))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo("status-interval"))
                .hasMessageStartingWith("Unknown key 'status-interval' in " + file);
        assertThatThrownBy(() -> StoreProperties.read(dir.resolve("absent"), Set.of()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("absent");
    }

    @Test
    void neitherTlsNorPlaintextNamesTheKeysToSetNotTheBuilderCalls() {
        Map<String, String> values = required();
        values.remove("unsafe-plaintext");

        assertThatThrownBy(() -> StoreProperties.config(values))
                .isInstanceOf(StoreProperties.InvalidValueException.class)
                .hasMessageContaining("tls-key-store").hasMessageContaining("unsafe-plaintext=true")
                .hasMessageContaining("--unsafe-plaintext").hasMessageNotContaining("tls(")
                .hasMessageNotContaining("unsafePlaintext()");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "election-timeout     | 10ms",
        "max-in-flight        | 0",
        "snapshot-log-entries | 50",
        "max-frame-bytes      | 1024",
        "tls-protocols        | SSLv3",
    })
    void outOfRangeValueMessageNamesTheKeyNotTheBuilderField(String key, String value) {
        Map<String, String> values = required();
        if (key.startsWith("tls-")) {
            values.remove("unsafe-plaintext");
            values.putAll(Map.of("tls-key-store", "k.p12", "tls-key-store-password", "x", "tls-trust-store", "t.p12",
                    "tls-trust-store-password", "x"));
        }
        values.put(key, value);

        assertThatThrownBy(() -> StoreProperties.config(values))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageStartingWith(key + " must be");
    }

    @Test
    void tlsAndPlaintextTogetherNameBothKeys() {
        Map<String, String> values = required();
        values.putAll(Map.of("tls-key-store", "k.p12", "tls-key-store-password", "x", "tls-trust-store", "t.p12",
                "tls-trust-store-password", "x"));

        assertThatThrownBy(() -> StoreProperties.config(values))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo("unsafe-plaintext"))
                .hasMessage("tls-key-store and unsafe-plaintext exclude each other: choose one");
    }

    @Test
    void adminCommandsOverTlsUseTheOperatorKeyStoreWithTheGroupsTrustStore() {
        Map<String, String> values = new HashMap<>(Map.of("tls-key-store", "member.p12", "tls-key-store-password",
                "x", "tls-trust-store", "t.p12", "tls-trust-store-password", "y", "tls-operator-key-store",
                "operator.p12", "tls-operator-key-store-password", "z"));

        var tls = StoreProperties.operatorTls(values).orElseThrow();

        assertThat(tls.keyStore()).isEqualTo(Path.of("operator.p12"));
        assertThat(tls.keyStorePassword()).containsExactly('z');
        assertThat(tls.trustStore()).isEqualTo(Path.of("t.p12"));
        assertThat(tls.trustStorePassword()).containsExactly('y');
    }

    @Test
    void adminCommandsOverTlsWithoutAnOperatorKeyStoreAreRefused() {
        Map<String, String> values = Map.of("tls-key-store", "member.p12", "tls-key-store-password", "x",
                "tls-trust-store", "t.p12", "tls-trust-store-password", "y");

        assertThatThrownBy(() -> StoreProperties.operatorTls(values))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo("tls-operator-key-store"))
                .hasMessageContaining("operator certificate");
        assertThat(StoreProperties.operatorTls(Map.of())).as("plaintext").isEmpty();
    }

    @Test
    void partialFileGivesSelfMembersGroupAndNoTls() {
        Map<String, String> values = Map.of("self", "10.0.0.1:7001", "members", "10.0.0.1:7001,10.0.0.2:7001");

        assertThat(StoreProperties.self(values)).contains(new Member("10.0.0.1", 7001));
        assertThat(StoreProperties.members(values)).hasSize(2);
        assertThat(StoreProperties.raftGroup(values)).isEqualTo(RaftStoreConfig.DEFAULT_RAFT_GROUP);
        assertThat(StoreProperties.tls(values)).isEmpty();
        assertThat(StoreProperties.self(Map.of())).isEmpty();
    }
}
