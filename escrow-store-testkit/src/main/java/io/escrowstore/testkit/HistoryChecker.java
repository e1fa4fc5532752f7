package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.Payment;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link History} against the final channel tables of every replica for the exact
 * invariants of SPEC §5: no payment accepted twice, and every acknowledged acceptance present in
 * every replica's final state. (Full linearizability checking is a separate, later tool.)
 */
public final class HistoryChecker {
    private HistoryChecker() {
    }

    /**
     * The verdicts.
     *
     * @param doubleAccepted payments {@code (channel, nonce, amount)} acknowledged as accepted more than once
     * @param lostAcknowledged acknowledged acceptances missing from some replica's final state
     * @param violations one readable line per violation
     */
    public record Verdict(long doubleAccepted, long lostAcknowledged, List<String> violations) {
        /** True if nothing was violated. */
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    private record PaymentKey(ChannelId channel, BigInteger nonce, BigInteger amount) {
    }

    /**
     * @param history the recorded calls
     * @param finalStates for each replica, its final channel table
     */
    public static Verdict check(History history, List<Map<ChannelId, ChannelState>> finalStates) {
        List<String> violations = new ArrayList<>();
        Map<PaymentKey, Integer> accepted = new HashMap<>();
        for (History.Entry entry : history.entries()) {
            if (entry.outcome() == History.Outcome.ACCEPTED) {
                Payment p = entry.request().payment();
                accepted.merge(new PaymentKey(p.channelId(), p.nonce(), p.amount()), 1, Integer::sum);
            }
        }
        long doubles = 0;
        for (Map.Entry<PaymentKey, Integer> e : accepted.entrySet()) {
            if (e.getValue() > 1) {
                doubles++;
                violations.add("double accept: " + e.getKey() + " accepted " + e.getValue() + " times");
            }
        }
        long lost = 0;
        for (PaymentKey key : accepted.keySet()) {
            for (int replica = 0; replica < finalStates.size(); replica++) {
                ChannelState state = finalStates.get(replica).get(key.channel());
                if (!covers(state, key)) {
                    lost++;
                    violations.add("lost ack: " + key + " missing on replica " + replica + " whose state is " + state);
                }
            }
        }
        return new Verdict(doubles, lost, List.copyOf(violations));
    }

    /** An acceptance survives if the channel moved past its nonce or authorizes at least its amount. */
    private static boolean covers(ChannelState state, PaymentKey key) {
        if (state == null) {
            return false;
        }
        int order = state.nonce().compareTo(key.nonce());
        return order > 0 || (order == 0 && state.authorizedAmount().compareTo(key.amount()) >= 0);
    }
}
