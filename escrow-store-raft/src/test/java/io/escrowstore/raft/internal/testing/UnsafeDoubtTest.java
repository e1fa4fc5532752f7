package io.escrowstore.raft.internal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.NoQuorumException;
import io.escrowstore.RequestId;
import io.escrowstore.StoreClosedException;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The {@code unsafeReportDoubtAsNotApplied} switch turns doubt, and only doubt, into "not applied". */
class UnsafeDoubtTest {
    @Test
    void indeterminateOutcomeIsReportedAsNoQuorum() {
        CompletableFuture<String> call = new CompletableFuture<>();
        CompletableFuture<String> reported = UnsafeDoubt.reportedAsNotApplied(call);

        call.completeExceptionally(new IndeterminateOutcomeException(new RequestId("r-1"), "no answer"));

        assertThat(reported).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isExactlyInstanceOf(NoQuorumException.class).withMessageContaining("r-1");
    }

    @Test
    void valuesAndOtherFailuresPassUnchanged() {
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        StoreClosedException failure = new StoreClosedException("closed");

        CompletableFuture<String> reportedOk = UnsafeDoubt.reportedAsNotApplied(ok);
        CompletableFuture<String> reportedClosed = UnsafeDoubt.reportedAsNotApplied(closed);
        ok.complete("value");
        closed.completeExceptionally(new CompletionException(failure));

        assertThat(reportedOk).isCompletedWithValue("value");
        assertThat(reportedClosed).failsWithin(Duration.ZERO)
                .withThrowableOfType(ExecutionException.class).havingCause().isSameAs(failure);
    }
}
