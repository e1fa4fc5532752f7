package io.escrowstore.testkit;

import io.escrowstore.Accepted;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.StoreClosedException;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreUnavailableException;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-safe record of store calls as the replicas saw them: each call's invocation (who, which
 * node, what, {@link System#nanoTime()}) and, once it ends, its completion (outcome, returned
 * state, {@code nanoTime}). The input of {@link HistoryChecker} and {@link LinearizabilityChecker}.
 *
 * <pre>{@code
 * History.Invocation call = history.invokeClaim("replica-1", 1, request);
 * store.claimAsync(request).whenComplete((result, error) -> {
 *     if (error == null) call.claimed(result); else call.failed(error);
 * });
 * }</pre>
 *
 * Record the invocation before the call is made and the completion after it returned, so each
 * operation's interval covers the call's real duration.
 */
public final class History {
    /** What a recorded call did. */
    public enum Kind {
        /** {@code syncFromChain}. */
        SYNC,
        /** {@code claim}. */
        CLAIM,
        /** linearizable {@code channel} read. */
        READ
    }

    /** How a recorded call ended. */
    public enum Outcome {
        /** A claim answered {@link Accepted}. */
        ACCEPTED,
        /** A claim or sync answered {@link Rejected}. */
        REJECTED,
        /** A sync answered {@link Synced}. */
        SYNCED,
        /** A read returned the channel (or its absence). */
        READ,
        /**
         * The call failed and had no effect: a read that failed, or a mutation that failed with
         * an exception the store documents as "not applied" ({@link StoreUnavailableException}
         * and so {@code NoQuorumException}, {@link StoreOverloadedException},
         * {@link StoreClosedException}).
         */
        FAILED,
        /** A mutation failed otherwise: it may take effect at any time after its invocation, or never. */
        INDETERMINATE,
        /** The call has not completed (yet); treated like {@link #INDETERMINATE}. */
        PENDING
    }

    /**
     * One recorded call.
     *
     * @param id invocation order, from 0
     * @param process the simulated replica or client that made it
     * @param node the index of the store node called
     * @param kind what it did
     * @param channel the channel it concerned
     * @param requestId the request id of a mutation
     * @param claim the request, for {@link Kind#CLAIM}
     * @param chain the chain view, for {@link Kind#SYNC}
     * @param outcome how it ended
     * @param reason the reject reason, for {@link Outcome#REJECTED}
     * @param state the channel state the answer carried (new state, state at rejection, or read value)
     * @param failure the exception's class and message, for {@link Outcome#FAILED} and {@link Outcome#INDETERMINATE}
     * @param invokedNanos {@link System#nanoTime()} before the call
     * @param completedNanos {@link System#nanoTime()} after it returned; {@link Long#MAX_VALUE} while pending
     */
    public record Operation(long id, String process, int node, Kind kind, ChannelId channel,
            Optional<RequestId> requestId, Optional<ClaimRequest> claim, Optional<ChainChannel> chain, Outcome outcome,
            Optional<RejectReason> reason, Optional<ChannelState> state, Optional<String> failure, long invokedNanos,
            long completedNanos) {

        /** True if its effect is unknown: it may take effect at any time after its invocation, or never. */
        public boolean openEnded() {
            return outcome == Outcome.INDETERMINATE || outcome == Outcome.PENDING;
        }

        /** One readable line, e.g. {@code #12 replica-1@n1 claim c7 n0 amount=30 price=10 → ACCEPTED authorized=30}. */
        public String describe() {
            StringBuilder line = new StringBuilder("#").append(id).append(' ').append(process).append("@n").append(node)
                    .append(' ').append(kind.name().toLowerCase()).append(" c").append(channel.value());
            claim.ifPresent(c -> line.append(" n").append(c.payment().nonce()).append(" amount=")
                    .append(c.payment().amount()).append(" price=").append(c.price()));
            chain.ifPresent(c -> line.append(" n").append(c.nonce()).append(" value=").append(c.value()));
            requestId.ifPresent(r -> line.append(" [").append(r.value()).append(']'));
            line.append(" → ").append(outcome);
            reason.ifPresent(r -> line.append(' ').append(r));
            if (outcome == Outcome.ACCEPTED || outcome == Outcome.REJECTED || outcome == Outcome.SYNCED
                    || outcome == Outcome.READ) {
                line.append(' ').append(state.map(History::brief).orElse("(unknown channel)"));
            }
            failure.ifPresent(f -> line.append(' ').append(f));
            return line.toString();
        }
    }

