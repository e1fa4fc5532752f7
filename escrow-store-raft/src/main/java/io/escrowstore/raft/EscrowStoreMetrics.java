package io.escrowstore.raft;

import com.alipay.sofa.jraft.Node;
import com.codahale.metrics.MetricRegistry;
import io.escrowstore.RejectReason;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import io.escrowstore.raft.internal.engine.EngineFailure;
import io.escrowstore.raft.internal.engine.JraftMetricsBridge;
import io.escrowstore.raft.internal.support.StoreStats;

/**
 * Micrometer metrics of one {@link RaftPaymentStore} node. Micrometer is an optional dependency
 * of the store: only this class uses it, so a service without Micrometer never loads it.
 *
 * <pre>{@code
 * EscrowStoreMetrics metrics = new EscrowStoreMetrics(store, Tags.of("service", "my-replica"));
 * metrics.bindTo(registry);   // any MeterRegistry, one or more
 * ...
 * metrics.close();            // before or after store.close(): stops recording, removes the meters
 * }</pre>
 *
 * <p>Every meter carries the tags {@code member} (this node's host:port) and {@code raft.group},
 * plus the tags given. Counters count since the node started; gauges read the node when scraped and
 * never block on the network. Meters (names as Micrometer writes them; a Prometheus registry turns
 * dots into underscores and adds {@code _total} / {@code _seconds}):
 * <ul>
 *   <li>{@code escrow.claims} counter, {@code outcome} = accepted | rejected | indeterminate |
 *       not_applied, and {@code reason} (a {@code RejectReason}, or {@code none}): claims and
 *       reservation commits called on this node ({@code indeterminate} includes forgotten
 *       outcomes: either way the caller does not know whether it was applied).</li>
 *   <li>{@code escrow.requests} timer, {@code operation} (claim, sync, reserve, commit, release,
 *       start_settlements, finish_settlements, read) and {@code outcome} (accepted, rejected, ok,
 *       indeterminate, forgotten, no_quorum, overloaded, closed, unavailable, error): latency of every call
 *       from admission to result.</li>
 *   <li>{@code escrow.requests.indeterminate}, {@code escrow.requests.forwarded} (attempts sent to
 *       the leader, commands and read-index requests), {@code escrow.requests.refused} (malformed
 *       forwarded or admin requests), {@code escrow.entries.invalid} (log entries applied as
 *       no-ops): counters.</li>
 *   <li>{@code escrow.raft.leader.changes}, {@code escrow.membership.changes}: counters;
 *       {@code escrow.raft.term}, {@code escrow.raft.leader} (1 if this node leads),
 *       {@code escrow.raft.commit.index}, {@code escrow.raft.applied.index},
 *       {@code escrow.raft.log.last.index}, {@code escrow.raft.log.entries} (entries since the last
 *       snapshot: what the log holds beyond it), {@code escrow.raft.members},
 *       {@code escrow.raft.members.joining}: gauges.</li>
 *   <li>{@code escrow.snapshot.save}, {@code escrow.snapshot.load}: function timers (count and
 *       total duration); {@code escrow.snapshot.index} gauge; {@code escrow.snapshots.log.growth}
 *       counter (snapshots taken by the log-growth policy).</li>
 *   <li>{@code escrow.disk.bytes} gauge, {@code dir} = log | snapshot | meta.</li>
 *   <li>{@code escrow.raft.failed} gauge, {@code source} = log | meta | snapshot | other: 1 for the
 *       storage whose failed write (or, for {@code other}, the engine error) stopped the node's Raft
 *       engine, else 0; a stopped node refuses every call until it is reopened.</li>
 *   <li>{@code escrow.channels}, {@code escrow.reservations} ({@code state} = live | expired),
 *       {@code escrow.settlements.pending}, {@code escrow.requests.inflight}: gauges.</li>
 *   <li>{@code escrow.clock.skew.millis} gauge: this node's wall clock minus the group's log time
 *       (positive when the wall clock is ahead); see the log clock in docs/payment-lifecycle.md.</li>
 * </ul>
 * When the node runs with {@link RaftStoreConfig#raftMetrics()}, jraft's own dropwizard metrics
 * are bridged too: {@code jraft.gauge}, {@code jraft.counter}, {@code jraft.meter} and
 * {@code jraft.histogram} (with {@code stat} = count | mean | p99 | max), each tagged with jraft's
 * {@code metric} name; see {@code docs/operations.md}.
 */
