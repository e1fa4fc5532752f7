package io.escrowstore;

/**
 * The store could not serve the request within its deadline, and the request was certainly not
 * applied: safe to retry with the same or a new request id.
 */
public class StoreUnavailableException extends EscrowStoreException {
    private static final long serialVersionUID = 1L;

    /** @param message what was unavailable */
    public StoreUnavailableException(String message) {
        super(message);
    }

    /** @param message what was unavailable; @param cause the underlying failure */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
