package io.escrowstore.testkit;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.GroupId;
import io.escrowstore.RejectReason;
import io.escrowstore.RequestId;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hand-written histories for testing the checkers. Times are in milliseconds; every channel is
 * opened with {@link #DEPOSIT} at nonce 0 and claims cost {@link #PRICE}.
 */
final class Histories {
    static final GroupId GROUP = new GroupId(new byte[GroupId.LENGTH]);
    static final long PRICE = 10;
    static final long DEPOSIT = 1_000_000;
    static final long OPEN = Long.MAX_VALUE;

    private final List<History.Operation> ops = new ArrayList<>();

    History history() {
        return History.of(ops);
    }

    /** The state of channel {@code channel} with {@code authorized} accepted. */
    static ChannelState state(long channel, long authorized) {
        ChannelState opened = ChannelState.fromChain(chain(channel), 1);
        return authorized == 0 ? opened
                : opened.withAuthorization(BigInteger.valueOf(authorized), TestChannels.signature(channel, 0, authorized), 2);
    }

    static ChainChannel chain(long channel) {
        return TestChannels.opened(GROUP, channel, DEPOSIT);
    }

    Histories sync(long channel, long start, long end) {
        return add(History.Kind.SYNC, channel, Optional.empty(), Optional.of(chain(channel)), History.Outcome.SYNCED,
                Optional.empty(), Optional.of(state(channel, 0)), start, end);
    }

    Histories accepted(long channel, long amount, long start, long end) {
        return claim(channel, amount, History.Outcome.ACCEPTED, null, amount, start, end);
    }

    Histories rejected(long channel, long amount, RejectReason reason, long authorizedSeen, long start, long end) {
        return claim(channel, amount, History.Outcome.REJECTED, reason, authorizedSeen, start, end);
    }

    Histories indeterminate(long channel, long amount, long start, long end) {
        return claim(channel, amount, History.Outcome.INDETERMINATE, null, -1, start, end);
    }

    Histories notApplied(long channel, long amount, long start, long end) {
        return claim(channel, amount, History.Outcome.FAILED, null, -1, start, end);
    }

    Histories read(long channel, long authorizedSeen, long start, long end) {
        return add(History.Kind.READ, channel, Optional.empty(), Optional.empty(), History.Outcome.READ,
                Optional.empty(), Optional.of(state(channel, authorizedSeen)), start, end);
    }

    private Histories claim(long channel, long amount, History.Outcome outcome, RejectReason reason, long seen,
            long start, long end) {
        ClaimRequest request = ClaimRequest.of(TestChannels.payment(channel, 0, amount), BigInteger.valueOf(PRICE),
                new RequestId("op-" + ops.size()));
        return add(History.Kind.CLAIM, channel, Optional.of(request), Optional.empty(), outcome,
                Optional.ofNullable(reason), seen < 0 ? Optional.empty() : Optional.of(state(channel, seen)), start, end);
    }

    private Histories add(History.Kind kind, long channel, Optional<ClaimRequest> claim, Optional<ChainChannel> chain,
            History.Outcome outcome, Optional<RejectReason> reason, Optional<ChannelState> state, long start, long end) {
        long id = ops.size();
        ops.add(new History.Operation(id, "p" + id % 3, (int) (id % 3), kind, ChannelId.of(channel),
                claim.map(ClaimRequest::requestId), claim, chain, outcome, reason, state,
                outcome == History.Outcome.INDETERMINATE || outcome == History.Outcome.FAILED
                        ? Optional.of("hand-made failure") : Optional.empty(),
                start * 1_000_000, end == OPEN ? Long.MAX_VALUE : end * 1_000_000));
        return this;
    }
}