    /** A call that was invoked; complete it exactly once with one of its methods. */
    public final class Invocation {
        private final long id;
        private final String process;
        private final int node;
        private final Kind kind;
        private final ChannelId channel;
        private final Optional<RequestId> requestId;
        private final Optional<ClaimRequest> claim;
        private final Optional<ChainChannel> chain;
        private final long invokedNanos;
        private volatile Operation completed;

        private Invocation(String process, int node, Kind kind, ChannelId channel, Optional<RequestId> requestId,
                Optional<ClaimRequest> claim, Optional<ChainChannel> chain) {
            this.id = ids.getAndIncrement();
            this.process = process;
            this.node = node;
            this.kind = kind;
            this.channel = channel;
            this.requestId = requestId;
            this.claim = claim;
            this.chain = chain;
            this.invokedNanos = System.nanoTime();
        }

        /** Records a claim's answer. */
        public void claimed(ClaimResult result) {
            if (result instanceof Accepted accepted) {
                end(Outcome.ACCEPTED, Optional.empty(), Optional.of(accepted.state()), Optional.empty());
            } else {
                Rejected rejected = (Rejected) result;
                end(Outcome.REJECTED, Optional.of(rejected.reason()), rejected.state(), Optional.empty());
            }
        }

        /** Records a sync's answer. */
        public void synced(SyncResult result) {
            if (result instanceof Synced synced) {
                end(Outcome.SYNCED, Optional.empty(), Optional.of(synced.state()), Optional.empty());
            } else {
                Rejected rejected = (Rejected) result;
                end(Outcome.REJECTED, Optional.of(rejected.reason()), rejected.state(), Optional.empty());
            }
        }

        /** Records a read's answer. */
        public void read(Optional<ChannelState> state) {
            end(Outcome.READ, Optional.empty(), state, Optional.empty());
        }

        /**
         * Records a failed call; whether it may have taken effect follows from the exception.
         *
         * @return {@link Outcome#FAILED} or {@link Outcome#INDETERMINATE}
         */
        public Outcome failed(Throwable error) {
            Throwable cause = unwrap(error);
            Outcome outcome = kind == Kind.READ || notApplied(cause) ? Outcome.FAILED : Outcome.INDETERMINATE;
            end(outcome, Optional.empty(), Optional.empty(),
                    Optional.of(cause.getClass().getSimpleName() + ": " + cause.getMessage()));
            return outcome;
        }

        private void end(Outcome outcome, Optional<RejectReason> reason, Optional<ChannelState> state,
                Optional<String> failure) {
            long now = System.nanoTime();
            if (completed != null) {
                throw new IllegalStateException("operation #" + id + " completed twice");
            }
            completed = new Operation(id, process, node, kind, channel, requestId, claim, chain, outcome, reason, state,
                    failure, invokedNanos, now);
        }

        private Invocation(Operation recorded) {
            this.id = recorded.id();
            this.process = recorded.process();
            this.node = recorded.node();
            this.kind = recorded.kind();
            this.channel = recorded.channel();
            this.requestId = recorded.requestId();
            this.claim = recorded.claim();
            this.chain = recorded.chain();
            this.invokedNanos = recorded.invokedNanos();
            this.completed = recorded.outcome() == Outcome.PENDING ? null : recorded;
        }

