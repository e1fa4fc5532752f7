package io.escrowstore.example.paid.chain;

/** The chain refused or reverted a transaction or call. */
public final class ChainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what the chain said */
    public ChainException(String message) {
        super(message);
    }
}
