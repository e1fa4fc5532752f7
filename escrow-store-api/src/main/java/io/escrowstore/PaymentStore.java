package io.escrowstore;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The payment-channel state shared by every replica of a paid service. Each replica embeds one
 * node of the store; any node accepts any call.
 *
 * <p>Guarantees, in plain words:
 * <ul>
 *   <li><b>Linearizable.</b> Every mutating call is one compare-and-swap decided by a majority of
 *       the group, in one total order. If two replicas are shown the same payment, exactly one
 *       gets {@link Accepted}. An {@link Accepted} answer is durable (fsynced by a majority) and is
 *       seen by every later {@link ReadConsistency#LINEARIZABLE} read on any node.</li>
 *   <li><b>Consistent over available (CP).</b> With a majority of nodes alive and connected the
 *       store serves; with fewer it refuses ({@link NoQuorumException}) rather than risk a double
 *       acceptance.</li>
 *   <li><b>Bounded.</b> Every call completes within the store's request deadline: with a result,
 *       or with an {@link EscrowStoreException}.</li>
 *   <li><b>Exactly once per request id.</b> The store records the outcome of every mutating
 *       request id and answers a resubmission with that outcome. The library retries ambiguous
 *       failures with the same id until the deadline. Outcomes are kept for a bounded window; a
 *       resubmission whose outcome may have left it fails with {@link OutcomeForgottenException}
 *       and is never evaluated again.</li>
 *   <li><b>Honest about doubt.</b> When the outcome still cannot be learned by the deadline, the
 *       call fails with {@link IndeterminateOutcomeException}, never with {@link Rejected}; resubmit
 *       the same request id or ask {@link #claimOutcome}.</li>
 * </ul>
 * Business outcomes are values ({@link Accepted}, {@link Synced}, {@link Rejected}); infrastructure
 * failures are unchecked {@link EscrowStoreException}s. The {@code …Async} methods never throw
 * them: they return a future failed with one (argument errors such as a null request still throw
 * at once). Futures complete on the store's callback executor, never on a Raft thread.
 *
 * <p><b>Warning:</b> signature recovery, channel expiration and pricing are the caller's job; the
 * store trusts the payment it is given.
 */
public interface PaymentStore extends AutoCloseable {

    /**
     * Accepts the payment if it is the channel's next one (the claim rules of docs/rules.md): same nonce,
     * amount raised by exactly {@code price}, within the escrowed value, no live reservation of
     * another request. Exactly once per request id: a resubmitted request id gets the first
     * outcome back, byte for byte, and is never evaluated again (within the deduplication window;
     * after it, {@link OutcomeForgottenException}).
     *
     * @return a future completed with the decision, or exceptionally with an
     *     {@link EscrowStoreException} within the request deadline
     */
    CompletableFuture<ClaimResult> claimAsync(ClaimRequest request);

    /** Blocking twin of {@link #claimAsync}; returns within the request deadline. */
    default ClaimResult claim(ClaimRequest request) {
        return Blocking.await(claimAsync(request), request.requestId());
    }

    /**
     * Merges the channel as read from chain into the stored state: stores a new channel of this
     * store's group, takes a higher chain nonce (resetting the authorization), and takes the
     * chain's value and expiration for the same nonce.
     *
     * @param requestId the caller's id for this request, reported in an
     *     {@link IndeterminateOutcomeException}
     */
    CompletableFuture<SyncResult> syncFromChainAsync(ChainChannel chain, RequestId requestId);

    /** {@link #syncFromChainAsync(ChainChannel, RequestId)} with a fresh random request id. */
    default CompletableFuture<SyncResult> syncFromChainAsync(ChainChannel chain) {
        return syncFromChainAsync(chain, RequestId.random());
    }

    /** Blocking twin of {@link #syncFromChainAsync(ChainChannel, RequestId)}; returns within the request deadline. */
    default SyncResult syncFromChain(ChainChannel chain, RequestId requestId) {
        return Blocking.await(syncFromChainAsync(chain, requestId), requestId);
    }

    /** Blocking twin of {@link #syncFromChainAsync(ChainChannel)}; returns within the request deadline. */
    default SyncResult syncFromChain(ChainChannel chain) {
        return syncFromChain(chain, RequestId.random());
    }

    /**
     * Holds a payment without charging it ("charge only if the call succeeds"): runs the same
     * checks as {@link #claimAsync} and, if they pass, reserves the payment on its channel until
     * {@link #commitAsync commit}, {@link #releaseAsync release} or the end of the lease, whichever
     * comes first. While the reservation is live, other claims and reservations of the channel
     * get {@link RejectReason#CHANNEL_BUSY}. Leases run in log time (the leaders' clocks, stamped
     * into each entry and made monotonic), so a reservation whose owner dies frees the channel by
     * itself; no operator action is ever needed.
     *
     * @param lease how long the reservation may stay uncommitted, 1 ms to 1 h
     */
    CompletableFuture<ReserveResult> reserveAsync(ClaimRequest request, Duration lease);

    /** Blocking twin of {@link #reserveAsync}; returns within the request deadline. */
    default ReserveResult reserve(ClaimRequest request, Duration lease) {
        return Blocking.await(reserveAsync(request, lease), request.requestId());
    }

    /**
     * Charges a reservation exactly like an accepted claim. A reservation whose lease ended is
     * never committed ({@link RejectReason#RESERVATION_EXPIRED}). Retrying a commit is safe: every
     * commit of one reservation shares the request id {@link ReservationId#commitRequestId()}.
     */
    CompletableFuture<ClaimResult> commitAsync(ReservationId reservationId);

    /** Blocking twin of {@link #commitAsync}; returns within the request deadline. */
    default ClaimResult commit(ReservationId reservationId) {
        return Blocking.await(commitAsync(reservationId), reservationId.commitRequestId());
    }

    /** Drops a reservation without charging it. Retrying is safe, as for {@link #commitAsync}. */
    CompletableFuture<ReleaseResult> releaseAsync(ReservationId reservationId);

    /** Blocking twin of {@link #releaseAsync}; returns within the request deadline. */
    default ReleaseResult release(ReservationId reservationId) {
        return Blocking.await(releaseAsync(reservationId), reservationId.releaseRequestId());
    }

    /**
     * Moves the authorization of each channel into a pending {@link Settlement}, all in one log
     * entry, each channel decided on its own: it needs an authorized amount above 0, no live
     * reservation and no settlement of the channel still pending. A started settlement bumps the
     * channel's nonce, lowers its full amount by the settled amount and resets its authorization.
     *
     * @param channelIds distinct channels, at most 1,000
     * @return one result per channel, in the order given
     */
    CompletableFuture<Map<ChannelId, SettlementResult>> startSettlementsAsync(List<ChannelId> channelIds,
            RequestId requestId);

    /** Blocking twin of {@link #startSettlementsAsync}; returns within the request deadline. */
    default Map<ChannelId, SettlementResult> startSettlements(List<ChannelId> channelIds, RequestId requestId) {
        return Blocking.await(startSettlementsAsync(channelIds, requestId), requestId);
    }

    /** {@link #startSettlements} of one channel. */
    default SettlementResult startSettlement(ChannelId channelId, RequestId requestId) {
        return startSettlements(List.of(channelId), requestId).get(channelId);
    }

    /**
     * Forgets the settlements of a channel that the chain has claimed: those with a nonce below
     * {@code chainNonce}. {@link #syncFromChainAsync} with a higher chain nonce does the same.
     *
     * @return the settlements removed
     */
    CompletableFuture<List<Settlement>> finishSettlementsAsync(ChannelId channelId, BigInteger chainNonce,
            RequestId requestId);

    /** Blocking twin of {@link #finishSettlementsAsync}; returns within the request deadline. */
    default List<Settlement> finishSettlements(ChannelId channelId, BigInteger chainNonce, RequestId requestId) {
        return Blocking.await(finishSettlementsAsync(channelId, chainNonce, requestId), requestId);
    }

    /** Linearizable read of every channel with an authorized amount above 0, ordered by channel id. */
    CompletableFuture<List<ChannelState>> unclaimedAsync();

    /** Blocking twin of {@link #unclaimedAsync}; returns within the request deadline. */
    default List<ChannelState> unclaimed() {
        return Blocking.await(unclaimedAsync(), null);
    }

    /** Linearizable read of every pending settlement, ordered by channel id. */
    CompletableFuture<List<Settlement>> settlementsAsync();

    /** Blocking twin of {@link #settlementsAsync}; returns within the request deadline. */
    default List<Settlement> settlements() {
        return Blocking.await(settlementsAsync(), null);
    }

    /**
     * Linearizable read of the recorded outcome of a claim or commit, for a caller that got
     * {@link IndeterminateOutcomeException}: empty if the store has no record of the request id
     * (it was never applied, or its record aged out of the deduplication window). A request id
     * that named another kind of request also reads as empty.
     */
    CompletableFuture<Optional<ClaimResult>> claimOutcomeAsync(RequestId requestId);

    /** Blocking twin of {@link #claimOutcomeAsync}; returns within the request deadline. */
    default Optional<ClaimResult> claimOutcome(RequestId requestId) {
        return Blocking.await(claimOutcomeAsync(requestId), null);
    }

    /** Reads a channel with the given consistency; empty if the store does not know it. */
    CompletableFuture<Optional<ChannelState>> channelAsync(ChannelId channelId, ReadConsistency consistency);

    /** Linearizable read of a channel; returns within the request deadline. */
    default Optional<ChannelState> channel(ChannelId channelId) {
        return channel(channelId, ReadConsistency.LINEARIZABLE);
    }

    /** Blocking twin of {@link #channelAsync}; returns within the request deadline. */
    default Optional<ChannelState> channel(ChannelId channelId, ReadConsistency consistency) {
        return Blocking.await(channelAsync(channelId, consistency), null);
    }

    /** This node's local view of the group; never blocks on the network. */
    StoreStatus status();

    /**
     * Completes once this node can serve: a leader backed by a majority of the group confirmed a
     * read index after this call began, and this node has applied the log up to that index. So
     * every call that completed anywhere before {@code ready()} was called is reflected here, and a
     * call made now does not wait for an election. The first election after {@code open} may take
     * longer than the request timeout, so this keeps asking (each attempt bounded by the request
     * timeout) until it succeeds, until the returned future is cancelled, or until the node closes
     * ({@link StoreClosedException}) or stops after an internal error ({@link StoreUnavailableException}).
     * Readiness is a fact about the moment it was confirmed: a later partition can end it.
     *
     * @return a future completed with this node's status at the moment it was found ready, on the
     *     store's callback executor
     */
    CompletableFuture<StoreStatus> ready();

    /**
     * Blocking twin of {@link #ready()} with a bound: waits at most {@code timeout} and stops
     * asking when it gives up.
     *
     * @param timeout how long to wait, positive
     * @return this node's status at the moment it was found ready
     * @throws NoQuorumException if no leader backed by a majority confirmed this node caught up
     *     within {@code timeout}; the message carries this node's view of the group at that moment
     * @throws StoreClosedException if the node is or gets closed
     */
    default StoreStatus awaitReady(Duration timeout) {
        return Blocking.awaitReady(this, ready(), timeout);
    }

    /**
     * Stops this node: it leaves the group's quorum until restarted on the same data directory.
     * Calls in flight fail with {@link StoreClosedException} or {@link IndeterminateOutcomeException}.
     * Idempotent.
     */
    @Override
    void close();
}