        Operation snapshot() {
            Operation done = completed;
            return done != null ? done : new Operation(id, process, node, kind, channel, requestId, claim, chain,
                    Outcome.PENDING, Optional.empty(), Optional.empty(), Optional.empty(), invokedNanos, Long.MAX_VALUE);
        }
    }

    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentLinkedQueue<Invocation> invocations = new ConcurrentLinkedQueue<>();

    /** An empty history to record into. */
    public History() {
    }

    /**
     * A history of operations recorded elsewhere (read from a file, or written by hand to test a
     * checker). Their ids and times are kept as given.
     */
    public static History of(List<Operation> operations) {
        History history = new History();
        long next = 0;
        for (Operation op : operations) {
            history.invocations.add(history.new Invocation(op));
            next = Math.max(next, op.id() + 1);
        }
        history.ids.set(next);
        return history;
    }

    /** Records the invocation of {@code claim(request)} on {@code node} by {@code process}. */
    public Invocation invokeClaim(String process, int node, ClaimRequest request) {
        return add(new Invocation(process, node, Kind.CLAIM, request.payment().channelId(),
                Optional.of(request.requestId()), Optional.of(request), Optional.empty()));
    }

    /** Records the invocation of {@code syncFromChain(chain, requestId)}. */
    public Invocation invokeSync(String process, int node, ChainChannel chain, RequestId requestId) {
        return add(new Invocation(process, node, Kind.SYNC, chain.channelId(), Optional.of(requestId),
                Optional.empty(), Optional.of(chain)));
    }

    /** Records the invocation of a linearizable {@code channel(channelId)} read. */
    public Invocation invokeRead(String process, int node, ChannelId channelId) {
        return add(new Invocation(process, node, Kind.READ, channelId, Optional.empty(), Optional.empty(),
                Optional.empty()));
    }

    private Invocation add(Invocation invocation) {
        invocations.add(invocation);
        return invocation;
    }

    /** Every operation so far, ordered by id; calls still running appear as {@link Outcome#PENDING}. */
    public List<Operation> operations() {
        List<Operation> all = new ArrayList<>();
        for (Invocation invocation : invocations) {
            all.add(invocation.snapshot());
        }
        all.sort((a, b) -> Long.compare(a.id(), b.id()));
        return all;
    }

    /** Number of operations invoked. */
    public int size() {
        return invocations.size();
    }

    /** How many operations of {@code kind} ended with each outcome so far. */
    public Map<Outcome, Long> outcomes(Kind kind) {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, 0L);
        }
        for (Invocation invocation : invocations) {
            Operation op = invocation.snapshot();
            if (op.kind() == kind) {
                counts.merge(op.outcome(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /**
     * Claims answered "not applied" ({@link Outcome#FAILED}) so far, counted by the simple name of
     * the exception they failed with, e.g. {@code {NoQuorumException=412, StoreClosedException=3}}.
     */
    public Map<String, Long> notAppliedClaims() {
        Map<String, Long> counts = new TreeMap<>();
        for (Invocation invocation : invocations) {
            Operation op = invocation.snapshot();
            if (op.kind() == Kind.CLAIM && op.outcome() == Outcome.FAILED) {
                String failure = op.failure().orElse("unknown");
                int colon = failure.indexOf(':');
                counts.merge(colon < 0 ? failure : failure.substring(0, colon), 1L, Long::sum);
            }
        }
        return counts;
    }

    static String brief(ChannelState state) {
        return "nonce=" + state.nonce() + " authorized=" + state.authorizedAmount() + " full=" + state.fullAmount()
                + " rev=" + state.revision();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static boolean notApplied(Throwable cause) {
        if (cause instanceof IndeterminateOutcomeException) {
            return false;
        }
        return cause instanceof StoreUnavailableException || cause instanceof StoreOverloadedException
                || cause instanceof StoreClosedException;
    }
}
