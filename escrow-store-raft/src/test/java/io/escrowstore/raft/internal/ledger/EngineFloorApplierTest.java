package io.escrowstore.raft.internal.ledger;

import static io.escrowstore.raft.internal.ledger.CommandApplierTest.claimCommand;
import static io.escrowstore.raft.internal.ledger.CommandApplierTest.stamp;
import static io.escrowstore.raft.internal.ledger.CommandApplierTest.syncCommand;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.CH;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.escrowstore.Accepted;
import io.escrowstore.ReservationId;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine floor in the applier: claims are answered with one constant accepted result and
 * change nothing; every other command of the same entry is applied as usual.
 */
class EngineFloorApplierTest {
    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private final DedupTable dedup = new DedupTable();
    private final CommandApplier floor = new CommandApplier(ledger, dedup, false, true, (at, why) -> { });

    @Test
    void claimsAreAnsweredAcceptedWithOneConstantWhileTheSyncBesideThemIsApplied() {
        byte[] entry = Commands.entry(List.of(syncCommand(0, 1_000), claimCommand("c1", 0, 10, 10),
                claimCommand("c2", 0, 20, 10)), stamp(T0, CommandApplierTest.MAX_ENTRIES, CommandApplierTest.RETENTION));

        List<CommandResult> results = floor.apply(ByteBuffer.wrap(entry), 1);

        assertThat(results.get(0).hasSynced()).isTrue();
        assertThat(results.get(1)).isSameAs(results.get(2));
        assertThat(Results.claimResult(results.get(1))).isInstanceOf(Accepted.class);
        assertThat(ledger.get(CH).orElseThrow().authorizedAmount()).isEqualTo(BigInteger.ZERO);
        assertThat(dedup.size()).as("only the sync is recorded").isEqualTo(1);
    }

    @Test
    void onlyAClaimIsToldFromItsFieldTags() {
        assertThat(Commands.isClaim(ByteString.copyFrom(claimCommand("c1", 0, 10, 10)))).isTrue();
        assertThat(Commands.isClaim(ByteString.copyFrom(syncCommand(0, 1_000)))).isFalse();
        assertThat(Commands.isClaim(ByteString.copyFrom(Commands.commit(new ReservationId(1))))).isFalse();
        assertThat(Commands.isClaim(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x07}))).isFalse();
        assertThat(Commands.isClaim(ByteString.EMPTY)).isFalse();
    }
}
