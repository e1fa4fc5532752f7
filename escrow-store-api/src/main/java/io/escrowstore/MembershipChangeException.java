package io.escrowstore;

/**
 * A membership change or leadership transfer did not complete. {@link #reason()} says whether
 * anything may have changed; {@link ClusterAdmin#clusterStatusAsync} shows where the group stands.
 */
public class MembershipChangeException extends EscrowStoreException {
    private static final long serialVersionUID = 1L;

    /** Why a change did not complete. */
    public enum Reason {
        /** Another change runs on the leader; nothing of this one was done. Retry once it ended. */
        CHANGE_IN_PROGRESS,
        /** The request can never succeed as asked (e.g. removing the only member); nothing was done. */
        INVALID_REQUEST,
        /**
         * The new member did not catch up by the deadline. It stays a joining (non-voting)
         * member; repeat the call to continue, or remove it to abandon.
         */
        NOT_CAUGHT_UP,
        /** The deadline passed part way; the change may be partly done. Repeat the call to finish it. */
        TIMED_OUT,
        /** The group refused the change for another reason, given in the message. */
        FAILED
    }

    /** Why the change was refused. */
    private final Reason reason;

    /** @param reason why; @param message what happened and what to do */
    public MembershipChangeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Checks.notNull(reason, "reason");
    }

    /** Why the change did not complete. */
    public Reason reason() {
        return reason;
    }
}
