package io.escrowstore.raft.internal.ledger;

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
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicated channel table, its reservations and pending settlements, and the rules of
 * docs/rules.md, free of Raft. Deterministic: an outcome depends only on the ledger, the operation's inputs,
 * the log index it is applied at and the log time ({@link #advanceClock}), never on a local clock.
 * Mutated by one thread (the state machine's); single channels and the channel count may be read
 * by any thread without a lock. A snapshot load replaces the whole state in one step
 * ({@link #prepare}, then {@link #install}), so such a read sees the state before the load or
 * after it, never a partly loaded one.
 * <p>Not final only so a test can make an operation fail after it changed the state.
 */
public class ChannelLedger {
    private static final BigInteger MAX_UINT256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    private final GroupId groupId;
    /**
     * The whole ledger state. A snapshot load builds a new one aside and swaps it in with this one
     * write, so a reader on any thread sees the state before the load or after it, never a mix;
     * everything else changes it in place on the mutating thread.
     */
    private volatile Tables tables = new Tables();

    /**
     * Everything a snapshot replaces at once. Only the mutating thread writes it; other threads
     * read {@code channels} and {@code settlements} (concurrent maps), or read under the state
     * machine's lock.
     */
    private static final class Tables {
        final Map<ChannelId, ChannelState> channels = new ConcurrentHashMap<>();
        final Map<ChannelId, Settlement> settlements = new ConcurrentHashMap<>();
        /** One instance per distinct recipient: a group's channels mostly pay the same service. */
        final Map<Address, Address> recipients = new HashMap<>();
        final ReservationTable reservations = new ReservationTable();
        long logTimeMillis;
    }

    /** A whole ledger state built aside by {@link #prepare}, not yet visible to any reader. */
    public static final class Prepared {
        private final Tables tables;

        private Prepared(Tables tables) {
            this.tables = tables;
        }
    }

    public ChannelLedger(GroupId groupId) {
        this.groupId = groupId;
    }

    /** Moves log time to the leader's stamp, never backwards, and forgets long-expired reservations. */
    public void advanceClock(long leaderTimeMillis) {
        Tables t = tables;
        t.logTimeMillis = Math.max(t.logTimeMillis, leaderTimeMillis);
        t.reservations.forgetExpired(t.logTimeMillis);
    }

    public long logTimeMillis() {
        return tables.logTimeMillis;
    }

    /** The claim rule, steps 1-8 of docs/rules.md; {@code index} becomes the revision of an accepted claim. */
    public ClaimResult claim(ClaimRequest request, long index) {
        Tables t = tables;
        Optional<Rejected> refused = check(request, index);
        if (refused.isPresent()) {
            return refused.get();
        }
        Payment payment = request.payment();
        ChannelState next = t.channels.get(payment.channelId())
                .withAuthorization(payment.amount(), payment.signature(), index);
        t.channels.put(next.channelId(), next);
        return new Accepted(next);
    }

    /** Runs the claim checks and, if they pass, holds the payment until the lease ends. */
    ReserveResult reserve(ClaimRequest request, long leaseMillis, long index) {
        Tables t = tables;
        Optional<Rejected> refused = check(request, index);
        if (refused.isPresent()) {
            return refused.get();
        }
        Payment payment = request.payment();
        Reservation reservation = new Reservation(new ReservationId(index), payment.channelId(), request.requestId(),
                payment.nonce(), payment.amount(), payment.signature(), request.price(), t.logTimeMillis + leaseMillis,
                leaseMillis);
        t.reservations.add(reservation);
        return new Reserved(reservation.id(), t.channels.get(payment.channelId()),
                Instant.ofEpochMilli(reservation.expiresAtMillis()));
    }

    /** Charges a live reservation like an accepted claim; an expired one is refused and dropped. */
    ClaimResult commit(ReservationId id, long index) {
        Tables t = tables;
        Optional<Reservation> found = t.reservations.get(id);
        if (found.isEmpty()) {
            return new Rejected(RejectReason.UNKNOWN_RESERVATION, Optional.empty());
        }
        Reservation reservation = found.get();
        t.reservations.remove(reservation);
        ChannelState state = t.channels.get(reservation.channelId());
        if (!reservation.liveAt(t.logTimeMillis)) {
            return new Rejected(RejectReason.RESERVATION_EXPIRED, Optional.ofNullable(state));
        }
        Optional<RejectReason> stale = paymentRule(state, reservation.nonce(), reservation.amount(), reservation.price());
        if (stale.isPresent()) {
            return rejected(stale.get(), state);
        }
        ChannelState next = state.withAuthorization(reservation.amount(), reservation.signature(), index);
        t.channels.put(next.channelId(), next);
        return new Accepted(next);
    }

    /** Drops a reservation, charging nothing. */
    ReleaseResult release(ReservationId id) {
        Tables t = tables;
        Optional<Reservation> found = t.reservations.get(id);
        if (found.isEmpty()) {
            return new Rejected(RejectReason.UNKNOWN_RESERVATION, Optional.empty());
        }
        t.reservations.remove(found.get());
        return new Released(t.channels.get(found.get().channelId()));
    }

    /** The merge with chain state (docs/rules.md); {@code index} becomes the revision of a changed channel. */
    SyncResult sync(ChainChannel chain, long index) {
        Tables t = tables;
        ChannelState stored = t.channels.get(chain.channelId());
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
            t.reservations.removeLatest(chain.channelId());
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
        Tables t = tables;
        ChannelState state = t.channels.get(channelId);
        if (state == null) {
            return new Rejected(RejectReason.UNKNOWN_CHANNEL, Optional.empty());
        }
        if (t.reservations.liveOn(channelId, t.logTimeMillis).isPresent()) {
            return rejected(RejectReason.CHANNEL_BUSY, state);
        }
        if (t.settlements.containsKey(channelId)) {
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
        t.settlements.put(channelId, settlement);
        t.channels.put(channelId, next);
        return new SettlementStarted(settlement, next);
    }

    /** Forgets the channel's settlements with a nonce below {@code chainNonce}; returns them. */
    List<Settlement> finishSettlements(ChannelId channelId, BigInteger chainNonce) {
        return forgetSettlementsBefore(channelId, chainNonce);
    }

    private List<Settlement> forgetSettlementsBefore(ChannelId channelId, BigInteger chainNonce) {
        Tables t = tables;
        Settlement pending = t.settlements.get(channelId);
        if (pending == null || pending.nonce().compareTo(chainNonce) >= 0) {
            return List.of();
        }
        t.settlements.remove(channelId);
        return List.of(pending);
    }

    /** Chain view merge, unknown channel, busy, then the payment rule: claim steps 1-7 of docs/rules.md. */
    private Optional<Rejected> check(ClaimRequest request, long index) {
        Tables t = tables;
        if (request.chainView().isPresent()) {
            SyncResult merged = sync(request.chainView().get(), index);
            if (merged instanceof Rejected rejected) {
                return Optional.of(rejected);
            }
        }
        Payment payment = request.payment();
        ChannelState state = t.channels.get(payment.channelId());
        if (state == null) {
            return Optional.of(new Rejected(RejectReason.UNKNOWN_CHANNEL, Optional.empty()));
        }
        // No exemption for the reservation's own request id: its resubmission is answered from the
        // deduplication table, and once that record aged out the id must not bypass its own hold.
        if (t.reservations.liveOn(payment.channelId(), t.logTimeMillis).isPresent()) {
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

    public Optional<ChannelState> get(ChannelId channelId) {
        return Optional.ofNullable(tables.channels.get(channelId));
    }

    public int size() {
        return tables.channels.size();
    }

    /** Reservations that block their channel now. Call under the state machine's lock. */
    public long liveReservations() {
        Tables t = tables;
        return t.reservations.countLive(t.logTimeMillis);
    }

    /** Reservations past their lease, still remembered for a late commit. Call under the state machine's lock. */
    public long expiredReservations() {
        Tables t = tables;
        return t.reservations.size() - t.reservations.countLive(t.logTimeMillis);
    }

    /** Settlements started and not yet seen claimed on chain. */
    public long pendingSettlements() {
        return tables.settlements.size();
    }

    /** Channels with an authorized amount above 0, by id. Call under the state machine's lock. */
    public List<ChannelState> unclaimed() {
        return sorted(tables.channels.values().stream().filter(s -> s.authorizedAmount().signum() > 0).toList(),
                Comparator.comparing(ChannelState::channelId));
    }

    /**
     * Up to {@code limit} channels with an id above {@code after} (from the first if empty), by id.
     * One pass over the channels keeping the {@code limit} lowest ids seen (O(n log limit)), so a page
     * does not sort the whole table. Call under the state machine's lock.
     */
    public List<ChannelState> page(Optional<ChannelId> after, int limit) {
        Comparator<ChannelState> byId = Comparator.comparing(ChannelState::channelId);
        PriorityQueue<ChannelState> lowest = new PriorityQueue<>(limit, byId.reversed());
        for (ChannelState state : tables.channels.values()) {
            if (after.isPresent() && state.channelId().compareTo(after.get()) <= 0) {
                continue;
            }
            if (lowest.size() < limit) {
                lowest.add(state);
            } else if (byId.compare(state, lowest.peek()) < 0) {
                lowest.poll();
                lowest.add(state);
            }
        }
        return sorted(lowest, byId);
    }

    /** The reservation blocking {@code channelId} now, if any. Call under the state machine's lock. */
    public Optional<Reservation> liveReservation(ChannelId channelId) {
        Tables t = tables;
        return t.reservations.liveOn(channelId, t.logTimeMillis);
    }

    /** The pending settlement of {@code channelId}, if any. */
    public Optional<Settlement> settlement(ChannelId channelId) {
        return Optional.ofNullable(tables.settlements.get(channelId));
    }

    /** Pending settlements, by channel id. Call under the state machine's lock. */
    public List<Settlement> settlements() {
        return settlements(tables);
    }

    /** All channels, sorted by id: part of a snapshot. Call on the mutating thread. */
    public List<ChannelState> copy() {
        return channels(tables);
    }

    public List<Reservation> reservations() {
        return tables.reservations.copy();
    }

    /**
     * Builds a whole ledger state from a snapshot's parts without touching the current one, which
     * readers keep seeing until {@link #install}. Call on the mutating thread.
     */
    public Prepared prepare(Collection<ChannelState> states, List<Reservation> held, Collection<Settlement> pending,
            long logTime) {
        Tables fresh = new Tables();
        states.forEach(state -> fresh.channels.put(state.channelId(), canonical(fresh, state)));
        pending.forEach(settlement -> fresh.settlements.put(settlement.channelId(), settlement));
        fresh.reservations.replaceAll(held);
        fresh.logTimeMillis = logTime;
        return new Prepared(fresh);
    }

    /**
     * Makes {@code prepared} the whole ledger in one step: a reader sees all of the previous state
     * or all of this one. Call on the mutating thread.
     */
    public void install(Prepared prepared) {
        tables = prepared.tables;
    }

    /** Feeds the canonical encoding of the whole ledger, in a fixed order, into {@code sha}. */
    public void digestInto(MessageDigest sha) {
        Tables t = tables;
        Digests.putLong(sha, t.logTimeMillis);
        for (ChannelState state : channels(t)) {
            Digests.putBytes(sha, ProtoMapper.toMsg(state).toByteArray());
        }
        for (Settlement settlement : settlements(t)) {
            Digests.putBytes(sha, ProtoMapper.toMsg(settlement).toByteArray());
        }
        for (Reservation reservation : t.reservations.copy()) {
            Digests.putBytes(sha, ProtoMapper.toMsg(reservation).toByteArray());
        }
    }

    private SyncResult store(ChannelState state) {
        Tables current = tables;
        ChannelState stored = canonical(current, state);
        current.channels.put(stored.channelId(), stored);
        return new Synced(stored);
    }

    /**
     * {@code state} sharing the ledger's group id and an earlier channel's equal recipient, so a
     * million channels do not hold a million copies of each (about 120 bytes a channel).
     */
    private ChannelState canonical(Tables into, ChannelState state) {
        Address recipient = into.recipients.computeIfAbsent(state.recipient(), r -> r);
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

    private static List<ChannelState> channels(Tables t) {
        return sorted(t.channels.values(), Comparator.comparing(ChannelState::channelId));
    }

    private static List<Settlement> settlements(Tables t) {
        return sorted(t.settlements.values(), Comparator.comparing(Settlement::channelId));
    }

    private static <T> List<T> sorted(Collection<T> values, Comparator<T> order) {
        List<T> list = new ArrayList<>(values);
        list.sort(order);
        return list;
    }
}
