package io.escrowstore.testkit;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.GroupId;
import io.escrowstore.ReadConsistency;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreStatus;
import io.escrowstore.StoreUnavailableException;
import io.escrowstore.Synced;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One node of the process-level suite: a JVM that embeds one store node, as a replica service
 * would, and runs its share of the simulated replicas (threads that read a channel and claim the
 * next amount on it, on this node only; every process claims on every channel, so the same payment
 * is presented by several processes: double-spend attempts). Every invocation and completion is
 * appended to its history file at once (a line per event, written unbuffered, so a {@code kill -9}
 * loses nothing but the answers of calls in flight, which stay open-ended). Driven by one-line
 * commands on stdin, answers on stdout prefixed with {@code @@}; see {@link ProcessHistory} for the
 * file format. Arguments: {@code key=value}, the node's {@link StoreProperties} (at least self,
 * members, data-dir, group-id), plus {@code history} (the file) and {@code seed}.
 */
public final class ReplicaProcess {
    static final String HISTORY = "history";
    static final String SEED = "seed";
    static final long PRICE = 10;
    private static final int THREADS = 2;
    private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final RaftPaymentStore node;
    private final GroupId group;
    private final FileOutputStream history;
    private final String name;
    private final long seed;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile List<Long> channels = List.of();
    private volatile boolean running;

    private ReplicaProcess(String[] args) throws IOException {
        Map<String, String> values = new HashMap<>(Map.of(StoreProperties.UNSAFE_PLAINTEXT, "true",
                StoreProperties.ELECTION_TIMEOUT, "500ms", StoreProperties.MAX_ELECTION_DELAY, "300ms",
                StoreProperties.REQUEST_TIMEOUT, "2s"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        this.history = new FileOutputStream(values.remove(HISTORY), true);
        this.seed = Long.parseLong(values.remove(SEED));
        RaftStoreConfig config = StoreProperties.config(values);
        this.group = config.groupId();
        this.node = RaftPaymentStore.open(config);
        this.name = "p" + config.self().toString().replace(':', '-') + "-" + ProcessHandle.current().pid();
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        System.setOut(System.err); // only protocol lines on stdout
        ReplicaProcess replica = new ReplicaProcess(args);
        out.println("@@ READY");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] c = line.trim().split(" ");
            String reply;
            try {
                reply = replica.handle(c);
            } catch (RuntimeException | InterruptedException e) {
                reply = "ERROR " + e.toString().replace('\n', ' ');
            }
            out.println("@@ " + reply);
            out.flush();
            if (c[0].equals("QUIT")) {
                break;
            }
        }
        replica.stopLoad();
        replica.node.close();
        System.exit(0);
    }

    private String handle(String[] c) throws InterruptedException {
        switch (c[0]) {
            case "STATUS": {
                StoreStatus s = node.status();
                return "STATUS " + (s.isLeader() ? 1 : 0) + " " + s.term();
            }
            case "OPEN": { // OPEN id,id,... deposit → OPENED id:revision,...
                List<String> opened = new ArrayList<>();
                for (String id : c[1].split(",")) {
                    Synced synced = (Synced) node.syncFromChain(TestChannels.opened(group, Long.parseLong(id),
                            Long.parseLong(c[2])));
                    opened.add(id + ":" + synced.state().revision());
                }
                return "OPENED " + String.join(",", opened);
            }
            case "RUN": // RUN id,id,...
                channels = Arrays.stream(c[1].split(",")).map(Long::parseLong).toList();
                startLoad();
                return "RUNNING";
            case "ACCEPTED":
                return "ACCEPTED " + accepted.get();
            case "STOP":
                stopLoad();
                return "STOPPED";
            case "DIGEST": { // after a read barrier; ERROR if the barrier fails
                node.channel(ChannelId.of(1));
                StateDigest d = node.stateDigest();
                return "DIGEST " + d.appliedIndex() + " " + d.channels() + " " + HexFormat.of().formatHex(d.sha256());
            }
            case "STATE": { // STATE id → STATE authorized revision (local), or STATE none
                Optional<ChannelState> s = node.channel(ChannelId.of(Long.parseLong(c[1])), ReadConsistency.LOCAL);
                return s.map(st -> "STATE " + st.authorizedAmount() + " " + st.revision()).orElse("STATE none");
            }
            case "QUIT":
                return "BYE";
            default:
                return "ERROR unknown command " + c[0];
        }
    }

    private synchronized void startLoad() {
        if (running) {
            return;
        }
        running = true;
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(seed * 7919 + t);
            String process = name + "/t" + t;
            Thread thread = new Thread(() -> load(process, random), "replica-load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private synchronized void stopLoad() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        threads.clear();
    }

    /** Read a channel, claim the next amount on it; repeat. Every call recorded. */
    private void load(String process, Random random) {
        while (running) {
            long channel = channels.get(random.nextInt(channels.size()));
            ChannelId id = ChannelId.of(channel);
            long readId = record("I", process, "R", channel, "-", 0);
            Optional<ChannelState> state;
            try {
                state = node.channel(id);
                complete(readId, "READ", "-", state.map(s -> s.authorizedAmount() + " " + s.revision()).orElse("none"));
            } catch (EscrowStoreException e) {
                complete(readId, "FAILED", "-", "none");
                LockSupport.parkNanos(BACKOFF_NANOS);
                continue;
            }
            long amount = state.map(s -> s.authorizedAmount().longValueExact()).orElse(0L) + PRICE;
            ClaimRequest claim = ClaimRequest.of(TestChannels.payment(channel, 0, amount), BigInteger.valueOf(PRICE),
                    new RequestId(process + "/" + sequence.incrementAndGet()));
            long claimId = record("I", process, "C", channel, claim.requestId().value(), amount);
            try {
                ClaimResult result = node.claim(claim);
                if (result instanceof Accepted a) {
                    accepted.incrementAndGet();
                    complete(claimId, "ACCEPTED", "-", a.state().authorizedAmount() + " " + a.state().revision());
                } else {
                    Rejected r = (Rejected) result;
                    complete(claimId, "REJECTED", r.reason().name(),
                            r.state().map(s -> s.authorizedAmount() + " " + s.revision()).orElse("none"));
                }
            } catch (StoreUnavailableException | StoreOverloadedException e) {
                complete(claimId, "FAILED", "-", "none");
                LockSupport.parkNanos(BACKOFF_NANOS);
            } catch (RuntimeException e) { // IndeterminateOutcomeException or anything else: may have taken effect
                complete(claimId, "INDETERMINATE", "-", "none");
                LockSupport.parkNanos(BACKOFF_NANOS);
            }
        }
    }

    private final AtomicLong events = new AtomicLong();

    /** Appends an invocation line; returns its id. */
    private long record(String event, String process, String kind, long channel, String requestId, long amount) {
        long id = events.incrementAndGet();
        write(String.join("\t", event, name + "#" + id, process, kind, Long.toString(channel), requestId,
                Long.toString(amount), Long.toString(System.nanoTime())));
        return id;
    }

    private void complete(long id, String outcome, String reason, String state) {
        write(String.join("\t", "C", name + "#" + id, outcome, reason, state.replace(' ', '\t'),
                Long.toString(System.nanoTime())));
    }

    private void write(String line) {
        synchronized (history) { // not this: stopLoad holds this while it joins the load threads
            try {
                history.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot append to the history", e);
            }
        }
    }
}
