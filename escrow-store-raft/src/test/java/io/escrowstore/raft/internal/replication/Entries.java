package io.escrowstore.raft.internal.replication;

import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import java.util.List;
import io.escrowstore.raft.internal.ledger.Commands;

/** Log entries as a leader writes them ({@link Commands#entry}), for tests. */
public final class Entries {
    private Entries() {
    }

    /** An entry holding only {@code command}. */
    public static byte[] one(byte[] command, EntryStamp stamp) {
        return Commands.entry(List.of(command), stamp);
    }

    /** An entry holding {@code commands} in order. */
    static byte[] of(EntryStamp stamp, byte[]... commands) {
        return Commands.entry(List.of(commands), stamp);
    }
}
