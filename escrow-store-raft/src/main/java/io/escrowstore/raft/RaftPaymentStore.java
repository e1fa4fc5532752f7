package io.escrowstore.raft;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.ClusterAdmin;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.Member;
import io.escrowstore.OutcomeForgottenException;
import io.escrowstore.PaymentStore;
import io.escrowstore.ReadConsistency;
import io.escrowstore.ReleaseResult;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.ReserveResult;
import io.escrowstore.Settlement;
import io.escrowstore.SettlementResult;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreStatus;
import io.escrowstore.StoreUnavailableException;
import io.escrowstore.SyncResult;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.escrowstore.raft.internal.admin.AdminClient;
import io.escrowstore.raft.internal.admin.AdminProcessor;
import io.escrowstore.raft.internal.admin.AdminQueries;
import io.escrowstore.raft.internal.admin.AdminService;
import io.escrowstore.raft.internal.admin.ClusterStatusCollector;
import io.escrowstore.raft.internal.admin.ConfSteps;
import io.escrowstore.raft.internal.admin.MembershipChanger;
import io.escrowstore.raft.internal.admin.NodeDescriber;
import io.escrowstore.raft.internal.admin.RaftClusterAdmin;
import io.escrowstore.raft.internal.engine.EngineFailure;
import io.escrowstore.raft.internal.engine.EngineOptions;
import io.escrowstore.raft.internal.engine.StartupCheck;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.ChannelView;
import io.escrowstore.raft.internal.ledger.CommandApplier;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.Results;
import io.escrowstore.raft.internal.reads.LeaderReadIndex;
import io.escrowstore.raft.internal.reads.LinearizableReader;
import io.escrowstore.raft.internal.reads.Readiness;
import io.escrowstore.raft.internal.replication.Answering;
import io.escrowstore.raft.internal.replication.Leaders;
import io.escrowstore.raft.internal.replication.LogClock;
import io.escrowstore.raft.internal.replication.Members;
import io.escrowstore.raft.internal.replication.MembershipView;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;
import io.escrowstore.raft.internal.replication.CommandProposer;
import io.escrowstore.raft.internal.replication.Proposer;
import io.escrowstore.raft.internal.replication.SnapshotPolicy;
import io.escrowstore.raft.internal.replication.SubmissionStamps;
import io.escrowstore.raft.internal.testing.UnsafeDoubt;
import io.escrowstore.raft.internal.routing.ForwardClient;
import io.escrowstore.raft.internal.routing.ForwardProcessor;
import io.escrowstore.raft.internal.routing.LeaderCalls;
import io.escrowstore.raft.internal.routing.RequestRouter;
import io.escrowstore.raft.internal.support.NamedThreads;
import io.escrowstore.raft.internal.support.Poll;
import io.escrowstore.raft.internal.support.StoreStats;
import io.escrowstore.raft.internal.testing.AcknowledgeBeforeCommit;
import io.escrowstore.raft.internal.testing.UnsafeSwitches;
import io.escrowstore.raft.internal.transport.EscrowRaftRpcFactory;
import io.escrowstore.raft.internal.transport.RpcSerializer;
import io.escrowstore.raft.internal.transport.ConnectionLimit;
import io.escrowstore.raft.internal.transport.FrameLimit;
import io.escrowstore.raft.internal.transport.BoltResponses;
import io.escrowstore.raft.internal.transport.RoleCheckingRpcServer;
import io.escrowstore.raft.internal.transport.ServerGuards;
import io.escrowstore.raft.internal.transport.TransportSecurity;

/**
 * A {@link PaymentStore} node backed by an embedded SOFAJRaft node. Open one per replica with
 * {@link #open(RaftStoreConfig)}; every replica of the group lists the same members.
 *
 * <p>Engine settings are fixed for safety: every log entry and every term/vote change is fsynced
 * before it counts, entries carry checksums, reads use read-index (never leases), and jraft's
 * unauthenticated CLI service is disabled. The RPC server binds only the configured host.
 *
 * <p>With {@link RaftStoreConfig#tls()} every connection this node accepts or opens (Raft,
 * forwarded commands, admin requests) is mutual TLS with member identity checks; without it the
 * Raft port is unauthenticated and the node says so at WARN when it starts.
 */
