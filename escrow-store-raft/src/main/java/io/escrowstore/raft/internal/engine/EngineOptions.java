package io.escrowstore.raft.internal.engine;

import io.escrowstore.raft.internal.replication.Members;
import com.alipay.sofa.jraft.JRaftServiceFactory;
import com.alipay.sofa.jraft.StateMachine;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.option.ReadOnlyOption;
import java.time.Duration;
import io.escrowstore.raft.RaftStoreConfig;

/**
 * The jraft settings of a store node. Durability and safety are fixed here, not configurable:
 * fsync of every entry ({@code sync}) and of term/vote ({@code syncMeta}), entry checksums,
 * read-index reads (never clock-based leases), and the unauthenticated CLI service disabled.
 * Snapshots by log growth are not jraft's {@code snapshotLogIndexMargin} (which would also cancel
 * manual snapshots) but {@link SnapshotPolicy}. The node's storage comes from
 * {@link DurableServiceFactory}, so a failed term/vote write stops the node before a vote leaves.
 */
public final class EngineOptions {
    /**
     * Threads that run the callbacks of a node's Raft RPCs (append-entries and vote replies): one
     * per core. jraft's default keeps 26 of them waiting on one queue, so successive replies wake
     * successive idle threads in turn; with one per core a reply usually wakes a thread that just
     * ran, and the node has 24 fewer threads. jraft keeps a third of this setting as core threads.
     */
    static int rpcCallbackThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * jraft's election timeout ÷ heartbeat interval: at least its default 10, so the leader
     * heartbeats every {@code heartbeatInterval} or every tenth of the election timeout, whichever
     * is shorter.
     */
    public static int heartbeatFactor(Duration electionTimeout, Duration heartbeatInterval) {
        return (int) Math.max(10, electionTimeout.toMillis() / heartbeatInterval.toMillis());
    }

    /**
     * @param storage creates the node's log, metadata and snapshot storage: in a store,
     *     {@link NodeOptions#defaultServiceFactory}, the one jraft's service loader chose (jraft's own
     *     unless the class path lists a higher {@code @SPI} priority, as the testkit's fault-injecting
     *     factory does)
     * @param failure told when a term/vote write fails
     */
    public static NodeOptions of(RaftStoreConfig config, StateMachine fsm, JRaftServiceFactory storage, EngineFailure failure) {
        RaftOptions raft = new RaftOptions();
        raft.setSync(true);
        raft.setSyncMeta(true);
        raft.setEnableLogEntryChecksum(true);
        raft.setReadOnlyOptions(ReadOnlyOption.ReadOnlySafe);
        raft.setMaxElectionDelayMs((int) config.maxElectionDelay().toMillis());
        raft.setElectionHeartbeatFactor(heartbeatFactor(config.electionTimeout(), config.heartbeatInterval()));

        NodeOptions options = new NodeOptions();
        options.setFsm(fsm);
        options.setRaftOptions(raft);
        options.setElectionTimeoutMs((int) config.electionTimeout().toMillis());
        options.setSnapshotIntervalSecs((int) config.snapshotInterval().toSeconds());
        options.setDisableCli(true);
        options.setRpcProcessorThreadPoolSize(3 * rpcCallbackThreads());
        options.setEnableMetrics(config.raftMetrics());
        // A joining node starts without a configuration: it cannot campaign or vote until the
        // leader's log (or snapshot) tells it the group it was added to.
        Configuration initial = new Configuration();
        if (!config.joining()) {
            config.members().forEach(m -> initial.addPeer(Members.peer(m)));
        }
        options.setInitialConf(initial);
        options.setLogUri(config.dataDir().resolve("log").toString());
        options.setRaftMetaUri(config.dataDir().resolve("meta").toString());
        options.setSnapshotUri(config.dataDir().resolve("snapshot").toString());
        options.setServiceFactory(new DurableServiceFactory(storage, failure));
        return options;
    }
}
