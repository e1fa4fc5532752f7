package io.escrowstore.raft.internal.replication;

import io.escrowstore.RequestId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The submission stamp of each call this node makes: an index this node knows committed when the
 * call starts, so the entry that first carries the request lies above it (new entries are only
 * ever appended after committed ones). The state machine compares the stamp with its eviction
 * watermark to tell a request never applied from one whose outcome may have been forgotten.
 *
 * <p>A call's retries reuse its command bytes and so its stamp. This node also remembers the stamp
 * of each request it submitted, so a later call of the same operation and request id on this node
 * (the resubmission the API asks for after {@code IndeterminateOutcomeException}) is stamped as the
 * first call was, not with a newer index. It remembers the latest {@code capacity} requests, and,
 * separately, the latest {@code capacity} whose call ended indeterminate (those that may have been
 * applied without anyone learning it). The memory is this node's alone and lost when it closes.
 */
public final class SubmissionStamps {
    private final LongSupplier committedIndex;
    private final Map<String, Long> recent;
    private final Map<String, Long> indeterminate;

    /** @param committedIndex an index this node knows committed, read when a call starts */
    public SubmissionStamps(LongSupplier committedIndex, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.committedIndex = committedIndex;
        this.recent = bounded(capacity);
        this.indeterminate = bounded(capacity);
    }

    /** The stamp of a new call of {@code operation} for {@code requestId}: its first call's, if remembered. */
    public long stampFor(String operation, RequestId requestId) {
        String key = key(operation, requestId);
        synchronized (this) {
            Long first = indeterminate.get(key);
            if (first == null) {
                first = recent.get(key);
            }
            if (first != null) {
                return first;
            }
        }
        long stamp = committedIndex.getAsLong();
        synchronized (this) {
            Long raced = recent.putIfAbsent(key, stamp);
            return raced != null ? raced : stamp;
        }
    }

    /** The call stamped {@code stamp} ended without its outcome: resubmissions keep that stamp. */
    public synchronized void indeterminate(String operation, RequestId requestId, long stamp) {
        indeterminate.putIfAbsent(key(operation, requestId), stamp);
    }

    private static String key(String operation, RequestId requestId) {
        return operation + '\u0000' + requestId.value();
    }

    private static Map<String, Long> bounded(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }
}