public final class RaftPaymentStore implements PaymentStore {
    /** Set on a thread while it waits in {@link #claim}: its call's future has no other dependent. */
    private static final ThreadLocal<Boolean> BLOCKED_IN_CLAIM = new ThreadLocal<>();
    private static final Logger LOG = LoggerFactory.getLogger(RaftPaymentStore.class);
    /** Submission stamps remembered: of this many recent requests, and of as many that ended indeterminate. */
    private static final int REMEMBERED_STAMPS = 100_000;
    /** Requests whose outcome is a {@link ClaimResult}. */
    private static final Set<Command.BodyCase> CLAIM_KINDS = EnumSet.of(Command.BodyCase.CLAIM, Command.BodyCase.COMMIT);
    /** Between two readiness reads that found no quorum (each already waited up to the request timeout). */
    private static final Duration READINESS_PAUSE = Duration.ofMillis(50);

    private final RaftStoreConfig config;
    private final String name;
    private final PaymentStateMachine fsm;
    private final RaftGroupService groupService;
    /**
     * The node once {@code groupService.start()} returned it (then never cleared): null only while
     * the constructor runs. Volatile, because the store's own threads read it from then on.
     */
    private volatile Node node;
    private final ForwardClient forwardClient;
    private final RequestRouter router;
    private final LinearizableReader reader;
    private final Readiness readiness;
    private final Semaphore inFlight;
    private final Executor callbackExecutor;
    private final ExecutorService ownCallbackExecutor;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService snapshotWriter;
    private final StoreStats stats = new StoreStats();
    private final LogClock logClock;
    private final SubmissionStamps stamps = new SubmissionStamps(this::knownCommitted, REMEMBERED_STAMPS);
    private final EngineFailure engineFailure;
    private final AdminClient adminClient;
    private final AdminService adminService;
    private final RaftClusterAdmin admin;
    private final ForwardProcessor forwardProcessor;
    private final AdminProcessor adminProcessor;
    private final TransportSecurity security;
    /** Closes a connection whose frame header declares more than the bound, before buffering it. */
    private final FrameLimit frames;
    /** Closes an accepted connection over the per-address or handshake bound, before any other work. */
    private final ConnectionLimit connections;
    /** With TLS, checks each request against its sender's certificate role; null without TLS. */
    private final RoleCheckingRpcServer roles;
    /**
     * Hosts a peer certificate may name, refreshed by the timer: the handshake check runs on netty
     * threads, which must never wait for the node's lock (jraft holds it while connecting).
     */
    private volatile Set<String> peerHosts;
    private volatile boolean closed;

