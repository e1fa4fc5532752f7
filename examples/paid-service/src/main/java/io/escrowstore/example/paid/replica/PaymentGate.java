package io.escrowstore.example.paid.replica;

import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.EscrowStoreException;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.PaymentStore;
import io.escrowstore.Rejected;
import io.escrowstore.example.paid.payment.ClaimMessage;
import java.math.BigInteger;
import java.util.Optional;

/**
 * A replica's payment check for one call, in the order snet-daemon checks: the channel as the chain
 * view, the signature (which must recover to the channel's signer or sender), the channel's
 * recipient and group, its expiration against the current block and the threshold, and finally the
 * store's compare-and-swap {@code claim} with the chain view merged first. Everything before the
 * claim is local: a refused signature never reaches the store.
 */
public final class PaymentGate {
    /** The service's side of every channel it accepts, and the price of one call. */
    public record Terms(Address mpe, Address recipient, GroupId group, BigInteger price, BigInteger expirationThreshold) {
    }

    private final Terms terms;
    private final ChannelViews views;
    private final PaymentStore store;

    /** A gate for {@code terms}, reading chain views from {@code views} and accepting into {@code store}. */
    public PaymentGate(Terms terms, ChannelViews views, PaymentStore store) {
        this.terms = terms;
        this.views = views;
        this.store = store;
    }

    /** Decides the payment of one call; never throws for a store or business failure. */
    public Decision authorize(Payment payment) {
        BigInteger block = views.blockNumber();
        Decision first = decide(payment, block, false);
        if (first instanceof Decision.Refused refused && (refused.refusal() == Refusal.INCORRECT_NONCE
                || refused.refusal() == Refusal.CHANNEL_NOT_FOUND)) {
            return decide(payment, block, true); // the chain may have moved since the view was read
        }
        return first;
    }

    private Decision decide(Payment payment, BigInteger block, boolean refresh) {
        Optional<ChainChannel> read = views.view(payment.channelId(), block, refresh);
        if (read.isEmpty()) {
            return refuse(Refusal.CHANNEL_NOT_FOUND, "payment channel \"" + payment.channelId().value() + "\" not found");
        }
        ChainChannel view = read.get();
        Optional<Address> signer = new ClaimMessage(terms.mpe(), payment.channelId(), payment.nonce(), payment.amount())
                .recoverSigner(payment.signature());
        if (signer.isEmpty() || !(signer.get().equals(view.signer()) || signer.get().equals(view.sender()))) {
            return refuse(Refusal.NOT_SIGNED_BY_CHANNEL_SIGNER, "payment is not signed by channel signer");
        }
        if (!view.recipient().equals(terms.recipient()) || !view.groupId().equals(terms.group())) {
            return refuse(Refusal.WRONG_RECIPIENT, "the channel pays another recipient or group");
        }
        if (view.expiration().subtract(block).compareTo(terms.expirationThreshold()) <= 0) {
            return refuse(Refusal.CHANNEL_NEAR_EXPIRY, "payment channel is near to be expired, expiration time: "
                    + view.expiration() + ", current block: " + block + ", expiration threshold: "
                    + terms.expirationThreshold());
        }
        ClaimResult result;
        try {
            result = store.claim(ClaimRequest.of(payment, terms.price()).withChainView(view));
        } catch (EscrowStoreException e) {
            return refuse(Refusal.STORE_UNAVAILABLE, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (result instanceof Accepted accepted) {
            return new Decision.Paid(accepted.state());
        }
        return refusal((Rejected) result, payment);
    }

    private static Decision refusal(Rejected rejected, Payment payment) {
        String stored = rejected.state().map(s -> "latest nonce: " + s.nonce() + ", authorized: "
                + s.authorizedAmount()).orElse("channel unknown to the store");
        String sent = "sent nonce: " + payment.nonce() + ", amount: " + payment.amount() + "; " + stored;
        return refuse(switch (rejected.reason()) {
            case UNKNOWN_CHANNEL -> Refusal.CHANNEL_NOT_FOUND;
            case NONCE_MISMATCH -> Refusal.INCORRECT_NONCE;
            case ALREADY_CLAIMED -> Refusal.ALREADY_CLAIMED;
            case INCREMENT_MISMATCH -> Refusal.INCORRECT_AMOUNT;
            case INSUFFICIENT_FUNDS -> Refusal.INSUFFICIENT_FUNDS;
            case WRONG_GROUP -> Refusal.WRONG_RECIPIENT;
            case CHANNEL_BUSY, SETTLEMENT_PENDING -> Refusal.CHANNEL_BUSY;
            case RESERVATION_EXPIRED, UNKNOWN_RESERVATION, NOTHING_TO_SETTLE ->
                    throw new IllegalStateException("claim answered " + rejected.reason());
        }, sent);
    }

    private static Decision refuse(Refusal refusal, String message) {
        return new Decision.Refused(refusal, message);
    }
}
