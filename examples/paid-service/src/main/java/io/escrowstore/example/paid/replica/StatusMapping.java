package io.escrowstore.example.paid.replica;

import io.grpc.Status;

/**
 * The gRPC status of each refusal, as snet-daemon maps its payment errors:
 *
 * <table>
 *   <caption>refusal to status</caption>
 *   <tr><th>refusal</th><th>status</th><th>snet-daemon's error</th></tr>
 *   <tr><td>MALFORMED_PAYMENT</td><td>INVALID_ARGUMENT</td><td>missing / incorrect format</td></tr>
 *   <tr><td>CHANNEL_NOT_FOUND</td><td>UNAUTHENTICATED</td><td>payment channel not found</td></tr>
 *   <tr><td>WRONG_RECIPIENT</td><td>UNAUTHENTICATED</td><td>recipient / group mismatch</td></tr>
 *   <tr><td>NOT_SIGNED_BY_CHANNEL_SIGNER</td><td>UNAUTHENTICATED</td><td>payment is not signed by channel signer</td></tr>
 *   <tr><td>CHANNEL_NEAR_EXPIRY</td><td>UNAUTHENTICATED</td><td>payment channel is near to be expired</td></tr>
 *   <tr><td>ALREADY_CLAIMED, INCORRECT_AMOUNT</td><td>UNAUTHENTICATED</td><td>income does not equal to price</td></tr>
 *   <tr><td>INSUFFICIENT_FUNDS</td><td>UNAUTHENTICATED</td><td>not enough tokens on payment channel</td></tr>
 *   <tr><td>INCORRECT_NONCE</td><td>ABORTED</td><td>IncorrectNonce (custom code 1000)</td></tr>
 *   <tr><td>CHANNEL_BUSY</td><td>FAILED_PRECONDITION</td><td>another transaction on channel is in progress</td></tr>
 *   <tr><td>STORE_UNAVAILABLE</td><td>INTERNAL</td><td>storage unavailable</td></tr>
 * </table>
 *
 * snet-daemon answers an incorrect nonce with the non-standard code 1000, which grpc-java's
 * {@link Status} cannot carry; ABORTED is the standard code for "read the state again and retry".
 */
public final class StatusMapping {
    private StatusMapping() {
    }

    /** The status a refused call is closed with, its description the refusal's message. */
    public static Status statusOf(Decision.Refused refused) {
        Status.Code code = switch (refused.refusal()) {
            case MALFORMED_PAYMENT -> Status.Code.INVALID_ARGUMENT;
            case CHANNEL_NOT_FOUND, WRONG_RECIPIENT, NOT_SIGNED_BY_CHANNEL_SIGNER, CHANNEL_NEAR_EXPIRY,
                    ALREADY_CLAIMED, INCORRECT_AMOUNT, INSUFFICIENT_FUNDS -> Status.Code.UNAUTHENTICATED;
            case INCORRECT_NONCE -> Status.Code.ABORTED;
            case CHANNEL_BUSY -> Status.Code.FAILED_PRECONDITION;
            case STORE_UNAVAILABLE -> Status.Code.INTERNAL;
        };
        return Status.fromCode(code).withDescription(refused.refusal() + ": " + refused.message());
    }
}
