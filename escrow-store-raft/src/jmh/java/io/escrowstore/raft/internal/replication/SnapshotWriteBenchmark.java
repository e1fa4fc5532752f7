package io.escrowstore.raft.internal.replication;

import io.escrowstore.ChannelState;
import io.escrowstore.raft.proto.EscrowProto.DedupMsg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import io.escrowstore.raft.internal.ledger.BenchData;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.CommandApplier;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.DedupTable;

/**
 * A snapshot of {@code snapshotChannels} channels, every one with an accepted claim (so it carries a
 * signature), and {@code dedupEntries} recorded request outcomes:
 * {@code capture} is the part on the FSM thread ({@link ChannelLedger#copy} sorts the table,
 * {@link DedupTable#copy}); {@code write} is {@link SnapshotFile#write} on the snapshot thread,
 * fsync included, into {@code java.io.tmpdir} (pass {@code -Djava.io.tmpdir=...} to the forks to
 * measure another disk).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Benchmark)
public class SnapshotWriteBenchmark {
    @Param({"100000"})
    public int snapshotChannels;

    @Param({"0", "200000"})
    public int dedupEntries;

    private ChannelLedger ledger;
    private DedupTable dedup;
    private SnapshotFile.Content content;
    private Path dir;
    private long index;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        ledger = BenchData.ledger(snapshotChannels);
        dedup = new DedupTable();
        CommandApplier applier = new CommandApplier(ledger, dedup);
        index = snapshotChannels;
        int claims = Math.max(snapshotChannels, dedupEntries);
        for (int i = 0; i < claims; i++) {
            long channel = 1 + (i % snapshotChannels);
            long amount = (1 + i / snapshotChannels) * BenchData.PRICE;
            byte[] command = Commands.claim(BenchData.claim(channel, amount, "replica-1/" + i));
            applier.apply(java.nio.ByteBuffer.wrap(Commands.entry(List.of(command),
                    BenchData.stamp(1_790_000_000_000L + i, Math.max(1, dedupEntries)))), ++index);
        }
        if (dedupEntries == 0) {
            dedup = new DedupTable();
        }
        content = snapshotContent();
        dir = Files.createTempDirectory("escrow-snapshot-bench-");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(dir.resolve(SnapshotFile.NAME));
        Files.deleteIfExists(dir);
    }

    private SnapshotFile.Content snapshotContent() {
        List<ChannelState> states = ledger.copy();
        List<DedupMsg> outcomes = dedup.copy();
        return new SnapshotFile.Content(index, ledger.logTimeMillis(), states, ledger.reservations(),
                ledger.settlements(), outcomes);
    }

    @Benchmark
    public SnapshotFile.Content capture() {
        return snapshotContent();
    }

    @Benchmark
    public Path write() throws IOException {
        Path file = dir.resolve(SnapshotFile.NAME);
        SnapshotFile.write(file, content);
        return file;
    }
}
