package io.escrowstore.raft.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Member;
import io.escrowstore.raft.internal.ledger.Results;
import io.escrowstore.raft.internal.replication.Outcome;
import io.escrowstore.raft.internal.replication.Outcomes;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The forward RPC carries every in-process outcome unchanged, and refuses a status it does not know. */
class WireOutcomesTest {
    @Test
    void everyOutcomeSurvivesTheWire() {
        List<Outcome> outcomes = List.of(Outcomes.applied(Results.readIndex(7)),
                Outcomes.notLeader(Optional.of(new Member("10.0.0.2", 7000))), Outcomes.notLeader(Optional.empty()),
                Outcomes.busy("overloaded"), Outcomes.indeterminate("stepped down"), Outcomes.badRequest("garbage"));

        assertThat(outcomes).extracting(Outcome::status).containsAll(List.of(Outcome.Status.values()));
        assertThat(outcomes).allSatisfy(outcome -> {
            ForwardResponse wire = ForwardResponse.parseFrom(WireOutcomes.toWire(outcome).toByteArray());
            assertThat(WireOutcomes.fromWire(wire)).isEqualTo(outcome);
        });
        assertThat(WireOutcomes.toWire(outcomes.get(1)).getLeaderHint()).isEqualTo("10.0.0.2:7000");
    }

    @Test
    void aStatusThisBuildDoesNotKnowIsARefusalNamingIt() {
        ForwardResponse unknown = ForwardResponse.newBuilder().setStatusValue(99).setError("from the future").build();

        Outcome outcome = WireOutcomes.fromWire(unknown);

        assertThat(outcome.status()).isEqualTo(Outcome.Status.BAD_REQUEST);
        assertThat(outcome.error()).isEqualTo("UNRECOGNIZED from the future");
    }
}
