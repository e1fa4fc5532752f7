package io.escrowstore.raft.internal.replication;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import io.escrowstore.raft.internal.ledger.Commands;

/**
 * Group commit for commands: sends queued commands in batches, with at most {@code window}
 * batches outstanding. While the window is full, commands queue up and the next batch takes as
 * many as fit, so batches grow with load and a lone command goes out at once.
 *
 * <p>A batch keeps queue order and ends before a command that would break its rules: at most
 * {@link Commands#MAX_BATCH_COMMANDS} commands and {@link Commands#MAX_BATCH_BYTES} bytes, no two
 * with the same {@link Commands#batchKey batch key} (one change per channel per log entry), a
 * command without a key travels alone, and one with the empty key (a read-index request, which
 * changes nothing) conflicts with no other.
 *
 * @param <T> a queued command with whatever its sender needs to answer it
 */
public final class CommandBatcher<T extends CommandBatcher.Queued> {
    /** A command waiting for a batch. */
    public interface Queued {
        byte[] command();

        /** The channel the command changes, empty if it changes nothing, or null if it must travel alone. */
        ByteString batchKey();
    }

    private final int window;
    private final Consumer<List<T>> sender;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private int outstanding;
    /** True while one thread sends batches; others only queue or free slots and leave it the work. */
    private boolean draining;

    /**
     * @param window most batches sent and not yet {@linkplain #done() done}
     * @param sender sends one batch; must eventually call {@link #done()} once for it (it may do so
     *     before it returns); if it throws anyway, the exception reaches the caller of
     *     {@link #add} or {@link #done} and the next call sends again
     */
    public CommandBatcher(int window, Consumer<List<T>> sender) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1 but was " + window);
        }
        this.window = window;
        this.sender = sender;
    }

    /** Queues {@code item}; sends it (with whatever else waits) at once if the window has room. */
    public void add(T item) {
        synchronized (this) {
            queue.add(item);
        }
        drain();
    }

    /** One batch handed to the sender is finished: its slot in the window is free again. */
    public void done() {
        synchronized (this) {
            outstanding--;
        }
        drain();
    }

    /** Commands queued and not yet sent. */
    synchronized int queued() {
        return queue.size();
    }

    /**
     * Sends batches while the window has room. One thread at a time: a sender that finishes its
     * batch before returning (an unreachable target, a lost leadership) must not recurse once per
     * queued batch, so a nested or concurrent call leaves the sending to the loop already running,
     * which looks at the queue and the window again before it stops.
     */
    private void drain() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        while (true) {
            List<T> batch;
            synchronized (this) {
                if (outstanding >= window || queue.isEmpty()) {
                    draining = false;
                    return;
                }
                batch = takeBatch();
                outstanding++;
            }
            try {
                sender.accept(batch);
            } catch (RuntimeException | Error e) {
                synchronized (this) {
                    draining = false;
                }
                throw e;
            }
        }
    }

    private List<T> takeBatch() {
        List<T> batch = new ArrayList<>();
        Set<ByteString> keys = new HashSet<>();
        int bytes = 0;
        while (!queue.isEmpty()) {
            T next = queue.peek();
            ByteString key = next.batchKey();
            if (!batch.isEmpty() && (key == null || batch.size() == Commands.MAX_BATCH_COMMANDS
                    || bytes + next.command().length > Commands.MAX_BATCH_BYTES || keys.contains(key))) {
                break;
            }
            batch.add(queue.poll());
            bytes += next.command().length;
            if (key == null) {
                break;
            }
            if (!key.isEmpty()) {
                keys.add(key);
            }
        }
        return batch;
    }
}
