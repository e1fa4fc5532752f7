package io.escrowstore.raft.internal.admin;

import com.google.protobuf.ByteString;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.ChannelStateMsg;
import io.escrowstore.raft.proto.EscrowProto.ClusterInfo;
import io.escrowstore.raft.proto.EscrowProto.MemberInfo;
import io.escrowstore.raft.proto.EscrowProto.NodeInfo;
import io.escrowstore.raft.proto.EscrowProto.ReservationMsg;
import io.escrowstore.raft.proto.EscrowProto.SettlementMsg;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link NodeAdminClient}'s answers as data: ordered maps whose values are strings, longs,
 * booleans, lists and maps (ready for a JSON or text writer). Amounts, nonces, channel ids and
 * expirations are decimal strings (uint256 does not fit a JSON number); addresses and signatures
 * are 0x-prefixed hex.
 */
final class AdminViews {
    private AdminViews() {
    }

    /** {@code status}: the node's view, and the group's when it leads. */
    static Map<String, Object> status(AdminResponse answer) {
        NodeInfo node = answer.getNode();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("node", node.getSelf());
        view.put("state", node.getState());
        view.put("leader", node.getLeader());
        view.put("term", node.getTerm());
        view.put("appliedIndex", node.getAppliedIndex());
        view.put("committedIndex", node.getCommittedIndex());
        view.put("lastLogIndex", node.getLastLogIndex());
        view.put("snapshotIndex", node.getSnapshotIndex());
        view.put("members", List.copyOf(node.getMembersList()));
        view.put("joining", List.copyOf(node.getJoiningList()));
        if (answer.hasCluster()) {
            ClusterInfo cluster = answer.getCluster();
            view.put("commitIndex", cluster.getCommitIndex());
            view.put("lag", members(cluster.getMembersList()));
            view.put("joiningLag", members(cluster.getJoiningList()));
        }
        return view;
    }

    /** A list of channels ({@code channels}, {@code unclaimed}), with the next page's cursor if any. */
    static Map<String, Object> channels(AdminResponse answer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("channels", answer.getChannelsList().stream().map(AdminViews::channel).toList());
        if (answer.hasNextAfter()) {
            view.put("nextAfter", decimal(answer.getNextAfter()));
        }
        return view;
    }

    /** {@code channel}: its state, live reservation and pending settlement ({@code null} when none). */
    static Map<String, Object> shown(AdminResponse answer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("channel", channel(answer.getChannels(0)));
        view.put("reservation", answer.hasReservation() ? reservation(answer.getReservation()) : null);
        view.put("settlement", answer.getSettlementsCount() > 0 ? settlement(answer.getSettlements(0)) : null);
        return view;
    }

    /** {@code outcome} and {@code release-reservation}: the result and the channel after it, if any. */
    static Map<String, Object> result(AdminResponse answer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("result", answer.getResult());
        view.put("channel", answer.getChannelsCount() > 0 ? channel(answer.getChannels(0)) : null);
        return view;
    }

    /** {@code settlements}. */
    static Map<String, Object> settlements(AdminResponse answer) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("settlements", answer.getSettlementsList().stream().map(AdminViews::settlement).toList());
        return view;
    }

    private static List<Map<String, Object>> members(List<MemberInfo> members) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MemberInfo member : members) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("member", member.getMember());
            row.put("reachable", member.getReachable());
            row.put("appliedIndex", member.getAppliedIndex());
            row.put("lag", member.getLag());
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, Object> channel(ChannelStateMsg state) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("channelId", decimal(state.getChannelId()));
        row.put("nonce", decimal(state.getNonce()));
        row.put("authorizedAmount", decimal(state.getAuthorizedAmount()));
        row.put("fullAmount", decimal(state.getFullAmount()));
        row.put("expiration", decimal(state.getExpiration()));
        row.put("revision", state.getRevision());
        row.put("sender", hex(state.getSender()));
        row.put("signer", hex(state.getSigner()));
        row.put("recipient", hex(state.getRecipient()));
        row.put("groupId", hex(state.getGroupId()));
        row.put("signature", state.getSignature().isEmpty() ? null : hex(state.getSignature()));
        return row;
    }

    private static Map<String, Object> reservation(ReservationMsg reservation) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("reservationId", reservation.getReservationId());
        row.put("ownerRequestId", reservation.getOwnerRequestId());
        row.put("nonce", decimal(reservation.getNonce()));
        row.put("amount", decimal(reservation.getAmount()));
        row.put("price", decimal(reservation.getPrice()));
        row.put("expiresAtMillis", reservation.getExpiresAtMillis());
        row.put("leaseMillis", reservation.getLeaseMillis());
        return row;
    }

    private static Map<String, Object> settlement(SettlementMsg settlement) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("channelId", decimal(settlement.getChannelId()));
        row.put("nonce", decimal(settlement.getNonce()));
        row.put("amount", decimal(settlement.getAmount()));
        row.put("signature", hex(settlement.getSignature()));
        return row;
    }

    private static String decimal(ByteString uint256) {
        return new BigInteger(1, uint256.toByteArray()).toString();
    }

    private static String hex(ByteString bytes) {
        return "0x" + HexFormat.of().formatHex(bytes.toByteArray());
    }
}
