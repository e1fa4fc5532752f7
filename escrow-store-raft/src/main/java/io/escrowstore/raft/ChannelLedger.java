package io.escrowstore.raft;

import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.ReleaseResult;
import io.escrowstore.Released;
import io.escrowstore.ReservationId;
import io.escrowstore.ReserveResult;
import io.escrowstore.Reserved;
import io.escrowstore.Settlement;
import io.escrowstore.SettlementResult;
import io.escrowstore.SettlementStarted;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicated channel table, its reservations and pending settlements, and the rules of
 * docs/rules.md, free of Raft. Deterministic: an outcome depends only on the ledger, the operation's inputs,
 * the log index it is applied at and the log time ({@link #advanceClock}), never on a local clock.
 * Mutated by one thread (the state machine's); single channels may be read by any thread.
 */
final class ChannelLedger {
    private static final BigInteger MAX_UINT256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    private final GroupId groupId;
    private final Map<ChannelId, ChannelState> channels = new ConcurrentHashMap<>();
    private final Map<ChannelId, Settlement> settlements = new ConcurrentHashMap<>();
    /** One instance per distinct recipient: a group's channels mostly pay the same service. */
    private final Map<Address, Address> recipients = new HashMap<>();
    private final ReservationTable reservations = new ReservationTable();
    private long logTimeMillis;

    ChannelLedger(GroupId groupId) {
        this.groupId = groupId;
    }

    /** Moves log time to the leader's stamp, never backwards, and forgets long-expired reservations. */
    void advanceClock(long leaderTimeMillis) {
        logTimeMillis = Math.max(logTimeMillis, leaderTimeMillis);
        reservations.forgetExpired(logTimeMillis);
    }

    long logTimeMillis() {
        return logTimeMillis;
    }

    /** The claim rule, steps 1-8 of docs/rules.md; {@code index} becomes the revision of an accepted claim. */
    ClaimResult claim(ClaimRequest request, long index) {
        Optional<Rejected> refused = check(request, index);
        if (refused.isPresent()) {
            return refused.get();
        }
        Payment payment = request.payment();
        ChannelState next = channels.get(payment.channelId())
                .withAuthorization(payment.amount(), payment.signature(), index);
        channels.put(next.channelId(), next);
        return new Accepted(next);
    }

    /** Runs the claim checks and, if they pass, holds the payment until the lease ends. */
    ReserveResult reserve(ClaimRequest request, long leaseMillis, long index) {
        Optional<Rejected> refused = check(request, index);
        if (refused.isPresent()) {
            return refused.get();
        }
        Payment payment = request.payment();
        Reservation reservation = new Reservation(new ReservationId(index), payment.channelId(), request.requestId(),
                payment.nonce(), payment.amount(), payment.signature(), request.price(), logTimeMillis + leaseMillis,
                leaseMillis);
        reservations.add(reservation);
        return new Reserved(reservation.id(), channels.get(payment.channelId()),
                Instant.ofEpochMilli(reservation.expiresAtMillis()));
    }

    /** Charges a live reservation like an accepted claim; an expired one is refused and dropped. */
    ClaimResult commit(ReservationId id, long index) {
        Optional<Reservation> found = reservations.get(id);
        if (found.isEmpty()) {
            return new Rejected(RejectReason.UNKNOWN_RESERVATION, Optional.empty());
        }
        Reservation reservation = found.get();
        reservations.remove(reservation);
        ChannelState state = channels.get(reservation.channelId());
        if (!reservation.liveAt(logTimeMillis)) {
            return new Rejected(RejectReason.RESERVATION_EXPIRED, Optional.ofNullable(state));
        }
        Optional<RejectReason> stale = paymentRule(state, reservation.nonce(), reservation.amount(), reservation.price());
        if (stale.isPresent()) {
            return rejected(stale.get(), state);
        }
        ChannelState next = state.withAuthorization(reservation.amount(), reservation.signature(), index);
        channels.put(next.channelId(), next);
        return new Accepted(next);
    }

    /** Drops a reservation, charging nothing. */
    ReleaseResult release(ReservationId id) {
        Optional<Reservation> found = reservations.get(id);
        if (found.isEmpty()) {
            return new Rejected(RejectReason.UNKNOWN_RESERVATION, Optional.empty());
        }
        reservations.remove(found.get());
        return new Released(channels.get(found.get().channelId()));
    }

    /** The merge with chain state (docs/rules.md); {@code index} becomes the revision of a changed channel. */
    SyncResult sync(ChainChannel chain, long index) {
        ChannelState stored = channels.get(chain.channelId());
        if (!chain.groupId().equals(groupId)) {
            return new Rejected(RejectReason.WRONG_GROUP, Optional.ofNullable(stored));
        }
        if (stored == null) {
            return store(ChannelState.fromChain(chain, index));
        }
        int order = stored.nonce().compareTo(chain.nonce());
        if (order == 0 && chain.value().compareTo(stored.authorizedAmount()) < 0) {
            return rejected(RejectReason.INSUFFICIENT_FUNDS, stored);
        }
        // a refused sync changes nothing; any other prunes the settlements the chain has claimed
        forgetSettlementsBefore(chain.channelId(), chain.nonce());
        if (order > 0) {
            return new Synced(stored);
        }
        if (order < 0) {
            reservations.removeLatest(chain.channelId());
            return store(ChannelState.fromChain(chain, index));
        }
        if (chain.value().equals(stored.fullAmount()) && chain.expiration().equals(stored.expiration())) {
            return new Synced(stored);
        }
        return store(stored.withChainFunds(chain.value(), chain.expiration(), index));
    }

    /** The settlement of each channel (docs/rules.md), decided one by one, in one entry. */
    Map<ChannelId, SettlementResult> startSettlements(List<ChannelId> channelIds, long index) {
        Map<ChannelId, SettlementResult> results = new LinkedHashMap<>();
        for (ChannelId channelId : channelIds) {
            results.put(channelId, startSettlement(channelId, index));
        }
        return results;
    }

    private SettlementResult startSettlement(ChannelId channelId, long index) {
        ChannelState state = channels.get(channelId);
        if (state == null) {
            return new Rejected(RejectReason.UNKNOWN_CHANNEL, Optional.empty());
        }
        if (reservations.liveOn(channelId, logTimeMillis).isPresent()) {
            return rejected(RejectReason.CHANNEL_BUSY, state);
        }
        if (settlements.containsKey(channelId)) {
            return rejected(RejectReason.SETTLEMENT_PENDING, state);
        }
        if (state.authorizedAmount().signum() == 0 || state.signature().isEmpty()) {
            return rejected(RejectReason.NOTHING_TO_SETTLE, state);
        }
        if (state.nonce().equals(MAX_UINT256)) {
            // the nonce cannot be bumped; refusing here keeps a batch of settlements atomic
            return rejected(RejectReason.NONCE_MISMATCH, state);
        }
        Settlement settlement = new Settlement(channelId, state.nonce(), state.authorizedAmount(), state.signature().get());
        ChannelState next = state.afterSettlement(index);
        settlements.put(channelId, settlement);
        channels.put(channelId, next);
        return new SettlementStarted(settlement, next);
    }

    /** Forgets the channel's settlements with a nonce below {@code chainNonce}; returns them. */
    List<Settlement> finishSettlements(ChannelId channelId, BigInteger chainNonce) {
        return forgetSettlementsBefore(channelId, chainNonce);
    }

    private List<Settlement> forgetSettlementsBefore(ChannelId channelId, BigInteger chainNonce) {
        Settlement pending = settlements.get(channelId);
        if (pending == null || pending.nonce().compareTo(chainNonce) >= 0) {
            return List.of();
        }
        settlements.remove(channelId);
        return List.of(pending);
    }

    /** Chain view merge, unknown channel, busy, then the payment rule: claim steps 1-7 of docs/rules.md. */
    private Optional<Rejected> check(ClaimRequest request, long index) {
        if (request.chainView().isPresent()) {
            SyncResult merged = sync(request.chainView().get(), index);
            if (merged instanceof Rejected rejected) {
                return Optional.of(rejected);
            }
        }
        Payment payment = request.payment();
        ChannelState state = channels.get(payment.channelId());
        if (state == null) {
            return Optional.of(new Rejected(RejectReason.UNKNOWN_CHANNEL, Optional.empty()));
        }
        // No exemption for the reservation's own request id: its resubmission is answered from the
        // deduplication table, and once that record aged out the id must not bypass its own hold.
        if (reservations.liveOn(payment.channelId(), logTimeMillis).isPresent()) {
            return Optional.of(rejected(RejectReason.CHANNEL_BUSY, state));
        }
        return paymentRule(state, payment.nonce(), payment.amount(), request.price()).map(r -> rejected(r, state));
    }

    /** Steps 4-7: same nonce, amount raised by exactly the price, within the escrowed value. */
    private static Optional<RejectReason> paymentRule(ChannelState state, BigInteger nonce, BigInteger amount,
            BigInteger price) {
        if (!nonce.equals(state.nonce())) {
            return Optional.of(RejectReason.NONCE_MISMATCH);
        }
        BigInteger authorized = state.authorizedAmount();
        if (amount.compareTo(authorized) <= 0) {
            return Optional.of(RejectReason.ALREADY_CLAIMED);
        }
        if (!amount.subtract(authorized).equals(price)) {
            return Optional.of(RejectReason.INCREMENT_MISMATCH);
        }
        if (amount.compareTo(state.fullAmount()) > 0) {
            return Optional.of(RejectReason.INSUFFICIENT_FUNDS);
        }
        return Optional.empty();
    }

    Optional<ChannelState> get(ChannelId channelId) {
        return Optional.ofNullable(channels.get(channelId));
    }

    int size() {
        return channels.size();
    }

    /** Reservations that block their channel now. Call under the state machine's lock. */
    long liveReservations() {
        return reservations.countLive(logTimeMillis);
    }

    /** Reservations past their lease, still remembered for a late commit. Call under the state machine's lock. */
    long expiredReservations() {
        return reservations.size() - reservations.countLive(logTimeMillis);
    }

    /** Settlements started and not yet seen claimed on chain. */
    long pendingSettlements() {
        return settlements.size();
    }

    /** Channels with an authorized amount above 0, by id. Call under the state machine's lock. */
    List<ChannelState> unclaimed() {
        return sorted(channels.values().stream().filter(s -> s.authorizedAmount().signum() > 0).toList(),
                Comparator.comparing(ChannelState::channelId));
    }

    /** Pending settlements, by channel id. Call under the state machine's lock. */
    List<Settlement> settlements() {
        return sorted(settlements.values(), Comparator.comparing(Settlement::channelId));
    }

    /** All channels, sorted by id: part of a snapshot. Call on the mutating thread. */
    List<ChannelState> copy() {
        return sorted(channels.values(), Comparator.comparing(ChannelState::channelId));
    }

    List<Reservation> reservations() {
        return reservations.copy();
    }

    /** An independent copy of this ledger (test-only preview of a command). Call under the state machine's read lock. */
    ChannelLedger scratchCopy() {
        ChannelLedger scratch = new ChannelLedger(groupId);
        scratch.replaceAll(copy(), reservations(), settlements(), logTimeMillis);
        return scratch;
    }

    /** Replaces the whole ledger (snapshot load); never merges. */
    void replaceAll(Collection<ChannelState> states, List<Reservation> held, Collection<Settlement> pending,
            long logTime) {
        channels.clear();
        recipients.clear();
        states.forEach(state -> channels.put(state.channelId(), canonical(state)));
        settlements.clear();
        pending.forEach(settlement -> settlements.put(settlement.channelId(), settlement));
        reservations.replaceAll(held);
        logTimeMillis = logTime;
    }

    /** Feeds the canonical encoding of the whole ledger, in a fixed order, into {@code sha}. */
    void digestInto(MessageDigest sha) {
        Digests.putLong(sha, logTimeMillis);
        for (ChannelState state : copy()) {
            Digests.putBytes(sha, ProtoMapper.toMsg(state).toByteArray());
        }
        for (Settlement settlement : settlements()) {
            Digests.putBytes(sha, ProtoMapper.toMsg(settlement).toByteArray());
        }
        for (Reservation reservation : reservations.copy()) {
            Digests.putBytes(sha, ProtoMapper.toMsg(reservation).toByteArray());
        }
    }

    private SyncResult store(ChannelState state) {
        ChannelState stored = canonical(state);
        channels.put(stored.channelId(), stored);
        return new Synced(stored);
    }

    /**
     * {@code state} sharing the ledger's group id and an earlier channel's equal recipient, so a
     * million channels do not hold a million copies of each (about 120 bytes a channel).
     */
    private ChannelState canonical(ChannelState state) {
        Address recipient = recipients.computeIfAbsent(state.recipient(), r -> r);
        GroupId group = state.groupId().equals(groupId) ? groupId : state.groupId();
        if (recipient == state.recipient() && group == state.groupId()) {
            return state;
        }
        return new ChannelState(state.channelId(), state.nonce(), state.sender(), state.signer(), recipient, group,
                state.fullAmount(), state.expiration(), state.authorizedAmount(), state.signature(), state.revision());
    }

    private static Rejected rejected(RejectReason reason, ChannelState state) {
        return new Rejected(reason, Optional.of(state));
    }

    private static <T> List<T> sorted(Collection<T> values, Comparator<T> order) {
        List<T> list = new ArrayList<>(values);
        list.sort(order);
        return list;
    }
}
