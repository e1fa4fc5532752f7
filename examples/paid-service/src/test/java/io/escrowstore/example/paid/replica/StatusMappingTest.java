package io.escrowstore.example.paid.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every refusal maps to the status snet-daemon uses for it (the table in StatusMapping and the README). */
class StatusMappingTest {

    @Test
    void everyRefusalMapsToSnetDaemonsStatus() {
        Map<Refusal, Status.Code> expected = new EnumMap<>(Refusal.class);
        expected.put(Refusal.MALFORMED_PAYMENT, Status.Code.INVALID_ARGUMENT);
        expected.put(Refusal.CHANNEL_NOT_FOUND, Status.Code.UNAUTHENTICATED);
        expected.put(Refusal.WRONG_RECIPIENT, Status.Code.UNAUTHENTICATED);
        expected.put(Refusal.NOT_SIGNED_BY_CHANNEL_SIGNER, Status.Code.UNAUTHENTICATED);
        expected.put(Refusal.CHANNEL_NEAR_EXPIRY, Status.Code.UNAUTHENTICATED);
        expected.put(Refusal.ALREADY_CLAIMED, Status.Code.UNAUTHENTICATED);
        expected.put(Refusal.INCORRECT_AMOUNT, Status.Code.UNAUTHENTICATED);
        expected.put(Refusal.INSUFFICIENT_FUNDS, Status.Code.UNAUTHENTICATED);
        expected.put(Refusal.INCORRECT_NONCE, Status.Code.ABORTED);
        expected.put(Refusal.CHANNEL_BUSY, Status.Code.FAILED_PRECONDITION);
        expected.put(Refusal.STORE_UNAVAILABLE, Status.Code.INTERNAL);
        assertThat(expected).as("the table covers every refusal").hasSize(Refusal.values().length);
        expected.forEach((refusal, code) -> assertThat(
                StatusMapping.statusOf(new Decision.Refused(refusal, "why")).getCode()).as(refusal.name()).isEqualTo(code));
    }

    @Test
    void theStatusDescriptionNamesTheRefusalAndItsMessage() {
        Status status = StatusMapping.statusOf(new Decision.Refused(Refusal.INCORRECT_NONCE, "latest nonce: 2"));
        assertThat(status.getDescription()).isEqualTo("INCORRECT_NONCE: latest nonce: 2");
    }
}
