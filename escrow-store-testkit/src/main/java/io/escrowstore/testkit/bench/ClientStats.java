package io.escrowstore.testkit.bench;

import io.escrowstore.RejectReason;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one client thread (or, merged, a whole run) measured inside the measurement window: call
 * latencies in nanoseconds (HdrHistogram, 3 significant digits) and counts of every outcome.
 * Counts of accepted claims over the whole run (warm-up included) feed the audit. Accepted claims
 * of the cold window (see {@link Window#cold}) are kept apart in {@link #coldAccepted}.
 */
final class ClientStats {
    /** Latency of claims that were accepted. */
    final Histogram accepted = histogram();
    /** Latency of deliberate replays (all expected to be rejected). */
    final Histogram replays = histogram();
    long acceptedCount;
    long replayRejectedCount;
    /** A replay that was accepted: a double spend. Must stay 0. */
    long replayAcceptedCount;
    /** Rejections the benchmark did not provoke (it only sends valid next payments), by reason. */
    final Map<RejectReason, Long> unexpectedRejected = new EnumMap<>(RejectReason.class);
    long indeterminate;
    long noQuorum;
    long overloaded;
    long otherErrors;
    String firstError = "";
    /** Accepted claims over the whole run, warm-up included (for the audit). */
    long acceptedTotal;
    /** Calls of the whole run that ended without a known outcome (for the audit). */
    long indeterminateTotal;
    /** Latency of claims accepted inside the cold window (the first seconds of the warm-up). */
    final Histogram coldAccepted = histogram();
    long coldAcceptedCount;

    private static Histogram histogram() {
        Histogram h = new Histogram(3);
        h.setAutoResize(true);
        return h;
    }

    long unexpectedRejectedCount() {
        return unexpectedRejected.values().stream().mapToLong(Long::longValue).sum();
    }

    void unexpected(RejectReason reason) {
        unexpectedRejected.merge(reason, 1L, Long::sum);
    }

    void error(Throwable e) {
        if (firstError.isEmpty()) {
            firstError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    void add(ClientStats o) {
        accepted.add(o.accepted);
        replays.add(o.replays);
        acceptedCount += o.acceptedCount;
        replayRejectedCount += o.replayRejectedCount;
        replayAcceptedCount += o.replayAcceptedCount;
        o.unexpectedRejected.forEach((r, n) -> unexpectedRejected.merge(r, n, Long::sum));
        indeterminate += o.indeterminate;
        noQuorum += o.noQuorum;
        overloaded += o.overloaded;
        otherErrors += o.otherErrors;
        if (firstError.isEmpty()) {
            firstError = o.firstError;
        }
        acceptedTotal += o.acceptedTotal;
        indeterminateTotal += o.indeterminateTotal;
        coldAccepted.add(o.coldAccepted);
        coldAcceptedCount += o.coldAcceptedCount;
    }

    /** One line of text (for a worker process to hand its stats to the coordinator). */
    String encode() {
        StringBuilder sb = new StringBuilder();
        sb.append(histogram64(accepted)).append(' ').append(histogram64(replays));
        for (long v : new long[] {acceptedCount, replayRejectedCount, replayAcceptedCount, indeterminate, noQuorum,
                overloaded, otherErrors, acceptedTotal, indeterminateTotal}) {
            sb.append(' ').append(v);
        }
        StringBuilder reasons = new StringBuilder();
        unexpectedRejected.forEach((r, n) -> reasons.append(reasons.length() == 0 ? "" : ",").append(r).append('=').append(n));
        sb.append(' ').append(reasons.length() == 0 ? "-" : reasons);
        sb.append(' ').append(firstError.isEmpty() ? "-"
                : Base64.getEncoder().encodeToString(firstError.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        sb.append(' ').append(histogram64(coldAccepted)).append(' ').append(coldAcceptedCount);
        return sb.toString();
    }

    static ClientStats decode(String line) {
        String[] f = line.trim().split(" ");
        ClientStats s = new ClientStats();
        s.accepted.add(histogram(f[0]));
        s.replays.add(histogram(f[1]));
        int i = 2;
        s.acceptedCount = Long.parseLong(f[i++]);
        s.replayRejectedCount = Long.parseLong(f[i++]);
        s.replayAcceptedCount = Long.parseLong(f[i++]);
        s.indeterminate = Long.parseLong(f[i++]);
        s.noQuorum = Long.parseLong(f[i++]);
        s.overloaded = Long.parseLong(f[i++]);
        s.otherErrors = Long.parseLong(f[i++]);
        s.acceptedTotal = Long.parseLong(f[i++]);
        s.indeterminateTotal = Long.parseLong(f[i++]);
        String reasons = f[i++];
        if (!reasons.equals("-")) {
            for (String kv : reasons.split(",")) {
                String[] p = kv.split("=");
                s.unexpectedRejected.put(RejectReason.valueOf(p[0]), Long.parseLong(p[1]));
            }
        }
        s.firstError = f[i].equals("-") ? "" : new String(Base64.getDecoder().decode(f[i]), java.nio.charset.StandardCharsets.UTF_8);
        s.coldAccepted.add(histogram(f[++i]));
        s.coldAcceptedCount = Long.parseLong(f[++i]);
        return s;
    }

    private static String histogram64(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), n));
    }

    private static Histogram histogram(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("bad histogram", e);
        }
    }
}
