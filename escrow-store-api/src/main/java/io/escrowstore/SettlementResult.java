package io.escrowstore;

/**
 * The outcome of starting the settlement of one channel: {@link SettlementStarted} or
 * {@link Rejected} (e.g. {@link RejectReason#NOTHING_TO_SETTLE}, {@link RejectReason#SETTLEMENT_PENDING},
 * {@link RejectReason#CHANNEL_BUSY}).
 */
public sealed interface SettlementResult permits SettlementStarted, Rejected {
}
