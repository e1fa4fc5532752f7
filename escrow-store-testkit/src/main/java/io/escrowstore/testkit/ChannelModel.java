package io.escrowstore.testkit;

import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The sequential specification of ONE channel (the rules of docs/rules.md: claim, merge with chain state, read),
 * written independently of the store's code. {@link #step} says whether an operation with its
 * recorded outcome could have happened in a given state, and what state follows.
 *
 * <p>Reservations and settlements are not modelled: a history containing them cannot be checked
 * with this model.
 */
final class ChannelModel {
    /**
     * What the model tracks of a channel. Revisions and signatures are not modelled.
     *
     * @param known the store holds the channel
     */
    record State(boolean known, BigInteger nonce, BigInteger fullAmount, BigInteger expiration,
            BigInteger authorized) {
        static final State UNKNOWN = new State(false, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
                BigInteger.ZERO);

        static State of(Optional<ChannelState> state) {
            return state.map(s -> new State(true, s.nonce(), s.fullAmount(), s.expiration(), s.authorizedAmount()))
                    .orElse(UNKNOWN);
        }

        static State fromChain(ChainChannel chain) {
            return new State(true, chain.nonce(), chain.value(), chain.expiration(), BigInteger.ZERO);
        }

        boolean matches(Optional<ChannelState> observed) {
            if (observed.isEmpty()) {
                return !known;
            }
            ChannelState s = observed.get();
            return known && nonce.equals(s.nonce()) && fullAmount.equals(s.fullAmount())
                    && expiration.equals(s.expiration()) && authorized.equals(s.authorizedAmount());
        }

        @Override
        public String toString() {
            return known ? "nonce=" + nonce + " authorized=" + authorized + " full=" + fullAmount : "(unknown channel)";
        }
    }

    /** The decision for one operation: the state after it, and what the store must answer. */
    private record Decision(State next, boolean applied, RejectReason reason, State visible) {
        static Decision accept(State next) {
            return new Decision(next, true, null, next);
        }

        static Decision reject(State next, RejectReason reason, State visible) {
            return new Decision(next, false, reason, visible);
        }
    }

    private final GroupId group;

    ChannelModel(GroupId group) {
        this.group = group;
    }

    /**
     * The state after {@code op} in {@code state}, or null if {@code op}'s recorded answer is
     * impossible there. Open-ended operations (unknown answer) always succeed.
     */
    State step(State state, History.Operation op) {
        return switch (op.kind()) {
            case READ -> state.matches(op.state()) ? state : null;
            case CLAIM -> check(claim(state, op.claim().orElseThrow()), op, History.Outcome.ACCEPTED);
            case SYNC -> check(sync(state, op.chain().orElseThrow()), op, History.Outcome.SYNCED);
        };
    }

    private static State check(Decision decision, History.Operation op, History.Outcome success) {
        if (op.openEnded()) {
            return decision.next();
        }
        boolean answered = decision.applied()
                ? op.outcome() == success
                : op.outcome() == History.Outcome.REJECTED && op.reason().orElse(null) == decision.reason();
        return answered && decision.visible().matches(op.state()) ? decision.next() : null;
    }

    private Decision claim(State state, ClaimRequest request) {
        State current = state;
        if (request.chainView().isPresent()) {
            Decision merged = sync(state, request.chainView().get());
            if (!merged.applied()) {
                return merged;
            }
            current = merged.next();
        }
        Payment payment = request.payment();
        if (!current.known()) {
            return Decision.reject(current, RejectReason.UNKNOWN_CHANNEL, current);
        }
        if (!payment.nonce().equals(current.nonce())) {
            return Decision.reject(current, RejectReason.NONCE_MISMATCH, current);
        }
        if (payment.amount().compareTo(current.authorized()) <= 0) {
            return Decision.reject(current, RejectReason.ALREADY_CLAIMED, current);
        }
        if (!payment.amount().subtract(current.authorized()).equals(request.price())) {
            return Decision.reject(current, RejectReason.INCREMENT_MISMATCH, current);
        }
        if (payment.amount().compareTo(current.fullAmount()) > 0) {
            return Decision.reject(current, RejectReason.INSUFFICIENT_FUNDS, current);
        }
        return Decision.accept(new State(true, current.nonce(), current.fullAmount(), current.expiration(),
                payment.amount()));
    }

    private Decision sync(State stored, ChainChannel chain) {
        if (!chain.groupId().equals(group)) {
            return Decision.reject(stored, RejectReason.WRONG_GROUP, stored);
        }
        if (!stored.known()) {
            return Decision.accept(State.fromChain(chain));
        }
        int order = stored.nonce().compareTo(chain.nonce());
        if (order > 0) {
            return Decision.accept(stored);
        }
        if (order < 0) {
            return Decision.accept(State.fromChain(chain));
        }
        if (chain.value().compareTo(stored.authorized()) < 0) {
            return Decision.reject(stored, RejectReason.INSUFFICIENT_FUNDS, stored);
        }
        return Decision.accept(new State(true, stored.nonce(), chain.value(), chain.expiration(), stored.authorized()));
    }
}