public final class EscrowStoreMetrics implements MeterBinder, AutoCloseable {
    private final RaftPaymentStore store;
    private final Tags tags;
    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    /** Metrics of {@code store}, tagged with its member address and Raft group. */
    public EscrowStoreMetrics(RaftPaymentStore store) {
        this(store, Tags.empty());
    }

    /** Metrics of {@code store}, with {@code tags} added to every meter. */
    public EscrowStoreMetrics(RaftPaymentStore store, Iterable<Tag> tags) {
        this.store = store;
        this.tags = Tags.concat(tags, "member", store.config().self().toString(), "raft.group",
                store.config().raftGroup());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Binding binding = new Binding(registry);
        bindings.add(binding);
        StoreStats stats = store.stats();
        binding.counter("escrow.claims", stats, StoreStats::claimsAccepted, "outcome", "accepted", "reason", "none");
        for (RejectReason reason : RejectReason.values()) {
            binding.counter("escrow.claims", stats, s -> s.claimsRejected(reason), "outcome", "rejected", "reason",
                    reason.name());
        }
        binding.counter("escrow.claims", stats, StoreStats::claimsIndeterminate, "outcome", "indeterminate", "reason",
                "none");
        binding.counter("escrow.claims", stats, StoreStats::claimsNotApplied, "outcome", "not_applied", "reason", "none");
        binding.counter("escrow.requests.indeterminate", stats, StoreStats::indeterminate);
        binding.counter("escrow.requests.forwarded", stats, StoreStats::forwardedCount);
        binding.counter("escrow.requests.refused", store, RaftPaymentStore::refusedRequests);
        binding.counter("escrow.tls.refused", store, RaftPaymentStore::refusedHandshakes, "reason", "handshake");
        binding.counter("escrow.tls.refused", store, RaftPaymentStore::refusedForRole, "reason", "role");
        binding.counter("escrow.frames.refused", store, RaftPaymentStore::refusedFrames);
        binding.counter("escrow.connections.refused", store, RaftPaymentStore::refusedConnections);
        binding.counter("escrow.entries.invalid", store, s -> s.stateMachine().invalidEntries());
        binding.counter("escrow.raft.leader.changes", stats, StoreStats::leaderChanges);
        binding.counter("escrow.membership.changes", stats, StoreStats::membershipChanges);
        binding.counter("escrow.snapshots.log.growth", stats, StoreStats::snapshotsByLogGrowth);
        binding.timer("escrow.snapshot.save", stats, StoreStats::snapshotsSaved, StoreStats::snapshotSaveNanos);
        binding.timer("escrow.snapshot.load", stats, StoreStats::snapshotsLoaded, StoreStats::snapshotLoadNanos);

        binding.gauge("escrow.connections.open", store, RaftPaymentStore::openConnections);
        binding.gauge("escrow.raft.term", store, s -> s.stateMachine().knownTerm());
        binding.gauge("escrow.raft.leader", store, s -> s.stateMachine().isLeader() ? 1 : 0);
        binding.gauge("escrow.raft.commit.index", store, s -> s.raftNode().getLastCommittedIndex());
        binding.gauge("escrow.raft.applied.index", store, s -> s.raftNode().getLastAppliedLogIndex());
        binding.gauge("escrow.raft.log.last.index", store, s -> s.raftNode().getLastLogIndex());
        binding.gauge("escrow.raft.log.entries", store,
                s -> Math.max(0, s.raftNode().getLastLogIndex() - s.stateMachine().lastSnapshotIndex()));
        binding.gauge("escrow.raft.members", store, s -> s.stateMachine().members().size());
        binding.gauge("escrow.raft.members.joining", store, s -> s.stateMachine().membership().joining().size());
        binding.gauge("escrow.snapshot.index", store, s -> s.stateMachine().lastSnapshotIndex());
        for (String dir : List.of("log", "snapshot", "meta")) {
            binding.gauge("escrow.disk.bytes", store, s -> bytesUnder(s.config().dataDir().resolve(dir)), "dir", dir);
        }
        for (EngineFailure.Source source : EngineFailure.Source.values()) {
            binding.gauge("escrow.raft.failed", store, s -> {
                EngineFailure.Failure failure = s.engineFailure().failure();
                return failure != null && failure.source() == source ? 1 : 0;
            }, "source", source.tag());
        }
        binding.gauge("escrow.channels", store, s -> s.stateMachine().channelCount());
        binding.gauge("escrow.reservations", store, s -> s.stateMachine().reservationAndSettlementCounts()[0],
                "state", "live");
        binding.gauge("escrow.reservations", store, s -> s.stateMachine().reservationAndSettlementCounts()[1],
                "state", "expired");
        binding.gauge("escrow.settlements.pending", store, s -> s.stateMachine().reservationAndSettlementCounts()[2]);
        binding.gauge("escrow.requests.inflight", store, RaftPaymentStore::inFlight);
        binding.gauge("escrow.clock.skew.millis", store, RaftPaymentStore::clockSkewMillis);

        stats.addListener(binding);
        Node node = store.raftNode();
        MetricRegistry raftRegistry = node.getNodeMetrics() == null ? null : node.getNodeMetrics().getMetricRegistry();
        if (store.config().raftMetrics() && raftRegistry != null) {
            binding.bridge = new JraftMetricsBridge(raftRegistry, registry, tags);
        }
    }

