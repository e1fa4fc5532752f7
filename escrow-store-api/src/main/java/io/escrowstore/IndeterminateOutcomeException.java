package io.escrowstore;

/**
 * The request reached a leader but its outcome could not be learned within the deadline (the
 * leader stepped down, crashed, or did not answer in time). It may or may not have been applied.
 * <b>Never treat this as a rejection</b>: learn the outcome before telling the client anything.
 */
public class IndeterminateOutcomeException extends EscrowStoreException {
    private static final long serialVersionUID = 1L;
    /** The request whose outcome is unknown. */
    private final RequestId requestId;

    /** @param requestId the request whose outcome is unknown; @param message why */
    public IndeterminateOutcomeException(RequestId requestId, String message) {
        super("outcome of request " + requestId + " is unknown: " + message);
        this.requestId = requestId;
    }

    /** The id of the request whose outcome is unknown. */
    public RequestId requestId() {
        return requestId;
    }
}
