package io.escrowstore.raft;

import io.escrowstore.Accepted;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicated channel table and the rules of SPEC §3, free of Raft. Deterministic: the outcome
 * of an operation depends only on the table and the operation's inputs (including the log index it
 * is applied at). Mutated by one thread (the state machine's); read by any.
 */
final class ChannelLedger {
    private final GroupId groupId;
    private final Map<ChannelId, ChannelState> channels = new ConcurrentHashMap<>();

    ChannelLedger(GroupId groupId) {
        this.groupId = groupId;
    }

    /** SPEC §3 claim, steps 1-8; {@code index} becomes the revision of an accepted claim. */
    ClaimResult claim(ClaimRequest request, long index) {
        if (request.chainView().isPresent()) {
            SyncResult merged = sync(request.chainView().get(), index);
            if (merged instanceof Rejected rejected) {
                return rejected;
            }
        }
        Payment payment = request.payment();
        ChannelState state = channels.get(payment.channelId());
        if (state == null) {
            return new Rejected(RejectReason.UNKNOWN_CHANNEL, Optional.empty());
        }
        if (!payment.nonce().equals(state.nonce())) {
            return rejected(RejectReason.NONCE_MISMATCH, state);
        }
        BigInteger authorized = state.authorizedAmount();
        if (payment.amount().compareTo(authorized) <= 0) {
            return rejected(RejectReason.ALREADY_CLAIMED, state);
        }
        if (!payment.amount().subtract(authorized).equals(request.price())) {
            return rejected(RejectReason.INCREMENT_MISMATCH, state);
        }
        if (payment.amount().compareTo(state.fullAmount()) > 0) {
            return rejected(RejectReason.INSUFFICIENT_FUNDS, state);
        }
        ChannelState next = state.withAuthorization(payment.amount(), payment.signature(), index);
        channels.put(next.channelId(), next);
        return new Accepted(next);
    }

    /** SPEC §3 merge with chain state; {@code index} becomes the revision of a changed channel. */
    SyncResult sync(ChainChannel chain, long index) {
        ChannelState stored = channels.get(chain.channelId());
        if (!chain.groupId().equals(groupId)) {
            return new Rejected(RejectReason.WRONG_GROUP, Optional.ofNullable(stored));
        }
        if (stored == null) {
            return store(ChannelState.fromChain(chain, index));
        }
        int order = stored.nonce().compareTo(chain.nonce());
        if (order > 0) {
            return new Synced(stored);
        }
        if (order < 0) {
            return store(ChannelState.fromChain(chain, index));
        }
        if (chain.value().compareTo(stored.authorizedAmount()) < 0) {
            return rejected(RejectReason.INSUFFICIENT_FUNDS, stored);
        }
        if (chain.value().equals(stored.fullAmount()) && chain.expiration().equals(stored.expiration())) {
            return new Synced(stored);
        }
        return store(stored.withChainFunds(chain.value(), chain.expiration(), index));
    }

    Optional<ChannelState> get(ChannelId channelId) {
        return Optional.ofNullable(channels.get(channelId));
    }

    int size() {
        return channels.size();
    }

    /** All channels, sorted by id: the content of a snapshot. Call on the mutating thread. */
    List<ChannelState> copy() {
        List<ChannelState> all = new ArrayList<>(channels.values());
        all.sort((a, b) -> a.channelId().compareTo(b.channelId()));
        return all;
    }

    /** Replaces the whole table (snapshot load); never merges. */
    void replaceAll(Collection<ChannelState> states) {
        channels.clear();
        for (ChannelState state : states) {
            channels.put(state.channelId(), state);
        }
    }

    /** SHA-256 over the canonical encoding of every channel in id order. Call on the mutating thread. */
    byte[] digest() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JRE", e);
        }
        for (ChannelState state : copy()) {
            byte[] encoded = ProtoMapper.toMsg(state).toByteArray();
            sha.update((byte) (encoded.length >>> 8));
            sha.update((byte) encoded.length);
            sha.update(encoded);
        }
        return sha.digest();
    }

    private SyncResult store(ChannelState state) {
        channels.put(state.channelId(), state);
        return new Synced(state);
    }

    private static Rejected rejected(RejectReason reason, ChannelState state) {
        return new Rejected(reason, Optional.of(state));
    }
}
