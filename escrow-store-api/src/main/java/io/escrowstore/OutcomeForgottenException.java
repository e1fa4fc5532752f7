package io.escrowstore;

/**
 * The store no longer knows the outcome of this request: its request id is not among the recorded
 * outcomes, and the request was first submitted before the oldest outcome the store still keeps,
 * so it may have been applied and its record evicted since. The store evaluated nothing for this
 * submission; whether an earlier submission was applied is unknown and cannot be learned from the
 * store by request id any more.
 *
 * <p><b>Never treat this as a rejection</b>, and never as a success either: do not serve a call on
 * it, and do not resubmit the request under a new request id (that could apply it a second time).
 * Resubmitting under the same id gets this answer again. Learn what happened from the state itself:
 * read the channel ({@link PaymentStore#channel}) and compare its authorized amount and nonce with
 * the payment, or, for a reservation, whether the channel still shows it.
 *
 * <p>Why an exception and not a result value: a forgotten outcome is the store admitting it lost
 * information, like {@link IndeterminateOutcomeException}, not a business decision about the
 * payment. As a value it would have to join every sealed result type ({@code ClaimResult},
 * {@code SyncResult}, {@code ReserveResult}, ...), where code that switches over business outcomes
 * could mistake it for one. It is not an {@code IndeterminateOutcomeException}, whose advice is to
 * resubmit: here resubmitting cannot help.
 */
public class OutcomeForgottenException extends EscrowStoreException {
    private static final long serialVersionUID = 1L;
    private final RequestId requestId;

    /** @param requestId the request whose outcome is no longer known; @param message why */
    public OutcomeForgottenException(RequestId requestId, String message) {
        super("outcome of request " + requestId + " is no longer known (neither applied nor refused now; do not"
                + " resubmit under a new id): " + message);
        this.requestId = requestId;
    }

    /** The id of the request whose outcome is no longer known. */
    public RequestId requestId() {
        return requestId;
    }
}