    /** Stops recording latencies and bridging jraft's metrics, and removes every meter this binder registered. */
    @Override
    public void close() {
        for (Binding binding : bindings) {
            store.stats().removeListener(binding);
            if (binding.bridge != null) {
                binding.bridge.close();
            }
            binding.meters.forEach(binding.registry::remove);
        }
        bindings.clear();
    }

    private static long bytesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // deleted while walking: compaction or snapshot rotation
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** The meters of one registry, and the latency listener that feeds its timers. */
    private final class Binding implements StoreStats.LatencyListener {
        final MeterRegistry registry;
        final List<Meter> meters = new CopyOnWriteArrayList<>();
        final Map<String, Timer> timers = new ConcurrentHashMap<>();
        volatile JraftMetricsBridge bridge;

        Binding(MeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void completed(String operation, String outcome, long nanos) {
            timers.computeIfAbsent(operation + '/' + outcome, key -> {
                Timer timer = Timer.builder("escrow.requests").tags(tags).tag("operation", operation)
                        .tag("outcome", outcome).description("store calls from admission to result").register(registry);
                meters.add(timer);
                return timer;
            }).record(nanos, TimeUnit.NANOSECONDS);
        }

        <T> void counter(String name, T state, ToDoubleFunction<T> count, String... extraTags) {
            meters.add(FunctionCounter.builder(name, state, count).tags(tags).tags(extraTags).register(registry));
        }

        <T> void timer(String name, T state, ToDoubleFunction<T> count, ToDoubleFunction<T> totalNanos) {
            meters.add(FunctionTimer.builder(name, state, s -> (long) count.applyAsDouble(s), totalNanos,
                    TimeUnit.NANOSECONDS).tags(tags).register(registry));
        }

        <T> void gauge(String name, T state, ToDoubleFunction<T> value, String... extraTags) {
            ToDoubleFunction<T> safe = s -> {
                try {
                    return value.applyAsDouble(s);
                } catch (RuntimeException e) {
                    return Double.NaN; // node stopped, or a value not readable right now: never fail a scrape
                }
            };
            meters.add(Gauge.builder(name, state, safe).tags(tags).tags(extraTags).register(registry));
        }
    }
}
