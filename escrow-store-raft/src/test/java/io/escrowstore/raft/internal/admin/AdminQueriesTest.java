package io.escrowstore.raft.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest.Kind;
import org.junit.jupiter.api.Test;

/** The operator requests are refused unread when malformed, through the admin processor's validation. */
class AdminQueriesTest {
    private final AdminProcessor processor = new AdminProcessor("g", null, null);

    @Test
    void aPageMustHoldOneToMaxPageChannels() {
        assertThat(processor.validate(request(Kind.LIST_CHANNELS).setLimit(0).build())).startsWith("limit must be");
        assertThat(processor.validate(request(Kind.LIST_CHANNELS).setLimit(AdminQueries.MAX_PAGE + 1).build()))
                .startsWith("limit must be");
        assertThat(processor.validate(request(Kind.LIST_CHANNELS).setLimit(AdminQueries.MAX_PAGE).build())).isNull();
    }

    @Test
    void channelIdsMustBeCanonicalUint256AndChannel0IsAskable() {
        assertThat(processor.validate(request(Kind.SHOW_CHANNEL).build())).isEqualTo("channel_id is required");
        assertThat(processor.validate(request(Kind.SHOW_CHANNEL).setChannelId(ByteString.EMPTY).build())).isNull();
        assertThat(processor.validate(request(Kind.SHOW_CHANNEL).setChannelId(ByteString.copyFrom(new byte[33]))
                .build())).contains("more than a uint256");
        assertThat(processor.validate(request(Kind.LIST_CHANNELS).setLimit(1)
                .setChannelId(ByteString.copyFrom(new byte[] {0, 1})).build())).contains("leading zero");
    }

    @Test
    void releaseNeedsAReservationIdAndAReason() {
        assertThat(processor.validate(request(Kind.RELEASE_RESERVATION).setReason("why").build()))
                .startsWith("reservation_id must be > 0");
        assertThat(processor.validate(request(Kind.RELEASE_RESERVATION).setReservationId(3).setReason(" ").build()))
                .startsWith("reason must be");
        assertThat(processor.validate(request(Kind.RELEASE_RESERVATION).setReservationId(3).setReason("x".repeat(501))
                .build())).startsWith("reason must be");
        assertThat(processor.validate(request(Kind.RELEASE_RESERVATION).setReservationId(3).setReason("stuck")
                .build())).isNull();
    }

    @Test
    void outcomeNeedsAValidRequestIdAndNoMember() {
        assertThat(processor.validate(request(Kind.CLAIM_OUTCOME).build())).startsWith("request_id");
        assertThat(processor.validate(request(Kind.CLAIM_OUTCOME).setRequestId("r-1").setMember("10.0.0.1:1")
                .build())).isEqualTo("member must be empty for this request");
        assertThat(processor.validate(request(Kind.UNCLAIMED).build())).isNull();
        assertThat(processor.validate(request(Kind.SETTLEMENTS).build())).isNull();
    }

    private static AdminRequest.Builder request(Kind kind) {
        return AdminRequest.newBuilder().setGroup("g").setKind(kind).setTimeoutMillis(1_000);
    }
}
