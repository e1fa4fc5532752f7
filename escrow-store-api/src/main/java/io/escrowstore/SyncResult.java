package io.escrowstore;

/**
 * The outcome of {@link PaymentStore#syncFromChain}: {@link Synced} with the stored state after the
 * merge, or {@link Rejected} (e.g. {@link RejectReason#WRONG_GROUP}) with nothing changed.
 */
public sealed interface SyncResult permits Synced, Rejected {
}
