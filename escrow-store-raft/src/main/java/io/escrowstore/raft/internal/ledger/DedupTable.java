package io.escrowstore.raft.internal.ledger;

import com.google.protobuf.ByteString;
import io.escrowstore.RequestId;
import io.escrowstore.raft.proto.EscrowProto.DedupMsg;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of every recent request id, in log order: the bounded exactly-once window. Keyed by the
 * kind of request and its id, so the ids the library derives for commits and releases
 * ({@code commit/N}) never collide with a caller's claim ids. An entry leaves
 * the window when more than {@code maxEntries} newer ones exist or when it is older than the
 * retention in log time; both bounds come from the entry being applied (stamped by the leader), so
 * every replica evicts the same entries. Mutated by the state machine's thread; read under its lock.
 *
 * <p>The table also keeps its eviction watermark, {@link #evictedThrough()}: the highest log index
 * of any evicted outcome. Entries are recorded and evicted in log order, so every outcome recorded
 * at or below the watermark is gone and every outcome above it is still here. A request first
 * submitted after index {@code s} can only have been recorded above {@code s}; if it is unknown and
 * {@code s >= evictedThrough()}, it was never applied.
 */
public final class DedupTable {
    /** One request: its kind (the command body's field number) and id. */
    private record Key(int kind, String requestId) {
    }

    private final Map<Key, DedupMsg> outcomes = new LinkedHashMap<>();
    private long evictedThrough;

    public Optional<DedupMsg> find(int kind, RequestId requestId) {
        return Optional.ofNullable(outcomes.get(new Key(kind, requestId.value())));
    }

    /**
     * Records an outcome. {@code index} is the log index of a command that carries a submission
     * stamp, or 0 for one that does not (written by an older build, recorded exactly as that build
     * did, so a replica replaying such entries reaches the same table as one that loaded that
     * build's snapshot); only stamped requests are ever compared with the watermark.
     */
    void record(RequestId requestId, byte[] result, long logTimeMillis, long index, byte[] bodyHash, int kind) {
        outcomes.put(new Key(kind, requestId.value()), DedupMsg.newBuilder()
                .setRequestId(requestId.value())
                .setResult(ByteString.copyFrom(result))
                .setRecordedAtMillis(logTimeMillis)
                .setBodyHash(ByteString.copyFrom(bodyHash))
                .setKind(kind)
                .setRecordedAtIndex(index)
                .build());
    }

    /**
     * Evicts the oldest entries beyond {@code maxEntries} or recorded before {@code logTime - retention},
     * raising {@link #evictedThrough()} to the index of each that has one.
     */
    void evict(long logTimeMillis, int maxEntries, long retentionMillis) {
        Iterator<DedupMsg> oldestFirst = outcomes.values().iterator();
        while (oldestFirst.hasNext()) {
            DedupMsg oldest = oldestFirst.next();
            if (outcomes.size() <= maxEntries && oldest.getRecordedAtMillis() >= logTimeMillis - retentionMillis) {
                return;
            }
            evictedThrough = Math.max(evictedThrough, oldest.getRecordedAtIndex());
            oldestFirst.remove();
        }
    }

    /** The highest log index of an evicted outcome, 0 if none was evicted. */
    public long evictedThrough() {
        return evictedThrough;
    }

    int size() {
        return outcomes.size();
    }

    /** Every entry, oldest first: part of a snapshot. */
    public List<DedupMsg> copy() {
        return new ArrayList<>(outcomes.values());
    }

    /** Replaces the table (snapshot load); {@code entries} must be oldest first. */
    public void replaceAll(List<DedupMsg> entries, long evictedThrough) {
        this.evictedThrough = evictedThrough;
        outcomes.clear();
        for (DedupMsg entry : entries) {
            outcomes.put(new Key(entry.getKind(), new RequestId(entry.getRequestId()).value()), entry);
        }
    }

    public void digestInto(MessageDigest sha) {
        Digests.putLong(sha, evictedThrough);
        for (DedupMsg entry : outcomes.values()) {
            Digests.putBytes(sha, entry.toByteArray());
        }
    }
}
