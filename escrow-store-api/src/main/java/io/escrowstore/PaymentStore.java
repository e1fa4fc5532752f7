package io.escrowstore;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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
 *   <li><b>Honest about doubt.</b> When a request may or may not have been applied, the call fails
 *       with {@link IndeterminateOutcomeException}, never with {@link Rejected}.</li>
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
     * Accepts the payment if it is the channel's next one (SPEC §3 {@code claim}): same nonce,
     * amount raised by exactly {@code price}, within the escrowed value.
     *
     * @return a future completed with the decision, or exceptionally with an
     *     {@link EscrowStoreException} within the request deadline
     */
    CompletableFuture<ClaimResult> claimAsync(ClaimRequest request);

    /** Blocking twin of {@link #claimAsync}; returns within the request deadline. */
    default ClaimResult claim(ClaimRequest request) {
        return await(claimAsync(request), request.requestId());
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
        return await(syncFromChainAsync(chain, requestId), requestId);
    }

    /** Blocking twin of {@link #syncFromChainAsync(ChainChannel)}; returns within the request deadline. */
    default SyncResult syncFromChain(ChainChannel chain) {
        return syncFromChain(chain, RequestId.random());
    }

    /** Reads a channel with the given consistency; empty if the store does not know it. */
    CompletableFuture<Optional<ChannelState>> channelAsync(ChannelId channelId, ReadConsistency consistency);

    /** Linearizable read of a channel; returns within the request deadline. */
    default Optional<ChannelState> channel(ChannelId channelId) {
        return channel(channelId, ReadConsistency.LINEARIZABLE);
    }

    /** Blocking twin of {@link #channelAsync}; returns within the request deadline. */
    default Optional<ChannelState> channel(ChannelId channelId, ReadConsistency consistency) {
        return await(channelAsync(channelId, consistency), null);
    }

    /** This node's local view of the group; never blocks on the network. */
    StoreStatus status();

    /**
     * Stops this node: it leaves the group's quorum until restarted on the same data directory.
     * Calls in flight fail with {@link StoreClosedException} or {@link IndeterminateOutcomeException}.
     * Idempotent.
     */
    @Override
    void close();

    /** Waits for {@code future}; an interrupted wait for a mutation ({@code requestId} given) is indeterminate. */
    private static <T> T await(CompletableFuture<T> future, RequestId requestId) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (requestId != null) {
                throw new IndeterminateOutcomeException(requestId, "interrupted while waiting for the store");
            }
            throw new EscrowStoreException("interrupted while waiting for the store", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new EscrowStoreException("store call failed", cause);
        } catch (CancellationException e) {
            throw new EscrowStoreException("store call was cancelled", e);
        }
    }
}
