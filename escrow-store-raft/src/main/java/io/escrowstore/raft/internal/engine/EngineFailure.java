package io.escrowstore.raft.internal.engine;

import com.alipay.sofa.jraft.entity.EnumOutter.ErrorType;
import com.alipay.sofa.jraft.error.RaftException;
import io.escrowstore.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why this node's Raft engine stopped, once it has. jraft stops a node for good (state ERROR: it
 * no longer votes, appends or leads) when a write of its log, of its term/vote metadata or of a
 * snapshot fails, or when the state machine fails; the node then stays down until it is closed
 * and opened again. The first report wins: it is logged once at ERROR, names the failed storage
 * and how much space the data directory's file system has left (a full disk is the usual cause),
 * and every later call on the node fails with a {@link StoreUnavailableException} carrying it.
 * Thread-safe.
 */
public final class EngineFailure {
    private static final Logger LOG = LoggerFactory.getLogger(EngineFailure.class);

    /** What failed; {@code OTHER} for state machine and other engine errors. */
    public enum Source {
        LOG, META, SNAPSHOT, OTHER;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Source of(ErrorType type) {
            return switch (type) {
                case ERROR_TYPE_LOG -> LOG;
                case ERROR_TYPE_META -> META;
                case ERROR_TYPE_SNAPSHOT -> SNAPSHOT;
                default -> OTHER;
            };
        }
    }

    /** The first failure: what failed and the message calls are refused with. */
    public record Failure(Source source, String reason) {
    }

    private final String name;
    private final Path dataDir;
    private final AtomicReference<Failure> failure = new AtomicReference<>();

    public EngineFailure(String name, Path dataDir) {
        this.name = name;
        this.dataDir = dataDir;
    }

    /** jraft reported an error (through the state machine's {@code onError}). */
    public void engineFailed(RaftException e) {
        String status = e.getStatus() != null ? e.getStatus().getErrorMsg() : String.valueOf(e.getMessage());
        record(Source.of(e.getType()), status);
    }

    /**
     * A write of {@code source} failed; jraft is being (or already was) told to stop the node.
     *
     * @return true if this was the first failure of the node
     */
    boolean storageFailed(Source source, String what) {
        return record(source, what);
    }

    private boolean record(Source source, String what) {
        String reason = "its Raft engine stopped after a failed " + describe(source) + " (" + what + "); "
                + usableSpace() + "; close and reopen the node once the cause is fixed";
        if (!failure.compareAndSet(null, new Failure(source, reason))) {
            return false;
        }
        LOG.error("{}: stopped serving: {}", name, reason);
        return true;
    }

    private static String describe(Source source) {
        return switch (source) {
            case LOG -> "write of the Raft log";
            case META -> "write of the term/vote metadata";
            case SNAPSHOT -> "snapshot save";
            case OTHER -> "operation";
        };
    }

    private String usableSpace() {
        try {
            long usable = Files.getFileStore(dataDir).getUsableSpace();
            return usable + " bytes usable on the file system of " + dataDir + (usable == 0 ? " (disk full)" : "");
        } catch (IOException | RuntimeException e) {
            return "free space of " + dataDir + " unknown (" + e.getMessage() + ")";
        }
    }

    /** The first failure, or null while the engine runs. */
    public Failure failure() {
        return failure.get();
    }

    /** The exception calls get once the engine stopped, or null while it runs. */
    public StoreUnavailableException unavailable() {
        Failure f = failure.get();
        return f == null ? null : new StoreUnavailableException("node " + name + " stopped serving: " + f.reason());
    }
}
