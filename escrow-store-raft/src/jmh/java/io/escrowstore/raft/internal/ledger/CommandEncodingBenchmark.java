package io.escrowstore.raft.internal.ledger;

import io.escrowstore.ClaimRequest;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The encoding work on a claim's path: the calling node encodes the request
 * ({@link Commands#claim}), the leader puts it into a log entry with its stamp
 * ({@link Commands#entry}, here an entry of this claim alone), and every node decodes the entry and
 * the claim when applying it ({@link Commands#decodeEntry},
 * {@link Commands#decode(com.google.protobuf.ByteString)}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CommandEncodingBenchmark {
    private ClaimRequest request;
    private byte[] encoded;
    private byte[] stamped;
    private EntryStamp stamp;

    @Setup
    public void setUp() {
        request = BenchData.claim(4242, 1_000_000_010L, "replica-7/000000042");
        encoded = Commands.claim(request);
        stamp = BenchData.stamp(1_790_000_000_000L, 200_000);
        stamped = Commands.entry(List.of(encoded), stamp);
    }

    @Benchmark
    public byte[] encodeClaim() {
        return Commands.claim(request);
    }

    @Benchmark
    public byte[] stampClaim() {
        return Commands.entry(List.of(encoded), stamp);
    }

    @Benchmark
    public Command decodeClaim() {
        return Commands.decode(Commands.decodeEntry(ByteBuffer.wrap(stamped)).commands().get(0));
    }
}
