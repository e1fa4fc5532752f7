package io.escrowstore.example.paid.payment;

/** The payment headers of a call are missing or malformed; the call is refused with INVALID_ARGUMENT. */
public final class MalformedPaymentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, in snet-daemon's words */
    public MalformedPaymentException(String message) {
        super(message);
    }
}
