package io.escrowstore;

/**
 * The node has too many requests in flight and refused this one before doing anything with it
 * (backpressure). Nothing was applied; back off and retry.
 */
public class StoreOverloadedException extends EscrowStoreException {
    private static final long serialVersionUID = 1L;

    /** @param message the limit that was hit */
    public StoreOverloadedException(String message) {
        super(message);
    }
}
