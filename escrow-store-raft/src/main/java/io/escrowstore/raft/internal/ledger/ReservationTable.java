package io.escrowstore.raft.internal.ledger;

import io.escrowstore.ChannelId;
import io.escrowstore.ReservationId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Reservations by id and by channel. A reservation is live until its expiry in log time; after
 * that it no longer blocks its channel, but is remembered for one more lease so that a late
 * commit learns {@code RESERVATION_EXPIRED} rather than {@code UNKNOWN_RESERVATION}, then forgotten.
 * A channel's latest reservation is the one with the highest id among those remembered, a function
 * of the remembered set alone, so a replica restored from a snapshot decides like one that is not.
 * Used by the state machine's thread only.
 */
final class ReservationTable {
    private static final Comparator<Reservation> FORGET_ORDER =
            Comparator.comparingLong(Reservation::forgetAtMillis).thenComparingLong(r -> r.id().value());

    private final Map<ReservationId, Reservation> byId = new HashMap<>();
    private final Map<ChannelId, NavigableMap<Long, Reservation>> byChannel = new HashMap<>();
    private final PriorityQueue<Reservation> forgetQueue = new PriorityQueue<>(FORGET_ORDER);

    /** The live reservation of {@code channelId} at {@code logTime}, if any. */
    Optional<Reservation> liveOn(ChannelId channelId, long logTime) {
        Reservation reservation = latest(channelId);
        return reservation != null && reservation.liveAt(logTime) ? Optional.of(reservation) : Optional.empty();
    }

    Optional<Reservation> get(ReservationId id) {
        return Optional.ofNullable(byId.get(id));
    }

    void add(Reservation reservation) {
        byId.put(reservation.id(), reservation);
        byChannel.computeIfAbsent(reservation.channelId(), c -> new TreeMap<>())
                .put(reservation.id().value(), reservation);
        forgetQueue.add(reservation);
    }

    void remove(Reservation reservation) {
        forget(reservation);
        forgetQueue.remove(reservation);
    }

    private void forget(Reservation reservation) {
        byId.remove(reservation.id());
        NavigableMap<Long, Reservation> ofChannel = byChannel.get(reservation.channelId());
        if (ofChannel != null) {
            ofChannel.remove(reservation.id().value());
            if (ofChannel.isEmpty()) {
                byChannel.remove(reservation.channelId());
            }
        }
    }

    private Reservation latest(ChannelId channelId) {
        NavigableMap<Long, Reservation> ofChannel = byChannel.get(channelId);
        return ofChannel == null ? null : ofChannel.lastEntry().getValue();
    }

    /**
     * Drops the latest reservation of {@code channelId} (its nonce moved on chain): the one with the
     * highest id. Older ones are expired already and only remembered until forgotten.
     */
    void removeLatest(ChannelId channelId) {
        Reservation reservation = latest(channelId);
        if (reservation != null) {
            remove(reservation);
        }
    }

    /** Forgets reservations whose extra lease ran out by {@code logTime}. */
    void forgetExpired(long logTime) {
        while (!forgetQueue.isEmpty() && forgetQueue.peek().forgetAtMillis() <= logTime) {
            forget(forgetQueue.poll());
        }
    }

    int size() {
        return byId.size();
    }

    /** Reservations live at {@code logTime}. */
    long countLive(long logTime) {
        return byId.values().stream().filter(r -> r.liveAt(logTime)).count();
    }

    /** Every reservation, ordered by id. */
    List<Reservation> copy() {
        List<Reservation> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparingLong(r -> r.id().value()));
        return all;
    }

    void replaceAll(List<Reservation> reservations) {
        byId.clear();
        byChannel.clear();
        forgetQueue.clear();
        reservations.forEach(this::add);
    }
}
