package io.escrowstore.raft.internal.ledger;

import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.GROUP;
import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.chain;
import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operator's channel pages: ids strictly above the cursor, lowest first, at most the limit. */
class ChannelLedgerPageTest {
    private final ChannelLedger ledger = new ChannelLedger(GROUP);

    @Test
    void pagesWalkEveryChannelOnceInIdOrder() {
        long index = 1;
        for (long id : new long[] {7, 0, 12, 3, 300, 1, 5, 1L << 40}) {
            ledger.sync(chain(new ChannelId(BigInteger.valueOf(id)), 0, 100, 1_000, GROUP), index++);
        }

        assertThat(ids(ledger.page(Optional.empty(), 3))).containsExactly(0L, 1L, 3L);
        assertThat(ids(ledger.page(Optional.of(ChannelId.of(3)), 3))).containsExactly(5L, 7L, 12L);
        assertThat(ids(ledger.page(Optional.of(ChannelId.of(12)), 3))).containsExactly(300L, 1L << 40);
        assertThat(ids(ledger.page(Optional.of(ChannelId.of(4)), 1))).containsExactly(5L);
        assertThat(ledger.page(Optional.of(new ChannelId(BigInteger.ONE.shiftLeft(40))), 3)).isEmpty();
        assertThat(ids(ledger.page(Optional.empty(), 100))).containsExactly(0L, 1L, 3L, 5L, 7L, 12L, 300L, 1L << 40);
    }

    private static List<Long> ids(List<ChannelState> page) {
        return page.stream().map(state -> state.channelId().value().longValueExact()).toList();
    }
}
