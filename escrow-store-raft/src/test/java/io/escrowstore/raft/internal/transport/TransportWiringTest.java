package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.remoting.config.BoltGenericOption;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.TlsConfig;
import io.escrowstore.raft.internal.engine.StoreProperties;

/** Where TLS is switched on: the tls-* properties, and jraft's node client through our factory. */
class TransportWiringTest {
    private static final String GROUP_HEX = "0x" + "ab".repeat(32);

    @TempDir
    Path dir;

    @Test
    void tlsKeysTurnOnTls() {
        TlsConfig written = TestCertificates.ca("ca").issue("127.0.0.1").write(dir);
        RaftStoreConfig config = StoreProperties.config(base("tls-key-store", written.keyStore().toString(),
                "tls-key-store-password", "test-only", "tls-trust-store", written.trustStore().toString(),
                "tls-trust-store-password", "test-only", "tls-protocols", "TLSv1.3"));
        assertThat(config.tls()).hasValueSatisfying(tls -> {
            assertThat(tls.keyStore()).isEqualTo(written.keyStore());
            assertThat(tls.protocols()).containsExactly("TLSv1.3");
        });
        assertThat(config.unsafePlaintext()).isFalse();
    }

    @Test
    void halfATlsConfigAndTlsWithPlaintextAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> StoreProperties.config(base("tls-key-store", "/k.p12", "tls-key-store-password", "x")))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo("tls-trust-store"));
        assertThatThrownBy(() -> StoreProperties.config(base("tls-trust-store", "/t.p12")))
                .isInstanceOfSatisfying(StoreProperties.InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo("tls-trust-store"))
                .hasMessageContaining("tls-key-store is not");
        assertThatThrownBy(() -> StoreProperties.config(base("tls-key-store", "/k.p12", "tls-key-store-password", "x",
                "tls-trust-store", "/t.p12", "tls-trust-store-password", "x", "unsafe-plaintext", "true")))
                .isInstanceOf(StoreProperties.InvalidValueException.class).hasMessageContaining("unsafe-plaintext");
        assertThat(StoreProperties.config(base("unsafe-plaintext", "true")).unsafePlaintext()).isTrue();
        assertThatThrownBy(() -> StoreProperties.config(base())).hasMessageContaining("Choose TLS or plaintext");
    }

    @Test
    void factorySecuresOnlyClientsCreatedWhileATlsNodeInitialises() {
        TransportSecurity security = TransportSecurity.of(TestCertificates.ca("ca").issue("127.0.0.1").write(dir),
                () -> Set.of("127.0.0.1"), "test");
        EscrowRaftRpcFactory factory = new EscrowRaftRpcFactory();
        RpcClient plain = factory.createRpcClient(null);
        RpcClient secured = security.duringNodeInit(() -> factory.createRpcClient(null));
        assertThat(extendedHandler(plain)).isNull();
        assertThat(extendedHandler(secured)).isNotNull();
        assertThat(security.isNodeClientSecured()).isTrue();
        assertThat(TransportSecurity.initialising()).as("scope ends with the init").isNull();
    }

    @Test
    void unreadableKeyStoreIsRefusedNamingTheConfig() {
        TlsConfig missing = TlsConfig.builder().keyStore(dir.resolve("none.p12"), new char[0])
                .trustStore(dir.resolve("none.p12"), new char[0]).build();
        assertThatThrownBy(() -> TransportSecurity.of(missing, Set::of, "test"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none.p12");
    }

    private static Object extendedHandler(RpcClient client) {
        return ((BoltRpcClient) client).getRpcClient().option(BoltGenericOption.EXTENDED_NETTY_CHANNEL_HANDLER);
    }

    private static Map<String, String> base(String... keysAndValues) {
        Map<String, String> values = new HashMap<>(Map.of("self", "127.0.0.1:7001", "members", "127.0.0.1:7001",
                "data-dir", "/tmp/unused", "group-id", GROUP_HEX));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
    }
}
