package io.escrowstore.launcher;

import io.escrowstore.raft.internal.admin.NodeAdminClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * The operator's commands on the store's data. The reads are linearizable reads on the node asked
 * (any member): each reflects every change committed before it was sent. {@code release-reservation}
 * is the store's replicated release command, run by the leader; the node logs the operator's
 * reason with the reservation and its channel. A channel or reservation the store does not hold,
 * or an outcome it has not recorded, exits with 1.
 */
final class OperatorCommands {
    private OperatorCommands() {
    }

    /** A read: bounded by {@code --timeout}. */
    abstract static class Read extends AdminCommands.Client {
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
                description = "How long to wait for the answer. Default: ${DEFAULT-VALUE}.")
        Duration timeout;

        /** {@code id}, checked to be a uint256 (a usage error otherwise). */
        BigInteger channelId(BigInteger id) {
            if (id.signum() < 0 || id.bitLength() > 256) {
                throw new ParameterException(spec.commandLine(), "a channel id is a uint256, not " + id);
            }
            return id;
        }
    }

    @Command(name = "channels", description = "Lists channels ordered by id, a page at a time; "
            + "'nextAfter' (when more follow) is the --after of the next page.")
    static final class Channels extends Read {
        @Option(names = "--after", paramLabel = "CHANNEL_ID", description = "Start after this channel id (decimal).")
        BigInteger after;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "Page size, 1.." + NodeAdminClient.MAX_PAGE + ". Default: ${DEFAULT-VALUE}.")
        int limit;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            if (limit < 1 || limit > NodeAdminClient.MAX_PAGE) {
                throw new ParameterException(spec.commandLine(),
                        "--limit must be 1.." + NodeAdminClient.MAX_PAGE + " but was " + limit);
            }
            return client.channels(Optional.ofNullable(after).map(this::channelId), limit, timeout);
        }
    }

    @Command(name = "channel", description = "Shows one channel: its state, the reservation blocking it now, "
            + "its pending settlement.")
    static final class Channel extends Read {
        @Parameters(paramLabel = "CHANNEL_ID", description = "The channel id (decimal).")
        BigInteger channelId;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.channel(channelId(channelId), timeout);
        }
    }

    @Command(name = "outcome", description = "Shows the recorded outcome of a claim (or commit) by its request id.")
    static final class Outcome extends Read {
        @Parameters(paramLabel = "REQUEST_ID", description = "The claim's request id.")
        String requestId;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.claimOutcome(requestId, timeout);
        }
    }

    @Command(name = "unclaimed", description = "Lists channels with an authorized amount above 0 (not yet settled).")
    static final class Unclaimed extends Read {
        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.unclaimed(timeout);
        }
    }

    @Command(name = "settlements", description = "Lists settlements started and not yet seen claimed on chain.")
    static final class Settlements extends Read {
        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.settlements(timeout);
        }
    }

    @Command(name = "release-reservation", description = "Releases a stuck reservation through the leader "
            + "(a replicated command; the node logs the reason), freeing its channel.")
    static final class ReleaseReservation extends Read {
        @Parameters(paramLabel = "RESERVATION_ID", description = "The reservation id (see 'channel').")
        long reservationId;

        @Option(names = "--reason", paramLabel = "TEXT", required = true,
                description = "Why, for the node's audit log line (1..500 characters).")
        String reason;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            if (reservationId <= 0 || reason.isBlank() || reason.length() > 500) {
                throw new ParameterException(spec.commandLine(),
                        "RESERVATION_ID must be > 0 and --reason 1..500 characters, not blank");
            }
            return client.releaseReservation(reservationId, reason, timeout);
        }
    }
}
