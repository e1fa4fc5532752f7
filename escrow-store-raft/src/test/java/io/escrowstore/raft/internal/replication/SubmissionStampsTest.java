package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.RequestId;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A resubmission through the same node carries its first call's stamp, not a newer index. */
class SubmissionStampsTest {
    private final AtomicLong committed = new AtomicLong(100);
    private final SubmissionStamps stamps = new SubmissionStamps(committed::get, 2);

    @Test
    void aNewRequestIsStampedWithTheCommittedIndexAndItsResubmissionWithTheSameStamp() {
        long first = stamps.stampFor("claim", new RequestId("pay-1"));
        committed.set(500);

        long again = stamps.stampFor("claim", new RequestId("pay-1"));

        assertThat(first).isEqualTo(100);
        assertThat(again).isEqualTo(100);
        assertThat(stamps.stampFor("commit", new RequestId("pay-1"))).as("another operation, another request")
                .isEqualTo(500);
    }

    @Test
    void anIndeterminateCallKeepsItsStampAfterNewerRequestsPushedItOutOfTheRecentOnes() {
        long first = stamps.stampFor("claim", new RequestId("lost-answer"));
        stamps.indeterminate("claim", new RequestId("lost-answer"), first);
        committed.set(900);
        stamps.stampFor("claim", new RequestId("a"));
        stamps.stampFor("claim", new RequestId("b"));
        stamps.stampFor("claim", new RequestId("c"));
        committed.set(1_000);

        assertThat(stamps.stampFor("claim", new RequestId("lost-answer"))).isEqualTo(100);
        assertThat(stamps.stampFor("claim", new RequestId("a"))).as("forgotten among newer requests").isEqualTo(1_000);
    }
}
