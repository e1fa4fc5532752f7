package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The end-of-test verification, as {@link EscrowClusterExtension} runs it. */
class VerificationTest {
    @RegisterExtension
    final EscrowClusterExtension extension = EscrowClusterExtension.configured(
            builder -> builder.nodes(3).requestTimeout(Duration.ofSeconds(2)));

    @Test
    void historyRecordedInTheExtensionIsCheckedAfterTheTest() {
        extension.cluster().awaitLeader();
        for (long id = 1; id <= 4; id++) {
            extension.open(TestChannels.opened(extension.cluster().groupId(), id, 1_000_000));
        }
        try (DoubleSpendLoad load = DoubleSpendLoad.builder(extension.cluster(), extension.history())
                .channels(List.of(1L, 2L, 3L, 4L)).clients(2).start()) {
            Await.until(Duration.ofSeconds(30), () -> "50 accepted claims", () -> load.accepted() >= 50);
        }
        assertThat(extension.history().outcomes(History.Kind.CLAIM).get(History.Outcome.ACCEPTED))
                .isGreaterThanOrEqualTo(50);
    }

    @Test
    void acknowledgementTheReplicasDoNotHoldFailsTheVerification() {
        extension.cluster().awaitLeader();
        ChannelState opened = extension.open(TestChannels.opened(extension.cluster().groupId(), 1, 1_000_000));
        History forged = new History();
        ClaimRequest neverSent = TestChannels.claim(1, 0, 10, 10);
        forged.invokeClaim("forger", 0, neverSent).claimed(new Accepted(opened.withAuthorization(BigInteger.TEN,
                neverSent.payment().signature(), 99)));

        Verification.Report report = Verification.afterHealing(extension.cluster(), forged,
                Map.of(ChannelId.of(1), opened));

        assertThat(report.ok()).isFalse();
        assertThat(report.exact().lostAcknowledged()).isEqualTo(3);
        assertThat(report.linearizability().verdict()).isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE);
        assertThat(report.describe()).contains("lost ack");
    }
}
