package io.escrowstore.raft;

import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import java.util.List;

/** Log entries as a leader writes them ({@link Commands#entry}), for tests. */
final class Entries {
    private Entries() {
    }

    /** An entry holding only {@code command}. */
    static byte[] one(byte[] command, EntryStamp stamp) {
        return Commands.entry(List.of(command), stamp);
    }

    /** An entry holding {@code commands} in order. */
    static byte[] of(EntryStamp stamp, byte[]... commands) {
        return Commands.entry(List.of(commands), stamp);
    }
}
