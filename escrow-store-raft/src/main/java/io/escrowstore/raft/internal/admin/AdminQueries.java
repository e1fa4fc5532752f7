package io.escrowstore.raft.internal.admin;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.NoQuorumException;
import io.escrowstore.OutcomeForgottenException;
import io.escrowstore.PaymentStore;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.Released;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.StoreOverloadedException;
import io.escrowstore.StoreUnavailableException;
import io.escrowstore.raft.internal.ledger.ChannelView;
import io.escrowstore.raft.internal.ledger.ProtoMapper;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse.Status;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the operator's admin requests about the store's data (the launcher's {@code channels},
 * {@code channel}, {@code outcome}, {@code unclaimed}, {@code settlements} and
 * {@code release-reservation}). Every read is the store's linearizable read on the receiving node,
 * so it reflects every change committed before it was asked, whichever member answers. A release
 * is the store's own replicated release command, run by the leader under the reservation's release
 * request id (so a repeated operator release is answered with the first one's outcome), and logged
 * here at INFO with the operator's reason: the audit line. Never edits local state.
 */
public final class AdminQueries {
    private static final Logger LOG = LoggerFactory.getLogger(AdminQueries.class);
    /** Most channels one page may hold. */
    static final int MAX_PAGE = 1_000;

    /** The two operator reads that {@link PaymentStore} does not offer, both linearizable. */
    public interface OperatorReads {
        /** Up to {@code limit} channels with an id above {@code after}, by id. */
        CompletableFuture<List<ChannelState>> channelPage(Optional<ChannelId> after, int limit);

        /** One channel with its live reservation and pending settlement. */
        CompletableFuture<Optional<ChannelView>> channelView(ChannelId channelId);
    }

    private final PaymentStore store;
    private final OperatorReads reads;

    public AdminQueries(PaymentStore store, OperatorReads reads) {
        this.store = store;
        this.reads = reads;
    }

    /** Whether {@code kind} is answered here. */
    static boolean handles(AdminRequest.Kind kind) {
        return switch (kind) {
            case LIST_CHANNELS, SHOW_CHANNEL, CLAIM_OUTCOME, UNCLAIMED, SETTLEMENTS, RELEASE_RESERVATION -> true;
            default -> false;
        };
    }

    /** Why {@code request} (of a kind this class {@link #handles}) must be refused unread, or null. */
    static String validate(AdminRequest request) {
        switch (request.getKind()) {
            case LIST_CHANNELS:
                if (request.getLimit() < 1 || request.getLimit() > MAX_PAGE) {
                    return "limit must be 1.." + MAX_PAGE + " but was " + request.getLimit();
                }
                return request.hasChannelId() ? channelId(request) : null;
            case SHOW_CHANNEL:
                return request.hasChannelId() ? channelId(request) : "channel_id is required";
            case CLAIM_OUTCOME:
                try {
                    new RequestId(request.getRequestId());
                    return null;
                } catch (IllegalArgumentException e) {
                    return "request_id: " + e.getMessage();
                }
            case RELEASE_RESERVATION:
                if (request.getReservationId() <= 0) {
                    return "reservation_id must be > 0 but was " + request.getReservationId();
                }
                return request.getReason().isBlank() || request.getReason().length() > 500
                        ? "reason must be 1..500 characters, not blank" : null;
            default:
                return null;
        }
    }

    private static String channelId(AdminRequest request) {
        try {
            ProtoMapper.uint256(request.getChannelId(), "channel_id");
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The answer to a validated request; the future never fails (a failure is an answer's status). */
    CompletableFuture<AdminResponse> answer(AdminRequest request) {
        CompletableFuture<AdminResponse> answer;
        try {
            answer = dispatch(request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(AdminQueries::failure);
    }

    private CompletableFuture<AdminResponse> dispatch(AdminRequest request) {
        switch (request.getKind()) {
            case LIST_CHANNELS:
                return page(request.hasChannelId() ? Optional.of(id(request)) : Optional.empty(),
                        request.getLimit());
            case SHOW_CHANNEL:
                return reads.channelView(id(request)).thenApply(view -> view.map(AdminQueries::shown)
                        .orElseGet(() -> AdminReplies.of(Status.NOT_FOUND, "no channel " + id(request))));
            case CLAIM_OUTCOME:
                RequestId requestId = new RequestId(request.getRequestId());
                return store.claimOutcomeAsync(requestId).thenApply(found -> found.map(result -> {
                    AdminResponse.Builder ok = ok();
                    if (result instanceof Accepted accepted) {
                        return ok.setResult("ACCEPTED").addChannels(ProtoMapper.toMsg(accepted.state())).build();
                    }
                    Rejected rejected = (Rejected) result;
                    rejected.state().ifPresent(state -> ok.addChannels(ProtoMapper.toMsg(state)));
                    return ok.setResult("REJECTED:" + rejected.reason()).build();
                }).orElseGet(() -> AdminReplies.of(Status.NOT_FOUND, "no recorded claim outcome of " + requestId)));
            case UNCLAIMED:
                return store.unclaimedAsync().thenApply(states -> channels(ok(), states).build());
            case SETTLEMENTS:
                return store.settlementsAsync().thenApply(settlements -> {
                    AdminResponse.Builder ok = ok();
                    settlements.forEach(s -> ok.addSettlements(ProtoMapper.toMsg(s)));
                    return ok.build();
                });
            case RELEASE_RESERVATION:
                return release(new ReservationId(request.getReservationId()), request.getReason());
            default:
                return CompletableFuture.completedFuture(AdminReplies.of(Status.INVALID,
                        "not an operator request: " + request.getKind()));
        }
    }

    private CompletableFuture<AdminResponse> page(Optional<ChannelId> after, int limit) {
        // one more than asked tells whether a next page exists
        return reads.channelPage(after, limit + 1).thenApply(states -> {
            List<ChannelState> shown = states.subList(0, Math.min(limit, states.size()));
            AdminResponse.Builder ok = channels(ok(), shown);
            if (states.size() > limit) {
                ok.setNextAfter(ProtoMapper.uint256(shown.get(shown.size() - 1).channelId().value()));
            }
            return ok.build();
        });
    }

    private CompletableFuture<AdminResponse> release(ReservationId id, String reason) {
        LOG.info("operator release of reservation {} asked, reason: {}", id.value(), reason);
        return store.releaseAsync(id).thenApply(result -> {
            if (result instanceof Released released) {
                LOG.info("operator released reservation {} on channel {}, reason: {}", id.value(),
                        released.state().channelId().value(), reason);
                return ok().setResult("RELEASED").addChannels(ProtoMapper.toMsg(released.state())).build();
            }
            Rejected rejected = (Rejected) result;
            LOG.info("operator release of reservation {} refused: {}, reason: {}", id.value(), rejected.reason(),
                    reason);
            return rejected.reason() == RejectReason.UNKNOWN_RESERVATION
                    ? AdminReplies.of(Status.NOT_FOUND, "no reservation " + id.value()
                            + " (never made, already committed or released, or dropped by a chain nonce bump)")
                    : ok().setResult("REJECTED:" + rejected.reason()).build();
        });
    }

    private static AdminResponse shown(ChannelView view) {
        AdminResponse.Builder ok = ok().addChannels(ProtoMapper.toMsg(view.state()));
        view.reservation().ifPresent(r -> ok.setReservation(ProtoMapper.toMsg(r)));
        view.settlement().ifPresent(s -> ok.addSettlements(ProtoMapper.toMsg(s)));
        return ok.build();
    }

    private static AdminResponse.Builder channels(AdminResponse.Builder answer, List<ChannelState> states) {
        states.forEach(state -> answer.addChannels(ProtoMapper.toMsg(state)));
        return answer;
    }

    private static ChannelId id(AdminRequest request) {
        return new ChannelId(ProtoMapper.uint256(request.getChannelId(), "channel_id"));
    }

    private static AdminResponse.Builder ok() {
        return AdminResponse.newBuilder().setStatus(Status.OK);
    }

    private static AdminResponse failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NoQuorumException) {
            return AdminReplies.of(Status.NO_LEADER, cause.getMessage());
        }
        if (cause instanceof StoreOverloadedException || cause instanceof StoreUnavailableException) {
            return AdminReplies.of(Status.RETRY, cause.getMessage());
        }
        if (cause instanceof IndeterminateOutcomeException) {
            return AdminReplies.of(Status.TIMED_OUT, cause.getMessage());
        }
        if (cause instanceof OutcomeForgottenException) {
            return AdminReplies.of(Status.NOT_FOUND, cause.getMessage());
        }
        return AdminReplies.of(Status.FAILED, String.valueOf(cause));
    }
}
