package io.escrowstore;

/**
 * Base of every infrastructure failure of the store. Business outcomes are never exceptions: see
 * {@link ClaimResult}. Unchecked, so callers catch only what they can act on.
 */
public class EscrowStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what the caller can do */
    public EscrowStoreException(String message) {
        super(message);
    }

    /** @param message what failed and what the caller can do; @param cause the underlying failure */
    public EscrowStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
