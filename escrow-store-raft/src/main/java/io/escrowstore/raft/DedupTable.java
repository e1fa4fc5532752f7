package io.escrowstore.raft;

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
 */
final class DedupTable {
    /** One request: its kind (the command body's field number) and id. */
    private record Key(int kind, String requestId) {
    }

    private final Map<Key, DedupMsg> outcomes = new LinkedHashMap<>();

    Optional<DedupMsg> find(int kind, RequestId requestId) {
        return Optional.ofNullable(outcomes.get(new Key(kind, requestId.value())));
    }

    void record(RequestId requestId, byte[] result, long logTimeMillis, byte[] bodyHash, int kind) {
        outcomes.put(new Key(kind, requestId.value()), DedupMsg.newBuilder()
                .setRequestId(requestId.value())
                .setResult(ByteString.copyFrom(result))
                .setRecordedAtMillis(logTimeMillis)
                .setBodyHash(ByteString.copyFrom(bodyHash))
                .setKind(kind)
                .build());
    }

    /** Evicts the oldest entries beyond {@code maxEntries} or recorded before {@code logTime - retention}. */
    void evict(long logTimeMillis, int maxEntries, long retentionMillis) {
        Iterator<DedupMsg> oldestFirst = outcomes.values().iterator();
        while (oldestFirst.hasNext()) {
            DedupMsg oldest = oldestFirst.next();
            if (outcomes.size() <= maxEntries && oldest.getRecordedAtMillis() >= logTimeMillis - retentionMillis) {
                return;
            }
            oldestFirst.remove();
        }
    }

    int size() {
        return outcomes.size();
    }

    /** Every entry, oldest first: part of a snapshot. */
    List<DedupMsg> copy() {
        return new ArrayList<>(outcomes.values());
    }

    /** Replaces the table (snapshot load); {@code entries} must be oldest first. */
    void replaceAll(List<DedupMsg> entries) {
        outcomes.clear();
        for (DedupMsg entry : entries) {
            outcomes.put(new Key(entry.getKind(), new RequestId(entry.getRequestId()).value()), entry);
        }
    }

    void digestInto(MessageDigest sha) {
        for (DedupMsg entry : outcomes.values()) {
            Digests.putBytes(sha, entry.toByteArray());
        }
    }
}
