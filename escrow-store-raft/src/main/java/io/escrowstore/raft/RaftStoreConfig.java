package io.escrowstore.raft;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.raft.internal.testing.UnsafeSwitches;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * Immutable settings of one store node, built by {@link #builder()} and validated by
 * {@link Builder#build()} with messages that name the bad field. Durability settings (fsync of
 * every log entry and of term/vote metadata) are not configurable: they are always on.
 */
public final class RaftStoreConfig {
    private static final Pattern RAFT_GROUP = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * This config's values: a frozen copy of the builder that built it. An option is written three
     * times: its builder field, its builder method (which validates) and its accessor here.
     */
    private final Builder values;

    static {
        UnsafeSwitches.install(new UnsafeSwitches.Carrier() {
            @Override
            public void set(Builder builder, UnsafeSwitches switches) {
                builder.unsafe = switches;
            }

            @Override
            public UnsafeSwitches of(RaftStoreConfig config) {
                return config.values.unsafe;
            }
        });
    }

    private RaftStoreConfig(Builder b) {
        this.values = b.copy();
        values.members = List.copyOf(b.members);
    }

    /** The Raft group name a node serves unless {@link Builder#raftGroup} says otherwise. */
    public static final String DEFAULT_RAFT_GROUP = "escrow-store";

    /** A builder with the documented defaults; groupId, self, members and dataDir are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, e.g. to restart a node with one setting changed. */
    public Builder toBuilder() {
        return values.copy();
    }

    /** The MultiPartyEscrow group this store serves; chain views of other groups are refused. */
    public GroupId groupId() {
        return values.groupId;
    }

    /** Name of the Raft group; every member must use the same. Default {@code escrow-store}. */
    public String raftGroup() {
        return values.raftGroup;
    }

    /** This node's Raft address; the node binds exactly this host and port. */
    public Member self() {
        return values.self;
    }

    /**
     * The initial members of the group, {@code self} included; for a {@link #joining()} node, the
     * group it joins. Used only while the data directory holds no log: afterwards the members are
     * those of the group's committed configuration.
     */
    public List<Member> members() {
        return values.members;
    }

    /** Where this node keeps its Raft log, metadata and snapshots. */
    public Path dataDir() {
        return values.dataDir;
    }

    /** Base election timeout. Default 1 s. */
    public Duration electionTimeout() {
        return values.electionTimeout;
    }

    /** Upper bound of the random delay added to the election timeout. Default 1 s. */
    public Duration maxElectionDelay() {
        return values.maxElectionDelay;
    }

    /**
     * How often the leader sends a heartbeat when it has nothing else to send; the leader uses
     * this or {@code electionTimeout / 10}, whichever is shorter.
     */
    public Duration heartbeatInterval() {
        return values.heartbeatInterval;
    }

    /** Deadline of every store call, from its start to its result or failure. Default 5 s. */
    public Duration requestTimeout() {
        return values.requestTimeout;
    }

    /** Time between automatic snapshots; {@link Duration#ZERO} disables them. Default 1 h. */
    public Duration snapshotInterval() {
        return values.snapshotInterval;
    }

    /** Most store calls this node runs at once before refusing with backpressure. Default 10,000. */
    public int maxInFlight() {
        return values.maxInFlight;
    }

    /**
     * Most request outcomes the store remembers for deduplication and {@code claimOutcome}.
     * Default 200,000. Applied as stamped by the leader into each entry, so members may differ.
     */
    public int dedupMaxEntries() {
        return values.dedupMaxEntries;
    }

    /**
     * How long, in log time, a request outcome is remembered at most. Default 10 min; 1 min to 7
     * days and at least {@link #requestTimeout()}, so a call's own retries find its first outcome.
     */
    public Duration dedupRetention() {
        return values.dedupRetention;
    }

    /** Where result futures are completed; empty means a store-owned thread pool. */
    public Optional<Executor> callbackExecutor() {
        return Optional.ofNullable(values.callbackExecutor);
    }

    /**
     * True if this node joins an existing group: it starts without a Raft configuration, never
     * campaigns or votes, and waits until a member adds it with {@code ClusterAdmin.addMember}.
     * Ignored once the data directory holds a log. Default false.
     */
    public boolean joining() {
        return values.joining;
    }

    /**
     * Take a snapshot once more than this many entries were applied since the last one, so the
     * log on disk stays bounded whatever the traffic; 0 disables the policy. Default 200,000.
     */
    public long snapshotLogEntries() {
        return values.snapshotLogEntries;
    }

    /**
     * Deadline of a membership change or leadership transfer, including a new member's catch-up.
     * Default 2 min.
     */
    public Duration adminTimeout() {
        return values.adminTimeout;
    }

    /**
     * Largest frame a node accepts on its Raft port, as declared by the frame's header; a
     * connection declaring more is closed before the body is read. Default 4 MiB.
     */
    public int maxFrameBytes() {
        return values.maxFrameBytes;
    }

    /** Most connections accepted at once from one peer address; more are closed at once. Default 32. */
    public int maxConnectionsPerAddress() {
        return values.maxConnectionsPerAddress;
    }

    /** Most TLS handshakes in progress at once on the Raft port; more connections are closed. Default 128. */
    public int maxHandshakes() {
        return values.maxHandshakes;
    }

    /** True if jraft's own metrics (dropwizard) are collected, for {@code EscrowStoreMetrics} to bridge. Default false. */
    public boolean raftMetrics() {
        return values.raftMetrics;
    }

    /** The clocks this node reads for deadlines, waits and log-time stamps. Default {@link TimeSource#SYSTEM}. */
    public TimeSource timeSource() {
        return values.timeSource;
    }

    /**
     * Mutual TLS for every connection on the Raft port (Raft, forwarded commands, admin requests),
     * or empty for plaintext. See {@link TlsConfig} and {@code docs/security.md}.
     */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(values.tls);
    }

    /**
     * Whether plaintext was chosen explicitly with {@link Builder#unsafePlaintext()}, the only way
     * to run without TLS. The Raft port is then unauthenticated: whoever reaches it can vote,
     * append entries or change the membership; the store logs a warning at start.
     */
    public boolean unsafePlaintext() {
        return values.unsafePlaintext;
    }

    /**
     * Names of the test-only unsafe switches that are on; empty in every real deployment. They cannot
     * be set through the builder (only the testkit sets them, to prove its checks can fail).
     */
    public List<String> unsafeSwitches() {
        return values.unsafe.names();
    }

    @Override
    public String toString() {
        return "RaftStoreConfig{groupId=" + values.groupId + ", raftGroup=" + values.raftGroup + ", self=" + values.self
                + ", members=" + values.members + ", dataDir=" + values.dataDir + ", electionTimeout=" + values.electionTimeout
                + ", maxElectionDelay=" + values.maxElectionDelay + ", heartbeatInterval=" + values.heartbeatInterval + ", requestTimeout=" + values.requestTimeout
                + ", snapshotInterval=" + values.snapshotInterval + ", maxInFlight=" + values.maxInFlight
                + ", dedupMaxEntries=" + values.dedupMaxEntries + ", dedupRetention=" + values.dedupRetention
                + ", joining=" + values.joining + ", snapshotLogEntries=" + values.snapshotLogEntries + ", adminTimeout=" + values.adminTimeout
                + ", maxFrameBytes=" + values.maxFrameBytes + ", maxConnectionsPerAddress="
                + values.maxConnectionsPerAddress + ", maxHandshakes=" + values.maxHandshakes
                + ", raftMetrics=" + values.raftMetrics + ", tls=" + (values.tls != null ? values.tls : values.unsafePlaintext ? "off (unsafePlaintext)" : "off") + "}";
    }

    /** Mutable builder of {@link RaftStoreConfig}; not thread-safe. */
    public static final class Builder implements Cloneable {
        private GroupId groupId;
        private String raftGroup = DEFAULT_RAFT_GROUP;
        private Member self;
        private List<Member> members = new ArrayList<>();
        private Path dataDir;
        private Duration electionTimeout = Duration.ofSeconds(1);
        private Duration maxElectionDelay = Duration.ofSeconds(1);
        private Duration heartbeatInterval = Duration.ofMillis(10);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration snapshotInterval = Duration.ofHours(1);
        private int maxInFlight = 10_000;
        private int dedupMaxEntries = 200_000;
        private Duration dedupRetention = Duration.ofMinutes(10);
        private Executor callbackExecutor;
        private boolean joining;
        private long snapshotLogEntries = 200_000;
        private Duration adminTimeout = Duration.ofMinutes(2);
        private int maxFrameBytes = 4 << 20;
        private int maxConnectionsPerAddress = 32;
        private int maxHandshakes = 128;
        private boolean raftMetrics;
        private TimeSource timeSource = TimeSource.SYSTEM;
        private TlsConfig tls;
        private boolean unsafePlaintext;
        private UnsafeSwitches unsafe = UnsafeSwitches.NONE;

        private Builder() {
        }

        /** An independent builder with the same values: every field is immutable but the member list, copied. */
        private Builder copy() {
            try {
                Builder copy = (Builder) clone();
                copy.members = members == null ? null : new ArrayList<>(members);
                return copy;
            } catch (CloneNotSupportedException e) {
                throw new AssertionError("Builder is Cloneable", e);
            }
        }

        /** Required: the MultiPartyEscrow group id the store serves. */
        public Builder groupId(GroupId groupId) {
            this.groupId = groupId;
            return this;
        }

        /** The Raft group name, letters, digits, {@code _ . -}, at most 64. */
        public Builder raftGroup(String raftGroup) {
            this.raftGroup = raftGroup;
            return this;
        }

        /** Required: this node's address. */
        public Builder self(Member self) {
            this.self = self;
            return this;
        }

        /** Required: every initial member, including {@code self}; for a joining node, the group it joins. */
        public Builder members(List<Member> members) {
            this.members = members == null ? null : new ArrayList<>(members);
            return this;
        }

        /** Required: the node's data directory (created if missing). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Base election timeout, 50 ms .. 60 s. */
        public Builder electionTimeout(Duration electionTimeout) {
            this.electionTimeout = electionTimeout;
            return this;
        }

        /** Random extra election delay, 0 .. 60 s. */
        public Builder maxElectionDelay(Duration maxElectionDelay) {
            this.maxElectionDelay = maxElectionDelay;
            return this;
        }

        /**
         * Leader heartbeat interval, 1 ms .. 6 s; default 10 ms. The leader uses this or
         * {@code electionTimeout / 10}, whichever is shorter. A follower learns that an entry
         * committed from the leader's next message, so a linearizable read on a follower right
         * after a write can wait up to one interval; each heartbeat costs CPU on the leader and
         * every follower, idle or not (measured on the benchmark machine, CPU per second of an idle
         * node: 53–70 ms on a follower and 107–110 on the leader at 10 ms, 18 and 40 at 100 ms;
         * see docs/configuration.md).
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /** Deadline of every call, 10 ms .. 10 min. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Time between snapshots, zero (off) or 1 s .. 1 day. */
        public Builder snapshotInterval(Duration snapshotInterval) {
            this.snapshotInterval = snapshotInterval;
            return this;
        }

        /** Most calls in flight on this node, 1 .. 1,000,000. */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Most remembered request outcomes, 1,000 .. 10,000,000. */
        public Builder dedupMaxEntries(int dedupMaxEntries) {
            this.dedupMaxEntries = dedupMaxEntries;
            return this;
        }

        /** Longest a request outcome is remembered, 1 min .. 7 days. */
        public Builder dedupRetention(Duration dedupRetention) {
            this.dedupRetention = dedupRetention;
            return this;
        }

        /** Executor completing result futures; it should not run tasks on the calling thread. */
        public Builder callbackExecutor(Executor callbackExecutor) {
            this.callbackExecutor = callbackExecutor;
            return this;
        }

        /** True to join an existing group as a new member; see {@link RaftStoreConfig#joining()}. */
        public Builder joining(boolean joining) {
            this.joining = joining;
            return this;
        }

        /** Entries applied since the last snapshot that trigger the next one: 0 (off) or 100 .. 1,000,000,000. */
        public Builder snapshotLogEntries(long snapshotLogEntries) {
            this.snapshotLogEntries = snapshotLogEntries;
            return this;
        }

        /** Deadline of a membership change or leadership transfer, 1 s .. 1 h. */
        public Builder adminTimeout(Duration adminTimeout) {
            this.adminTimeout = adminTimeout;
            return this;
        }

        /**
         * Largest frame accepted on the Raft port, 2 MiB .. 1 GiB; a larger declared frame closes
         * the connection before its body is buffered. Default 4 MiB.
         */
        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** Most connections accepted at once from one peer address, 4 .. 100,000. Default 32. */
        public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        /** Most TLS handshakes in progress at once, 4 .. 100,000. Default 128. */
        public Builder maxHandshakes(int maxHandshakes) {
            this.maxHandshakes = maxHandshakes;
            return this;
        }

        /** True to collect jraft's own metrics; see {@link RaftStoreConfig#raftMetrics()}. */
        public Builder raftMetrics(boolean raftMetrics) {
            this.raftMetrics = raftMetrics;
            return this;
        }

        /** The clocks the node reads; see {@link RaftStoreConfig#timeSource()}. Tests use it to control time. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /**
         * Turns on mutual TLS with this identity; see {@link RaftStoreConfig#tls()}. Replaces an
         * earlier {@link #unsafePlaintext()}. One of the two is required.
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            this.unsafePlaintext = false;
            return this;
        }

        /**
         * Chooses plaintext explicitly (tests, demos, a network only members reach); see
         * {@link RaftStoreConfig#unsafePlaintext()}. Replaces an earlier {@link #tls}. One of the two
         * is required.
         */
        public Builder unsafePlaintext() {
            this.unsafePlaintext = true;
            this.tls = null;
            return this;
        }

        /** @throws IllegalArgumentException naming the first missing or invalid field */
        public RaftStoreConfig build() {
            require(groupId, "groupId");
            require(raftGroup, "raftGroup");
            if (!RAFT_GROUP.matcher(raftGroup).matches()) {
                throw new IllegalArgumentException("raftGroup must match " + RAFT_GROUP + " but was '" + raftGroup + "'");
            }
            require(self, "self");
            require(members, "members");
            if (members.isEmpty() || members.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("members must be a non-empty list without nulls");
            }
            if (new HashSet<>(members).size() != members.size()) {
                throw new IllegalArgumentException("members must not repeat a member: " + members);
            }
            if (!members.contains(self) && !joining) {
                throw new IllegalArgumentException("members " + members + " must include self " + self);
            }
            require(dataDir, "dataDir");
            within("electionTimeout", electionTimeout, Duration.ofMillis(50), Duration.ofSeconds(60));
            within("maxElectionDelay", maxElectionDelay, Duration.ZERO, Duration.ofSeconds(60));
            within("heartbeatInterval", heartbeatInterval, Duration.ofMillis(1), Duration.ofSeconds(6));
            within("requestTimeout", requestTimeout, Duration.ofMillis(10), Duration.ofMinutes(10));
            require(snapshotInterval, "snapshotInterval");
            if (!snapshotInterval.isZero()) {
                within("snapshotInterval", snapshotInterval, Duration.ofSeconds(1), Duration.ofDays(1));
            }
            if (maxInFlight < 1 || maxInFlight > 1_000_000) {
                throw new IllegalArgumentException("maxInFlight must be 1..1000000 but was " + maxInFlight);
            }
            if (dedupMaxEntries < 1_000 || dedupMaxEntries > 10_000_000) {
                throw new IllegalArgumentException("dedupMaxEntries must be 1000..10000000 but was " + dedupMaxEntries);
            }
            within("dedupRetention", dedupRetention, Duration.ofMinutes(1), Duration.ofDays(7));
            if (dedupRetention.compareTo(requestTimeout) < 0) {
                // a call retries with its request id until requestTimeout: its outcome must outlive that
                throw new IllegalArgumentException("dedupRetention (" + dedupRetention + ") must be at least requestTimeout ("
                        + requestTimeout + "): a call's retries must find the outcome of its first attempt");
            }
            if (snapshotLogEntries != 0 && (snapshotLogEntries < 100 || snapshotLogEntries > 1_000_000_000L)) {
                throw new IllegalArgumentException(
                        "snapshotLogEntries must be 0 or 100..1000000000 but was " + snapshotLogEntries);
            }
            within("adminTimeout", adminTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
            if (maxFrameBytes < 2 << 20 || maxFrameBytes > 1 << 30) {
                throw new IllegalArgumentException("maxFrameBytes must be 2097152..1073741824 but was " + maxFrameBytes);
            }
            if (maxConnectionsPerAddress < 4 || maxConnectionsPerAddress > 100_000) {
                throw new IllegalArgumentException("maxConnectionsPerAddress must be 4..100000 but was "
                        + maxConnectionsPerAddress);
            }
            if (maxHandshakes < 4 || maxHandshakes > 100_000) {
                throw new IllegalArgumentException("maxHandshakes must be 4..100000 but was " + maxHandshakes);
            }
            if (tls == null && !unsafePlaintext) {
                throw new IllegalArgumentException("tls is required: configure tls(...), or choose unsafePlaintext()"
                        + " explicitly for a network only members reach (see docs/security.md)");
            }
            return new RaftStoreConfig(this);
        }

        private static void require(Object value, String field) {
            if (value == null) {
                throw new IllegalArgumentException(field + " is required");
            }
        }

        private static void within(String field, Duration value, Duration min, Duration max) {
            require(value, field);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + " but was " + value);
            }
        }
    }
}
