package io.escrowstore.raft.internal.ledger;

import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state machine's work for one committed claim: {@link CommandApplier#apply} decodes the
 * entry, checks and records the request id in the {@link DedupTable} (evicting past its bound),
 * runs {@link ChannelLedger#claim} and encodes the result.
 *
 * <p>{@code applyNewClaim}: every entry is a fresh, valid claim (a new request id; channels taken
 * in turn). An applied claim changes the state, so entries cannot be reused: each measurement
 * iteration applies one batch of {@value #BATCH} entries prepared beforehand
 * (single-shot mode), and the score is the time of the whole batch; divide by {@value #BATCH}
 * for one claim. The ledger and dedup table carry over between iterations, so after the warm-up
 * the dedup table is at its bound and every apply also evicts.
 *
 * <p>{@code applyDuplicate}: the same entry again (a retry of a request already applied), answered
 * from the dedup table; steady state, average time per entry.
 */
@Fork(1)
@State(Scope.Thread)
public class ApplyClaimBenchmark {
    static final int BATCH = 50_000;

    @Param({"10000", "1000000"})
    public int channels;

    @Param({"200000"})
    public int dedupMaxEntries;

    private ChannelLedger ledger;
    private CommandApplier applier;
    private long[] authorized;
    private long index;
    private long nextChannel;
    private long leaderTime = 1_790_000_000_000L;
    private ByteBuffer[] batch;
    private int position;
    private ByteBuffer duplicate;

    @Setup(Level.Trial)
    public void setUp() {
        ledger = BenchData.ledger(channels);
        applier = new CommandApplier(ledger, new DedupTable());
        authorized = new long[channels + 1];
        index = channels;
        batch = new ByteBuffer[BATCH];
        duplicate = nextEntry();
        applier.apply(duplicate.duplicate(), ++index);
    }

    @Setup(Level.Iteration)
    public void prepareBatch() {
        for (int i = 0; i < BATCH; i++) {
            batch[i] = nextEntry();
        }
        position = 0;
    }

    /** The next valid claim, alone in an entry stamped as the leader would; advances the expected state. */
    private ByteBuffer nextEntry() {
        long channel = 1 + (nextChannel++ % channels);
        long amount = authorized[(int) channel] + BenchData.PRICE;
        authorized[(int) channel] = amount;
        byte[] command = Commands.claim(BenchData.claim(channel, amount, "replica-1/" + nextChannel));
        EntryStamp stamp = BenchData.stamp(leaderTime++, dedupMaxEntries);
        return ByteBuffer.wrap(Commands.entry(List.of(command), stamp));
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 8, batchSize = BATCH)
    @Measurement(iterations = 10, batchSize = BATCH)
    public List<CommandResult> applyNewClaim() {
        return applier.apply(batch[position++], ++index);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public List<CommandResult> applyDuplicate() {
        return applier.apply(duplicate.duplicate(), ++index);
    }
}
