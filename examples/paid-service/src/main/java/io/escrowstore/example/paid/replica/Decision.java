package io.escrowstore.example.paid.replica;

import io.escrowstore.ChannelState;

/** What a replica decided about the payment of one call: {@link Paid} or {@link Refused}. */
public sealed interface Decision {

    /** The payment was accepted by the store: serve the call. */
    record Paid(ChannelState state) implements Decision {
    }

    /** The call is refused; nothing was charged. */
    record Refused(Refusal refusal, String message) implements Decision {
    }
}
