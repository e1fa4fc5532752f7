package io.escrowstore.example.paid.story;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.escrowstore.example.paid.chain.LocalChain;
import io.grpc.Status;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's story, end to end with real parts: ganache, the published contracts, three replica
 * processes with their own store nodes, a paying client and the treasurer. Under CI
 * ({@code CI=true}) a chain that cannot start fails the test; elsewhere the test is skipped, with
 * the reason, when the chain's npm packages are not installed.
 */
class PaidServiceEndToEndTest {

    @Test
    @Timeout(300)
    void everyAcceptedPaymentIsServedOnceAndClaimedOnChain() throws Exception {
        Path chainDir = LocalChain.defaultDir();
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(LocalChain.installed(chainDir), "the chain's npm packages are not installed: run `npm ci` in "
                    + chainDir.toAbsolutePath() + " (CI does, and there this test never skips)");
        }
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"))),
                "paid-story");
        List<String> told = new ArrayList<>();
        PaidServiceStory.Report report;
        try {
            report = PaidServiceStory.run(chainDir, work, told::add);
        } finally {
            PaidServiceStory.deleteTree(work);
        }
        told.forEach(System.out::println);

        assertThat(report.servedBy()).as("calls spread over the replicas")
                .containsExactlyInAnyOrder("replica-1", "replica-2", "replica-3");
        assertThat(report.doubleSend()).as("one payment at two replicas at once: one serves, one refuses")
                .containsExactlyInAnyOrder(Status.Code.OK, Status.Code.UNAUTHENTICATED);
        assertThat(report.replay()).as("a replayed payment").isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(report.forged()).as("a forged signature").isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(report.revisionAfterForged()).as("the forged payment never reached the store")
                .isEqualTo(report.revisionBeforeForged());
        assertThat(report.servedAfterKill()).as("calls served after a replica was killed").isEqualTo(4);
        assertThat(report.chainNonceAfterClaim()).as("the on-chain claim moved the channel's nonce")
                .isEqualTo(report.chainNonceBeforeClaim().add(BigInteger.ONE));
        assertThat(report.paidUnderNewNonce()).isEqualTo(3);
        assertThat(report.acceptedTotal()).as("6 + 1 + 4 + 3 accepted calls at the price")
                .isEqualTo(PaidServiceStory.PRICE.multiply(BigInteger.valueOf(14)));
        assertThat(report.recipientBalance()).as("the recipient's balance on chain is the sum of accepted payments")
                .isEqualTo(report.acceptedTotal());
    }
}
