package io.escrowstore.testkit;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.Payment;
import io.escrowstore.RequestId;
import io.escrowstore.raft.StateDigest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fast, exact invariants of docs/rules.md (no payment twice, none lost, equal digests), checked on a {@link History} and the final state of every
 * replica before (and independently of) the full {@link LinearizabilityChecker}:
 * <ol>
 *   <li>no payment {@code (channel, nonce, amount)} acknowledged as accepted twice;</li>
 *   <li>accepted amounts per {@code (channel, nonce)} rise by exactly the price of each accepted
 *       claim: every accepted amount minus its price is 0 or an amount that was accepted or may
 *       have been applied (an indeterminate claim that took effect leaves a gap only such a claim
 *       can fill), each replica's final authorization is such an amount too, and an acceptance
 *       that completed before another began has the lower amount;</li>
 *   <li>every acknowledged acceptance is in every replica's final state;</li>
 *   <li>all replicas' state digests are identical (taken after healing and convergence);</li>
 *   <li>a claim answered "not applied" ({@link History.Outcome#FAILED}: {@code NoQuorumException},
 *       {@code StoreOverloadedException}, {@code StoreClosedException}, …) never took effect: no
 *       replica recorded an outcome for its request id, and no accepted amount or final
 *       authorization is reached only through its payment.</li>
 * </ol>
 */
public final class HistoryChecker {
    private HistoryChecker() {
    }

    /**
     * The verdicts.
     *
     * @param doubleAccepted payments acknowledged as accepted more than once
     * @param lostAcknowledged acknowledged acceptances missing from some replica's final state
     * @param unexplainedAmounts accepted or final amounts that no chain of claims from 0 explains
     * @param outOfOrder pairs of acceptances whose amounts fall in real time
     * @param divergentReplicas replicas whose digest differs from the first replica's
     * @param notAppliedTookEffect claims answered "not applied" that took effect anyway
     * @param violations one readable line per violation
     */
    public record Verdict(long doubleAccepted, long lostAcknowledged, long unexplainedAmounts, long outOfOrder,
            long divergentReplicas, long notAppliedTookEffect, List<String> violations) {
        /** True if nothing was violated. */
        public boolean ok() {
            return violations.isEmpty();
        }
    }

    private record PaymentKey(ChannelId channel, BigInteger nonce, BigInteger amount) {
    }

    private record NonceKey(ChannelId channel, BigInteger nonce) {
    }

    /** {@link #check(History, List, List)} without digests. */
    public static Verdict check(History history, List<Map<ChannelId, ChannelState>> finalStates) {
        return check(history, finalStates, List.of());
    }

    /** {@link #check(History, List, List, Map)} for channels that had nothing authorized before the history. */
    public static Verdict check(History history, List<Map<ChannelId, ChannelState>> finalStates,
            List<StateDigest> digests) {
        return check(history, finalStates, digests, Map.of());
    }

    /**
     * {@link #check(History, List, List, Map, List)} without the replicas' recorded outcomes: of
     * invariant 5 only the final states are checked.
     */
    public static Verdict check(History history, List<Map<ChannelId, ChannelState>> finalStates,
            List<StateDigest> digests, Map<ChannelId, ChannelState> initial) {
        return check(history, finalStates, digests, initial, List.of());
    }

    /**
     * The request ids of the claims answered "not applied": ask every replica for their outcome
     * ({@code claimOutcome}) and pass the answers to {@link #check(History, List, List, Map, List)}.
     */
    public static List<RequestId> notAppliedRequests(History history) {
        return history.operations().stream()
                .filter(op -> op.kind() == History.Kind.CLAIM && op.outcome() == History.Outcome.FAILED)
                .map(op -> op.requestId().orElseThrow()).distinct().toList();
    }

    /**
     * @param history the recorded calls
     * @param finalStates for each replica, its final table of (at least) the channels in the history
     * @param digests each replica's state digest after convergence; empty to skip invariant 4
     * @param initial channel states from before the history began; a chain of claims may start at
     *     their authorized amount (as well as at 0)
     * @param recordedOutcomes for each replica, the outcome it recorded for each of
     *     {@link #notAppliedRequests} it has one for; empty to skip that half of invariant 5
     */
    public static Verdict check(History history, List<Map<ChannelId, ChannelState>> finalStates,
            List<StateDigest> digests, Map<ChannelId, ChannelState> initial,
            List<Map<RequestId, ClaimResult>> recordedOutcomes) {
        List<String> violations = new ArrayList<>();
        Set<Long> tookEffect = new LinkedHashSet<>();
        List<History.Operation> claims = history.operations().stream()
                .filter(op -> op.kind() == History.Kind.CLAIM).toList();
        List<History.Operation> accepted = claims.stream().filter(op -> op.outcome() == History.Outcome.ACCEPTED)
                .toList();
        long doubles = doubleAccepts(accepted, violations);
        long unexplained = 0;
        long backwards = 0;
        Map<NonceKey, List<History.Operation>> byNonce = new TreeMap<>(Comparator
                .comparing((NonceKey k) -> k.channel()).thenComparing(NonceKey::nonce));
        Map<NonceKey, List<History.Operation>> notAppliedByNonce = new HashMap<>();
        for (History.Operation op : claims) {
            if (op.outcome() == History.Outcome.ACCEPTED || op.openEnded()) {
                byNonce.computeIfAbsent(key(op), k -> new ArrayList<>()).add(op);
            } else if (op.outcome() == History.Outcome.FAILED) {
                notAppliedByNonce.computeIfAbsent(key(op), k -> new ArrayList<>()).add(op);
            }
        }
        Set<ChannelId> channels = new HashSet<>();
        history.operations().forEach(op -> channels.add(op.channel()));
        for (Map.Entry<NonceKey, List<History.Operation>> group : byNonce.entrySet()) {
            Set<BigInteger> reachable = reachable(group.getValue(), start(initial, group.getKey()));
            List<History.Operation> notApplied = notAppliedByNonce.getOrDefault(group.getKey(), List.of());
            for (History.Operation op : group.getValue()) {
                Payment p = op.claim().orElseThrow().payment();
                BigInteger predecessor = p.amount().subtract(op.claim().get().price());
                if (op.outcome() != History.Outcome.ACCEPTED || reachable.contains(predecessor)) {
                    continue;
                }
                List<History.Operation> needed = neededNotApplied(group.getValue(), notApplied, group.getKey(),
                        initial, predecessor);
                if (needed.isEmpty()) {
                    unexplained++;
                    violations.add("amount skipped: " + op.describe() + " but no claim accepted or possibly applied"
                            + " brought channel " + p.channelId().value() + " to " + predecessor);
                } else {
                    tookEffect(needed, tookEffect, violations, "the acceptance " + op.describe() + " builds on it");
                }
            }
            backwards += outOfOrder(group.getValue(), violations);
        }
        for (int replica = 0; replica < finalStates.size(); replica++) {
            for (Map.Entry<ChannelId, ChannelState> entry : finalStates.get(replica).entrySet()) {
                ChannelState state = entry.getValue();
                if (!channels.contains(entry.getKey())) {
                    continue;
                }
                NonceKey key = new NonceKey(entry.getKey(), state.nonce());
                List<History.Operation> group = byNonce.getOrDefault(key, List.of());
                if (reachable(group, start(initial, key)).contains(state.authorizedAmount())) {
                    continue;
                }
                List<History.Operation> needed = neededNotApplied(group, notAppliedByNonce.getOrDefault(key, List.of()),
                        key, initial, state.authorizedAmount());
                if (needed.isEmpty()) {
                    unexplained++;
                    violations.add("unexplained final state on replica " + replica + ": channel "
                            + entry.getKey().value() + " " + History.brief(state)
                            + " is not reached by any chain of accepted or possibly applied claims");
                } else {
                    tookEffect(needed, tookEffect, violations, "replica " + replica + "'s final state "
                            + History.brief(state) + " is reached only through it");
                }
            }
        }
        long lost = lostAcknowledged(accepted, finalStates, violations);
        long divergent = divergent(digests, violations);
        recordedDespiteNotApplied(claims, recordedOutcomes, tookEffect, violations);
        return new Verdict(doubles, lost, unexplained, backwards, divergent, tookEffect.size(),
                List.copyOf(violations));
    }

    /**
     * The not-applied claims a chain needs to reach {@code amount}: those whose payment only a
     * chain through not-applied claims reaches, up to {@code amount}; empty if even with every
     * not-applied claim nothing reaches it.
     */
    private static List<History.Operation> neededNotApplied(List<History.Operation> possible,
            List<History.Operation> notApplied, NonceKey key, Map<ChannelId, ChannelState> initial, BigInteger amount) {
        List<History.Operation> all = new ArrayList<>(possible);
        all.addAll(notApplied);
        Set<BigInteger> with = reachable(all, start(initial, key));
        if (notApplied.isEmpty() || !with.contains(amount)) {
            return List.of();
        }
        Set<BigInteger> without = reachable(possible, start(initial, key));
        return notApplied.stream().filter(op -> with.contains(amount(op)) && !without.contains(amount(op))
                && amount(op).compareTo(amount) <= 0).toList();
    }

    private static void tookEffect(List<History.Operation> culprits, Set<Long> tookEffect, List<String> violations,
            String evidence) {
        for (History.Operation op : culprits) {
            tookEffect.add(op.id());
            violations.add("not applied but took effect: " + op.describe() + ", yet " + evidence);
        }
    }

    /** Not-applied claims whose request id some replica recorded an outcome for. */
    private static void recordedDespiteNotApplied(List<History.Operation> claims,
            List<Map<RequestId, ClaimResult>> recordedOutcomes, Set<Long> tookEffect, List<String> violations) {
        for (History.Operation op : claims) {
            if (op.outcome() != History.Outcome.FAILED) {
                continue;
            }
            RequestId id = op.requestId().orElseThrow();
            for (int replica = 0; replica < recordedOutcomes.size(); replica++) {
                ClaimResult outcome = recordedOutcomes.get(replica).get(id);
                if (outcome != null) {
                    tookEffect.add(op.id());
                    violations.add("not applied but took effect: " + op.describe() + ", yet replica " + replica
                            + " recorded its outcome " + outcome);
                    break;
                }
            }
        }
    }

    private static long doubleAccepts(List<History.Operation> accepted, List<String> violations) {
        Map<PaymentKey, List<History.Operation>> byPayment = new HashMap<>();
        for (History.Operation op : accepted) {
            Payment p = op.claim().orElseThrow().payment();
            byPayment.computeIfAbsent(new PaymentKey(p.channelId(), p.nonce(), p.amount()), k -> new ArrayList<>())
                    .add(op);
        }
        long doubles = 0;
        for (Map.Entry<PaymentKey, List<History.Operation>> e : byPayment.entrySet()) {
            if (e.getValue().size() > 1) {
                doubles++;
                violations.add("double accept: channel " + e.getKey().channel().value() + " nonce " + e.getKey().nonce()
                        + " amount " + e.getKey().amount() + " accepted " + e.getValue().size() + " times: "
                        + e.getValue().stream().map(History.Operation::describe).toList());
            }
        }
        return doubles;
    }

    /** The authorized amount a channel had at {@code key}'s nonce before the history, if known. */
    private static BigInteger start(Map<ChannelId, ChannelState> initial, NonceKey key) {
        ChannelState before = initial.get(key.channel());
        return before != null && before.nonce().equals(key.nonce()) ? before.authorizedAmount() : BigInteger.ZERO;
    }

    /** 0, {@code start}, and every amount a chain of the given claims (accepted or possibly applied) reaches from them. */
    private static Set<BigInteger> reachable(List<History.Operation> claims, BigInteger start) {
        List<ClaimRequest> requests = claims.stream().map(op -> op.claim().orElseThrow())
                .sorted(Comparator.comparing(r -> r.payment().amount())).toList();
        Set<BigInteger> reachable = new HashSet<>();
        reachable.add(BigInteger.ZERO);
        reachable.add(start);
        for (ClaimRequest request : requests) {
            if (reachable.contains(request.payment().amount().subtract(request.price()))) {
                reachable.add(request.payment().amount());
            }
        }
        return reachable;
    }

    /** Pairs of acknowledged acceptances where the one that completed first has the higher or equal amount. */
    private static long outOfOrder(List<History.Operation> group, List<String> violations) {
        List<History.Operation> accepted = group.stream().filter(op -> op.outcome() == History.Outcome.ACCEPTED)
                .toList();
        List<History.Operation> byCompletion = accepted.stream()
                .sorted(Comparator.comparingLong(History.Operation::completedNanos)).toList();
        List<History.Operation> byInvocation = accepted.stream()
                .sorted(Comparator.comparingLong(History.Operation::invokedNanos)).toList();
        long count = 0;
        int done = 0;
        History.Operation highest = null;
        for (History.Operation later : byInvocation) {
            while (done < byCompletion.size() && byCompletion.get(done).completedNanos() < later.invokedNanos()) {
                History.Operation earlier = byCompletion.get(done++);
                if (highest == null || amount(earlier).compareTo(amount(highest)) > 0) {
                    highest = earlier;
                }
            }
            if (highest != null && amount(highest).compareTo(amount(later)) >= 0) {
                count++;
                violations.add("accepted amounts went backwards: " + highest.describe() + " completed before "
                        + later.describe() + " began");
            }
        }
        return count;
    }

    private static long lostAcknowledged(List<History.Operation> accepted,
            List<Map<ChannelId, ChannelState>> finalStates, List<String> violations) {
        long lost = 0;
        for (History.Operation op : accepted) {
            Payment p = op.claim().orElseThrow().payment();
            for (int replica = 0; replica < finalStates.size(); replica++) {
                ChannelState state = finalStates.get(replica).get(p.channelId());
                if (!covers(state, p)) {
                    lost++;
                    violations.add("lost ack: " + op.describe() + " missing on replica " + replica + " whose state is "
                            + (state == null ? "(unknown channel)" : History.brief(state)));
                }
            }
        }
        return lost;
    }

    private static long divergent(List<StateDigest> digests, List<String> violations) {
        long divergent = 0;
        for (int i = 1; i < digests.size(); i++) {
            if (!digests.get(i).sameStateAs(digests.get(0))) {
                divergent++;
                violations.add("replica " + i + " diverges: " + digests.get(i) + " vs replica 0 " + digests.get(0));
            }
        }
        return divergent;
    }

    /** An acceptance survives if the channel moved past its nonce or authorizes at least its amount. */
    private static boolean covers(ChannelState state, Payment payment) {
        if (state == null) {
            return false;
        }
        int order = state.nonce().compareTo(payment.nonce());
        return order > 0 || (order == 0 && state.authorizedAmount().compareTo(payment.amount()) >= 0);
    }

    private static NonceKey key(History.Operation op) {
        Payment p = op.claim().orElseThrow().payment();
        return new NonceKey(p.channelId(), p.nonce());
    }

    private static BigInteger amount(History.Operation op) {
        return op.claim().orElseThrow().payment().amount();
    }
}
