package io.escrowstore;

/** The store was closed (or is closing); it accepts no more requests. */
public class StoreClosedException extends EscrowStoreException {
    private static final long serialVersionUID = 1L;

    /** @param message which store */
    public StoreClosedException(String message) {
        super(message);
    }
}