    private RaftPaymentStore(RaftStoreConfig config) {
        this.config = config;
        this.name = config.raftGroup() + "/" + config.self();
        MembershipView membership = new MembershipView(config.joining() ? List.of() : config.members());
        // before any thread exists: an unreadable key or trust store fails here, leaking nothing
        this.peerHosts = peerHosts(config, List.of());
        this.security = config.tls().map(tls -> TransportSecurity.of(tls, () -> this.peerHosts, name)).orElse(null);
        logTransport(config, name);
        this.ownCallbackExecutor = config.callbackExecutor().isPresent() ? null
                : Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                        new NamedThreads("escrow-callback-" + config.self()));
        this.callbackExecutor = config.callbackExecutor().orElse(ownCallbackExecutor);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new NamedThreads("escrow-timer-" + config.self()));
        // every call schedules its deadline; cancelled ones must not wait 5 s in the queue holding their request
        timer.setRemoveOnCancelPolicy(true);
        this.scheduler = timer;
        this.snapshotWriter = Executors.newSingleThreadExecutor(new NamedThreads("escrow-snapshot-" + config.self()));
        this.inFlight = new Semaphore(config.maxInFlight());
        SnapshotPolicy snapshotPolicy = new SnapshotPolicy(config.snapshotLogEntries(), callbackExecutor, stats, name);
        if (!config.unsafeSwitches().isEmpty()) {
            LOG.error("{}: TEST-ONLY UNSAFE SWITCHES ARE ON, this node can lose or duplicate payments: {}", name,
                    config.unsafeSwitches());
        }
        this.fsm = new PaymentStateMachine(new ChannelLedger(config.groupId()), snapshotWriter, name, membership, stats,
                snapshotPolicy, UnsafeSwitches.of(config).skipRequestDedup(), UnsafeSwitches.of(config).engineFloor());
        this.engineFailure = new EngineFailure(name, config.dataDir());
        fsm.whenFailed(engineFailure::engineFailed);

        RpcSerializer.register();
        com.alipay.remoting.rpc.RpcServer boltServer =
                new com.alipay.remoting.rpc.RpcServer(config.self().host(), config.self().port(), true);
        this.frames = new FrameLimit(config.maxFrameBytes(), name);
        this.connections = new ConnectionLimit(config.maxConnectionsPerAddress(), config.maxHandshakes(), name);
        new ServerGuards(connections, frames, security).install(boltServer);
        this.roles = security == null ? null : new RoleCheckingRpcServer(new BoltRpcServer(boltServer), name);
        RpcServer rpcServer = roles == null ? new BoltRpcServer(boltServer) : roles;
        RaftRpcServerFactory.addRaftRequestProcessors(rpcServer);
        this.groupService = new RaftGroupService(config.raftGroup(), Members.peer(config.self()), EngineOptions.of(config, fsm,
                NodeOptions.defaultServiceFactory, engineFailure), rpcServer);
        // jraft's getRaftNode() is synchronized, and close() holds that lock while it joins the threads that
        // read this: once the node has started it is read without the lock (before, the lock waits for start)
        Supplier<Node> nodeRef = () -> {
            Node known = node;
            return known != null ? known : groupService.getRaftNode();
        };
        this.logClock = new LogClock(config.timeSource(), name);
        fsm.whenApplied(logClock::observe);
        Proposer proposer = new Proposer(nodeRef, fsm, callbackExecutor, () -> logClock.stamp(fsm.leaderTerm()),
                config.dedupMaxEntries(), config.dedupRetention());
        CommandProposer proposals = UnsafeSwitches.of(config).acknowledgeBeforeCommit()
                ? new AcknowledgeBeforeCommit(proposer, fsm, config.groupId(), callbackExecutor) : proposer;
        // a new leader's last entries are configuration entries, which the state machine never
        // sees; an empty entry of its own makes its applied index move past them (LeaderReadIndex)
        fsm.whenLeading(() -> {
            logClock.leading(fsm.leaderTerm());
            try {
                callbackExecutor.execute(proposer::appendNoop);
            } catch (RejectedExecutionException shuttingDown) {
                LOG.debug("{}: not appending a no-op, shutting down", name);
            }
        });
        LeaderReadIndex leaderReadIndex = new LeaderReadIndex(nodeRef, fsm, callbackExecutor);
        this.forwardProcessor = new ForwardProcessor(config.raftGroup(), proposals, leaderReadIndex);
        rpcServer.registerProcessor(forwardProcessor);
        this.forwardClient = new ForwardClient(config.raftGroup(), callbackExecutor, clientHelper());
        BoltResponses.matchOnIoThread();
        this.router = new RequestRouter(config.self(), nodeRef, proposals, leaderReadIndex, forwardClient::forward,
                new LeaderCalls(scheduler, callbackExecutor, config.timeSource()), config.requestTimeout(), stats);
        this.adminClient = new AdminClient(callbackExecutor, clientHelper());
        Poll poll = new Poll(scheduler, callbackExecutor);
        MembershipChanger changer = new MembershipChanger(config.self(), config.raftGroup(), nodeRef, fsm, proposer,
                adminClient, new ConfSteps(callbackExecutor), poll, config.electionTimeout(), stats,
                config.timeSource());
        this.adminService = new AdminService(config.self(), config.adminTimeout(), nodeRef, fsm, changer,
                new ClusterStatusCollector(config.self(), config.raftGroup(), adminClient),
                new NodeDescriber(config.self(), nodeRef, fsm), adminClient::send,
                new LeaderCalls(scheduler, callbackExecutor, config.timeSource()));
        this.adminProcessor = new AdminProcessor(config.raftGroup(), adminService, new AdminQueries(this, new OperatorReadsOfThisNode()));
        rpcServer.registerProcessor(adminProcessor);
        this.admin = new RaftClusterAdmin(config.raftGroup(), adminService, config.requestTimeout());
        Node started;
        try {
            started = security == null ? groupService.start() : security.duringNodeInit(groupService::start);
        } catch (RuntimeException e) {
            releaseResources();
            String refused = fsm.snapshotLoadFailure();
            throw new StoreUnavailableException("could not start node " + name + ": "
                    + (refused != null ? refused : e.getMessage()), e);
        }
        if (started == null) {
            releaseResources();
            String refused = fsm.snapshotLoadFailure();
            throw new StoreUnavailableException("could not start node " + name + (refused != null ? ": " + refused
                    : " (see the log for jraft's reason; a corrupted snapshot or log refuses to start)"));
        }
        this.node = started;
        if (security != null && !security.isNodeClientSecured()) {
            groupService.shutdown();
            try {
                groupService.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            releaseResources();
            throw new StoreUnavailableException("could not start node " + name + ": TLS is configured but jraft's RPC"
                    + " factory " + com.alipay.sofa.jraft.util.RpcFactoryHelper.rpcFactory().getClass().getName()
                    + " did not delegate to " + EscrowRaftRpcFactory.class.getName() + ", so Raft traffic would not be"
                    + " encrypted");
        }
        Node running = started;
        membership.attach(() -> running instanceof NodeImpl impl ? impl.getCurrentConf() : null);
        snapshotPolicy.attach(() -> running);
        if (security != null) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    peerHosts = peerHosts(config, membership.members(), membership.joining());
                } catch (RuntimeException e) {
                    LOG.warn("{}: could not refresh the member hosts TLS peers may name", name, e);
                }
            }, 0, 1, TimeUnit.SECONDS);
        }
        this.reader = new LinearizableReader(router::readIndex, fsm.appliedIndexWaiters(), scheduler, callbackExecutor,
                config.requestTimeout(), config.timeSource());
        this.readiness = new Readiness(() -> admittedCall(() -> reader.read(this::status, "this node's status")),
                scheduler, callbackExecutor, READINESS_PAUSE);
        LOG.info("{}: started with members {} in {}", name, config.members(), config.dataDir());
    }

    /**
     * Starts a node: opens (or creates) its data directory, binds its RPC port, and joins the
     * group. Returns at once; the group elects a leader once a majority of members runs.
     *
     * @throws StoreUnavailableException if the node cannot start (port taken, unreadable data); a
     *     snapshot that fails its checksum or has an unknown format refuses the start, and the
     *     message names the file
     */
    public static RaftPaymentStore open(RaftStoreConfig config) {
        Objects.requireNonNull(config, "config");
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + config.dataDir(), e);
        }
        StartupCheck.verify(config, config.raftGroup() + "/" + config.self());
        return new RaftPaymentStore(config);
    }

    private static void logTransport(RaftStoreConfig config, String name) {
        if (config.tls().isPresent()) {
            LOG.info("{}: mutual TLS on the Raft port, peers must present a certificate naming a member: {}", name,
                    config.tls().get());
        } else {
            LOG.warn("{}: PLAINTEXT Raft port (unsafePlaintext chosen): whoever reaches {} can vote, append entries"
                    + " and change the membership; see docs/security.md", name, config.self());
        }
    }

    /** Hosts a peer certificate may name: the configured members and those of the current configuration. */
    @SafeVarargs
    private static Set<String> peerHosts(RaftStoreConfig config, List<Member>... current) {
        Set<String> hosts = new HashSet<>();
        config.members().forEach(m -> hosts.add(m.host().toLowerCase(java.util.Locale.ROOT)));
        hosts.add(config.self().host().toLowerCase(java.util.Locale.ROOT));
        for (List<Member> members : current) {
            members.forEach(m -> hosts.add(m.host().toLowerCase(java.util.Locale.ROOT)));
        }
        return Set.copyOf(hosts);
    }

    private com.alipay.sofa.jraft.rpc.RaftRpcFactory.ConfigHelper<com.alipay.sofa.jraft.rpc.RpcClient> clientHelper() {
        return security == null ? null : security.clientHelper();
    }

    @Override
    public CompletableFuture<ClaimResult> claimAsync(ClaimRequest request) {
        Objects.requireNonNull(request, "request");
        Answering answering = BLOCKED_IN_CLAIM.get() == Boolean.TRUE ? Answering.WHERE_LEARNED : Answering.ON_EXECUTOR;
        return mutate("claim", request.requestId(), Commands.claim(request), Results::claimResult, answering);
    }

    /**
     * Blocking twin of {@link #claimAsync}, with the same answers and exceptions. Its future is
     * seen by nobody but the waiting caller, so the leader wakes the caller from the thread that
     * applied the claim instead of handing the answer to the callback executor first: one thread
     * wake-up less per claim decided on this node.
     */
    @Override
    public ClaimResult claim(ClaimRequest request) {
        BLOCKED_IN_CLAIM.set(Boolean.TRUE);
        try {
            return PaymentStore.super.claim(request);
        } finally {
            BLOCKED_IN_CLAIM.remove();
        }
    }

    @Override
    public CompletableFuture<SyncResult> syncFromChainAsync(ChainChannel chain, RequestId requestId) {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(requestId, "requestId");
        return mutate("sync", requestId, Commands.sync(chain, requestId), Results::syncResult);
    }

    @Override
    public CompletableFuture<Optional<ChannelState>> channelAsync(ChannelId channelId, ReadConsistency consistency) {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(consistency, "consistency");
        if (consistency == ReadConsistency.LOCAL) {
            return closed ? CompletableFuture.failedFuture(closedException())
                    : CompletableFuture.completedFuture(fsm.channel(channelId));
        }
        if (UnsafeSwitches.of(config).localFollowerReads() && !node.isLeader()) {
            // TEST ONLY, deliberately wrong: a follower answers from local state without read-index
            return closed ? CompletableFuture.failedFuture(closedException())
                    : CompletableFuture.completedFuture(fsm.channel(channelId));
        }
        return admitted("read", () -> reader.read(() -> fsm.channel(channelId), channelId.toString()));
    }

    @Override
    public CompletableFuture<ReserveResult> reserveAsync(ClaimRequest request, Duration lease) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < 1 || lease.compareTo(CommandApplier.MAX_LEASE) > 0) {
            throw new IllegalArgumentException("lease must be 1 ms .. " + CommandApplier.MAX_LEASE + " but was " + lease);
        }
        return mutate("reserve", request.requestId(), Commands.reserve(request, lease.toMillis()),
                Results::reserveResult);
    }

    @Override
    public CompletableFuture<ClaimResult> commitAsync(ReservationId reservationId) {
        Objects.requireNonNull(reservationId, "reservationId");
        return mutate("commit", reservationId.commitRequestId(), Commands.commit(reservationId),
                Results::claimResult);
    }

    @Override
    public CompletableFuture<ReleaseResult> releaseAsync(ReservationId reservationId) {
        Objects.requireNonNull(reservationId, "reservationId");
        return mutate("release", reservationId.releaseRequestId(), Commands.release(reservationId),
                Results::releaseResult);
    }

    @Override
    public CompletableFuture<Map<ChannelId, SettlementResult>> startSettlementsAsync(List<ChannelId> channelIds,
            RequestId requestId) {
        Objects.requireNonNull(channelIds, "channelIds");
        Objects.requireNonNull(requestId, "requestId");
        if (channelIds.isEmpty() || channelIds.size() > Commands.MAX_SETTLEMENT_CHANNELS) {
            throw new IllegalArgumentException("channelIds must name 1.." + Commands.MAX_SETTLEMENT_CHANNELS
                    + " channels but named " + channelIds.size());
        }
        if (channelIds.stream().anyMatch(Objects::isNull) || new HashSet<>(channelIds).size() != channelIds.size()) {
            throw new IllegalArgumentException("channelIds must be distinct and non-null: " + channelIds);
        }
        return mutate("start_settlements", requestId, Commands.startSettlements(channelIds, requestId),
                Results::settlementResults);
    }

    @Override
    public CompletableFuture<List<Settlement>> finishSettlementsAsync(ChannelId channelId, BigInteger chainNonce,
            RequestId requestId) {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(requestId, "requestId");
        if (chainNonce == null || chainNonce.signum() < 0 || chainNonce.bitLength() > 256) {
            throw new IllegalArgumentException("chainNonce must be a uint256 but was " + chainNonce);
        }
        return mutate("finish_settlements", requestId, Commands.finishSettlements(channelId, chainNonce, requestId),
                Results::finishedSettlements);
    }

    @Override
    public CompletableFuture<List<ChannelState>> unclaimedAsync() {
        return admitted("read", () -> reader.read(fsm::unclaimed, "unclaimed channels"));
    }

    @Override
    public CompletableFuture<List<Settlement>> settlementsAsync() {
        return admitted("read", () -> reader.read(fsm::settlements, "pending settlements"));
    }

    /** The operator's reads beyond {@link PaymentStore}, answered like {@link #channelAsync}. */
    private final class OperatorReadsOfThisNode implements AdminQueries.OperatorReads {
        @Override
        public CompletableFuture<List<ChannelState>> channelPage(Optional<ChannelId> after, int limit) {
            return admitted("read", () -> reader.read(() -> fsm.channelPage(after, limit), "a page of channels"));
        }

        @Override
        public CompletableFuture<Optional<ChannelView>> channelView(ChannelId channelId) {
            return admitted("read", () -> reader.read(() -> fsm.channelView(channelId), channelId.toString()));
        }
    }

    @Override
    public CompletableFuture<Optional<ClaimResult>> claimOutcomeAsync(RequestId requestId) {
        Objects.requireNonNull(requestId, "requestId");
        return admitted("read", () -> reader.read(() -> fsm.outcome(requestId, CLAIM_KINDS).map(Results::claimResult),
                "outcome of " + requestId));
    }

    /**
     * Submits {@code command}, stamped ({@link SubmissionStamps}) with the index this node knows
     * committed, or with the stamp of an earlier call of the same request that this node remembers.
     * A {@code forgotten} answer fails the call with {@link OutcomeForgottenException}.
     */
    private <T> CompletableFuture<T> mutate(String operation, RequestId requestId, byte[] command,
            Function<CommandResult, T> decode) {
        return mutate(operation, requestId, command, decode, Answering.ON_EXECUTOR);
    }

    /** @param answering where the leader may complete the call ({@link RequestRouter#submit}) */
    private <T> CompletableFuture<T> mutate(String operation, RequestId requestId, byte[] command,
            Function<CommandResult, T> decode, Answering answering) {
        long stamp = stamps.stampFor(operation, requestId);
        CompletableFuture<T> call = admitted(operation, () -> router.submit(requestId, Commands.stamped(command, stamp),
                answering)
                .whenComplete((result, error) -> {
                    if (error instanceof IndeterminateOutcomeException
                            || error != null && error.getCause() instanceof IndeterminateOutcomeException) {
                        stamps.indeterminate(operation, requestId, stamp);
                    }
                })
                .thenApply(result -> {
                    if (result.getOutcomeCase() == CommandResult.OutcomeCase.FORGOTTEN) {
                        throw new OutcomeForgottenException(requestId, result.getForgotten());
                    }
                    try {
                        return decode.apply(result);
                    } catch (IllegalArgumentException e) {
                        throw new EscrowStoreException("request " + requestId + ": " + e.getMessage(), e);
                    }
                }));
        return UnsafeSwitches.of(config).reportDoubtAsNotApplied() ? UnsafeDoubt.reportedAsNotApplied(call) : call;
    }

    /** An index this node knows committed: no entry appended from now on lies at or below it. */
    private long knownCommitted() {
        Node raft = groupService.getRaftNode();
        return Math.max(fsm.appliedIndex(), raft == null ? 0 : raft.getLastCommittedIndex());
    }

    /** Admission control, then the call, with its outcome and latency counted as {@code operation}. */
    private <T> CompletableFuture<T> admitted(String operation, Supplier<CompletableFuture<T>> call) {
        long started = System.nanoTime();
        boolean claimResult = operation.equals("claim") || operation.equals("commit");
        CompletableFuture<T> future = admittedCall(call);
        future.whenComplete((value, error) -> stats.completed(operation, claimResult, value, error, started));
        return future;
    }

    private <T> CompletableFuture<T> admittedCall(Supplier<CompletableFuture<T>> call) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        StoreUnavailableException stopped = engineFailure.unavailable();
        if (stopped != null) {
            return CompletableFuture.failedFuture(stopped);
        }
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.failedFuture(new StoreOverloadedException(
                    "node " + name + " already has " + config.maxInFlight() + " calls in flight"));
        }
        CompletableFuture<T> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            inFlight.release();
            return CompletableFuture.failedFuture(e);
        }
        future.whenComplete((value, error) -> inFlight.release());
        return future;
    }

    private void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private StoreClosedException closedException() {
        return new StoreClosedException("store node " + name + " is closed");
    }

    @Override
    public StoreStatus status() {
        // jraft's applied index also counts configuration entries but moves only after the whole
        // batch; the state machine's moves before a caller's result is handed over (read your writes)
        return new StoreStatus(config.self(), Leaders.of(node), fsm.knownTerm(), fsm.members(), appliedIndex());
    }

    private long appliedIndex() {
        try {
            return Math.max(fsm.appliedIndex(), node.getLastAppliedLogIndex());
        } catch (IllegalStateException notActive) {
            // jraft answers only while the node runs; one stopped on an error keeps what it applied
            return fsm.appliedIndex();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each attempt is a linearizable read of {@link #status()} (read-index, as for
     * {@link #channel(ChannelId)}); it is not counted in the read metrics.
     */
    @Override
    public CompletableFuture<StoreStatus> ready() {
        return readiness.await();
    }

    /**
     * Membership changes and leadership transfer for this node's group; any node accepts every
     * call and hands it to the leader. See {@link ClusterAdmin} for the guarantees.
     */
    public ClusterAdmin admin() {
        return admin;
    }

    /** The configuration this node runs with. */
    public RaftStoreConfig config() {
        return config;
    }

    /**
     * A digest of this node's channel table at its current applied index, for comparing replicas
     * (replicas that applied the same log agree). Costs a pass over every channel; meant for tests and audits.
     */
    public StateDigest stateDigest() {
        checkOpen();
        return fsm.digest();
    }

    /**
     * Takes a snapshot now and compacts the log behind it; completes when the snapshot is durable.
     */
    public CompletableFuture<Void> snapshot() {
        checkOpen();
        CompletableFuture<Void> done = new CompletableFuture<>();
        node.snapshot(status -> {
            if (status.isOk()) {
                done.complete(null);
            } else {
                done.completeExceptionally(new StoreUnavailableException("snapshot failed: " + status));
            }
        });
        return done;
    }

    /**
     * Stops the node and waits for its threads. Requests in flight end with
     * {@link StoreClosedException} or {@link io.escrowstore.IndeterminateOutcomeException}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        router.close();
        reader.close();
        adminService.close();
        groupService.shutdown();
        try {
            groupService.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        releaseResources();
        LOG.info("{}: closed", name);
    }

    private void releaseResources() {
        forwardClient.close();
        adminClient.close();
        scheduler.shutdownNow();
        snapshotWriter.shutdown();
        try {
            snapshotWriter.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownCallbackExecutor != null) {
            ownCallbackExecutor.shutdown();
        }
    }

    /** TLS handshakes this node refused or had refused, in either direction; 0 without TLS. */
    public long refusedHandshakes() {
        return security == null ? 0 : security.refusedHandshakes();
    }

    /** Accepted connections closed, since start, for the per-address or the handshake bound. */
    public long refusedConnections() {
        return connections.refusedConnections();
    }

    /** Accepted connections open now on the Raft port. */
    public int openConnections() {
        return connections.openConnections();
    }

    /** Connections closed, since start, for a frame header over the frame bound or not bolt's. */
    public long refusedFrames() {
        return frames.refusedFrames();
    }

    /**
     * Requests refused, since start, because their sender's certificate has the wrong role: an
     * operator's Raft or forwarded traffic, a member's admin change. 0 without TLS.
     */
    public long refusedForRole() {
        return roles == null ? 0 : roles.refusedRequests();
    }

    /** What this node counted; read by {@link EscrowStoreMetrics}. */
    /** This node's wall clock minus the group's log time ({@link LogClock#skewMillis()}). */
    long clockSkewMillis() {
        return logClock.skewMillis();
    }

    public StoreStats stats() {
        return stats;
    }

    /** Why the Raft engine stopped, once it has; read by {@link EscrowStoreMetrics}. */
    EngineFailure engineFailure() {
        return engineFailure;
    }

    public PaymentStateMachine stateMachine() {
        return fsm;
    }

    /** The Raft node; null never (the constructor fails instead), but it may have stopped. */
    public Node raftNode() {
        return node;
    }

    int inFlight() {
        return config.maxInFlight() - inFlight.availablePermits();
    }

    long refusedRequests() {
        return forwardProcessor.badRequests() + adminProcessor.refused();
    }

    @Override
    public String toString() {
        return "RaftPaymentStore{" + name + "}";
    }
}
