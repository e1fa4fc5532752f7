package io.escrowstore.launcher;

import io.escrowstore.raft.internal.engine.StoreProperties;
import java.util.List;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The node's command-line options: one per {@link StoreProperties} key ({@code --data-dir} for
 * {@code data-dir}), as plain text that {@link StoreProperties#config} parses, so a flag and a file
 * value go through the same parser. Only the help text lives here.
 */
final class NodeOptions {
    /** A store option: its key, the label of its value, its help line. */
    record Option(String key, String label, String description, boolean flag) {
        OptionSpec spec() {
            OptionSpec.Builder b = OptionSpec.builder("--" + key).type(String.class).paramLabel(label)
                    .description(description + (StoreProperties.REQUIRED.contains(key) ? " Required." : ""));
            if (flag) {
                b.arity("0..1").fallbackValue("true");
            }
            return b.build();
        }
    }

    static final List<Option> STORE = List.of(
            option(StoreProperties.SELF, "HOST:PORT", "This node's Raft address; the node binds exactly this host and port."),
            option(StoreProperties.MEMBERS, "HOST:PORT,...", "Every initial member of the group, self included, comma-separated."),
            option(StoreProperties.DATA_DIR, "DIR", "Directory of this node's Raft log, metadata and snapshots."),
            option(StoreProperties.GROUP_ID, "HEX", "MultiPartyEscrow group id served: 32 bytes of hex, 0x optional."),
            option(StoreProperties.RAFT_GROUP, "NAME", "Raft group name, the same on every member. Default: escrow-store."),
            option(StoreProperties.ELECTION_TIMEOUT, "DURATION", "Base election timeout, 50ms..60s. Default: 1s."),
            option(StoreProperties.MAX_ELECTION_DELAY, "DURATION",
                    "Most random delay added to the election timeout, 0..60s. Default: 1s."),
            option(StoreProperties.HEARTBEAT_INTERVAL, "DURATION",
                    "Leader heartbeat interval, 1ms..6s (at most electionTimeout/10 is used). Default: 10ms."),
            option(StoreProperties.REQUEST_TIMEOUT, "DURATION", "Deadline of every store call, 10ms..10m. Default: 5s."),
            option(StoreProperties.SNAPSHOT_INTERVAL, "DURATION",
                    "Time between snapshots, 1s..24h, or 0 for none. Default: 1h."),
            option(StoreProperties.MAX_IN_FLIGHT, "N", "Most store calls in flight on this node, 1..1000000. Default: 10000."),
            option(StoreProperties.DEDUP_MAX_ENTRIES, "N",
                    "Most request outcomes remembered for exactly-once retries, 1000..10000000. Default: 200000."),
            option(StoreProperties.DEDUP_RETENTION, "DURATION",
                    "Longest a request outcome is remembered, in log time, 1m..7d. Default: 10m."),
            flag(StoreProperties.JOIN, "Start as a new member joining an existing group: no configuration, no vote, "
                    + "until a member adds it (add-member). Ignored once the data directory holds a log. Default: false."),
            option(StoreProperties.SNAPSHOT_LOG_ENTRIES, "N",
                    "Take a snapshot after this many entries since the last, 100..1000000000, or 0 for none. "
                            + "Default: 200000."),
            option(StoreProperties.ADMIN_TIMEOUT, "DURATION",
                    "Deadline of a membership change, catch-up included, 1s..1h. Default: 2m."),
            option(StoreProperties.MAX_FRAME_BYTES, "N",
                    "Largest frame accepted on the Raft port, in bytes, 2097152..1073741824; a larger declared "
                            + "frame closes the connection before its body is read. Default: 4194304."),
            option(StoreProperties.MAX_CONNECTIONS_PER_ADDRESS, "N",
                    "Most connections accepted at once from one peer address, 4..100000. Default: 32."),
            option(StoreProperties.MAX_HANDSHAKES, "N",
                    "Most TLS handshakes in progress at once on the Raft port, 4..100000. Default: 128."),
            option(StoreProperties.TLS_KEY_STORE, "FILE", "Turns on mutual TLS: this member's key pair and certificate "
                    + "(PKCS12 unless --tls-key-store-type). Needs the other --tls-* keys. See docs/security.md."),
            option(StoreProperties.TLS_KEY_STORE_PASSWORD, "PASSWORD",
                    "Password of --tls-key-store. Put it in the --config file (mode 600), not on the command line."),
            option(StoreProperties.TLS_KEY_STORE_TYPE, "TYPE", "PKCS12 (default) or JKS."),
            option(StoreProperties.TLS_TRUST_STORE, "FILE",
                    "The replica group's CA certificate(s); trusted for nothing but this group."),
            option(StoreProperties.TLS_TRUST_STORE_PASSWORD, "PASSWORD", "Password of --tls-trust-store."),
            option(StoreProperties.TLS_TRUST_STORE_TYPE, "TYPE", "PKCS12 (default) or JKS."),
            option(StoreProperties.TLS_PROTOCOLS, "LIST", "Comma-separated. Default: TLSv1.3,TLSv1.2."),
            option(StoreProperties.TLS_CIPHER_SUITES, "LIST", "Comma-separated. Default: the JDK's."),
            option(StoreProperties.TLS_CRL_FILE, "FILE", "A CRL (PEM or DER) of the group's CA: listed certificates are "
                    + "refused at the handshake; re-read when the file changes. Default: none."),
            flag(StoreProperties.UNSAFE_PLAINTEXT, "Run without TLS on purpose (the Raft port is then "
                    + "unauthenticated). Without TLS the node logs a warning either way. Default: false."));

    private NodeOptions() {
    }

    private static Option option(String key, String label, String description) {
        return new Option(key, label, description, false);
    }

    private static Option flag(String key, String description) {
        return new Option(key, "BOOLEAN", description, true);
    }
}
