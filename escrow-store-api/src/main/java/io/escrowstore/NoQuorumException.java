package io.escrowstore;

/**
 * No leader backed by a majority of the group could be reached within the deadline: too few nodes
 * are alive or reachable. The request was not applied. The store prefers refusing to guessing.
 */
public class NoQuorumException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;

    /** @param message what was tried */
    public NoQuorumException(String message) {
        super(message);
    }
}
