package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.RejectReason;
import io.escrowstore.RequestId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and merges the history files {@link ReplicaProcess}es wrote. Lines are tab-separated:
 * {@code I key process kind(C|R) channel requestId amount invokedNanos} for an invocation and
 * {@code C key outcome reason authorized|none [revision] completedNanos} for its completion. An
 * invocation without completion (its process was killed) is pending: open-ended. Times are
 * {@link System#nanoTime()} of the process that wrote them; on Linux that is the system-wide
 * monotonic clock, so times of processes on one machine are comparable. Channel states are
 * rebuilt from the channel's initial state plus the recorded authorized amount and revision (the
 * suite's channels never change nonce or funds).
 */
final class ProcessHistory {
    private ProcessHistory() {
    }

    static History read(List<Path> files, Map<ChannelId, ChannelState> initial) {
        List<History.Operation> ops = new ArrayList<>();
        long nextId = 0;
        for (int file = 0; file < files.size(); file++) {
            Map<String, String[]> invoked = new LinkedHashMap<>();
            Map<String, String[]> completed = new LinkedHashMap<>();
            List<String> lines;
            try {
                lines = Files.readAllLines(files.get(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines) {
                String[] f = line.split("\t");
                if (f.length != (line.startsWith("I") ? 8 : f[4].equals("none") ? 6 : 7)) {
                    throw new IllegalStateException("malformed history line in " + files.get(file) + ": " + line);
                }
                (f[0].equals("I") ? invoked : completed).put(f[1], f);
            }
            for (Map.Entry<String, String[]> e : invoked.entrySet()) {
                ops.add(operation(nextId++, node(files.get(file)), e.getValue(), completed.get(e.getKey()), initial));
            }
        }
        ops.sort(Comparator.comparingLong(History.Operation::invokedNanos));
        return History.of(ops);
    }

    /** The node index from a file named {@code history-<node>-<incarnation>.log}. */
    private static int node(Path file) {
        return Integer.parseInt(file.getFileName().toString().split("-")[1]);
    }

    private static History.Operation operation(long id, int node, String[] i, String[] c,
            Map<ChannelId, ChannelState> initial) {
        long channel = Long.parseLong(i[4]);
        ChannelId channelId = ChannelId.of(channel);
        boolean claim = i[3].equals("C");
        Optional<ClaimRequest> request = claim ? Optional.of(ClaimRequest.of(
                TestChannels.payment(channel, 0, Long.parseLong(i[6])), BigInteger.valueOf(ReplicaProcess.PRICE),
                new RequestId(i[5]))) : Optional.empty();
        long invokedNanos = Long.parseLong(i[7]);
        if (c == null) {
            return new History.Operation(id, i[2], node, claim ? History.Kind.CLAIM : History.Kind.READ, channelId,
                    request.map(ClaimRequest::requestId), request, Optional.empty(), History.Outcome.PENDING,
                    Optional.empty(), Optional.empty(), Optional.empty(), invokedNanos, Long.MAX_VALUE);
        }
        History.Outcome outcome = History.Outcome.valueOf(c[2]);
        Optional<RejectReason> reason = c[3].equals("-") ? Optional.empty() : Optional.of(RejectReason.valueOf(c[3]));
        Optional<ChannelState> state = c[4].equals("none") ? Optional.empty()
                : Optional.of(state(initial.get(channelId), new BigInteger(c[4]), Long.parseLong(c[5])));
        long completedNanos = Long.parseLong(c[c.length - 1]);
        Optional<String> failure = outcome == History.Outcome.FAILED || outcome == History.Outcome.INDETERMINATE
                ? Optional.of("failed in the process") : Optional.empty();
        return new History.Operation(id, i[2], node, claim ? History.Kind.CLAIM : History.Kind.READ, channelId,
                request.map(ClaimRequest::requestId), request, Optional.empty(), outcome, reason, state, failure,
                invokedNanos, completedNanos);
    }

    static ChannelState state(ChannelState initial, BigInteger authorized, long revision) {
        return new ChannelState(initial.channelId(), initial.nonce(), initial.sender(), initial.signer(),
                initial.recipient(), initial.groupId(), initial.fullAmount(), initial.expiration(), authorized,
                authorized.signum() == 0 ? Optional.empty() : Optional.of(TestChannels.signature(
                        initial.channelId().value().longValueExact(), 0, authorized.longValueExact())), revision);
    }
}
