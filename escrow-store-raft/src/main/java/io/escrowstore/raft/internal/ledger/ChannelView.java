package io.escrowstore.raft.internal.ledger;

import io.escrowstore.ChannelState;
import io.escrowstore.Settlement;
import java.util.Optional;

/**
 * One channel as an operator inspects it, read at one applied index: its state, the reservation
 * blocking it now (if any), and its settlement started and not yet seen claimed on chain (if any).
 */
public record ChannelView(ChannelState state, Optional<Reservation> reservation, Optional<Settlement> settlement) {
}
