package io.escrowstore;

import java.math.BigInteger;
import java.util.Optional;

/**
 * A request to accept one payment: the compare-and-swap {@code claim} (docs/rules.md).
 *
 * @param payment the payment the client sent, signature already verified by the replica
 * @param price the price of this call: the payment must raise the authorized amount by exactly this
 * @param requestId the caller's id for this request
 * @param chainView the channel as just read from chain, merged into the stored state (as
 *     {@link PaymentStore#syncFromChain} would) in the same log entry before the claim is decided
 */
public record ClaimRequest(Payment payment, BigInteger price, RequestId requestId, Optional<ChainChannel> chainView) {

    /** @throws IllegalArgumentException on a null field, a price of 0 or above uint256, or a chain view of another channel */
    public ClaimRequest {
        Checks.notNull(payment, "payment");
        Checks.uint256(price, "price");
        if (price.signum() == 0) {
            throw new IllegalArgumentException("price must be > 0");
        }
        Checks.notNull(requestId, "requestId");
        Checks.notNull(chainView, "chainView");
        chainView.ifPresent(view -> {
            if (!view.channelId().equals(payment.channelId())) {
                throw new IllegalArgumentException("chainView is of " + view.channelId()
                        + " but the payment is from " + payment.channelId());
            }
        });
    }

    /** A claim without a chain view and with a fresh random request id. */
    public static ClaimRequest of(Payment payment, BigInteger price) {
        return new ClaimRequest(payment, price, RequestId.random(), Optional.empty());
    }

    /** A claim without a chain view. */
    public static ClaimRequest of(Payment payment, BigInteger price, RequestId requestId) {
        return new ClaimRequest(payment, price, requestId, Optional.empty());
    }

    /** This request with a chain view to merge first. */
    public ClaimRequest withChainView(ChainChannel view) {
        return new ClaimRequest(payment, price, requestId, Optional.of(view));
    }
}
