package io.escrowstore.raft.internal.replication;

import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.CH;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.GROUP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.STAMP;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.chain;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.claimRequest;
import static io.escrowstore.raft.internal.replication.PaymentStateMachineTest.stamped;
import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.remoting.exception.DeserializationException;
import com.google.protobuf.ByteString;
import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.Member;
import io.escrowstore.RequestId;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.ForwardReply;
import io.escrowstore.raft.proto.EscrowProto.ForwardRequest;
import io.escrowstore.raft.proto.EscrowProto.ForwardResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.admin.AdminProcessor;
import io.escrowstore.raft.internal.ledger.ChannelLedger;
import io.escrowstore.raft.internal.ledger.CommandApplier;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.ledger.DedupTable;
import io.escrowstore.raft.internal.transport.RpcSerializer;

/**
 * Random and mutated messages against every decoder of network bytes and the value types they
 * build: the only failure allowed is the documented refusal (IllegalArgumentException,
 * DeserializationException), and a refused log entry leaves the state exactly as it was. Plain
 * JUnit with fixed seeds and bounded counts, so a failure reproduces and the suite stays fast.
 */
class HostileInputFuzzTest {
    private static final int TRIES = 4_000;

    private static final List<byte[]> VALID_COMMANDS = List.of(
            Commands.sync(chain(CH, 0, 100, GROUP), new RequestId("s0")),
            Commands.claim(claimRequest("r1", 0, 10, 10)),
            Commands.claim(claimRequest("r2", 0, 20, 10)),
            Commands.sync(chain(CH, 1, 1_000, GROUP), new RequestId("s1")));

    /** Each command alone in an entry, then entries of several commands. */
    private static final List<byte[]> VALID_ENTRIES = List.of(
            stamped(VALID_COMMANDS.get(0)),
            stamped(VALID_COMMANDS.get(1)),
            stamped(VALID_COMMANDS.get(2)),
            stamped(VALID_COMMANDS.get(3)),
            Entries.of(STAMP, VALID_COMMANDS.get(1), VALID_COMMANDS.get(2)),
            Entries.of(STAMP, VALID_COMMANDS.get(3), VALID_COMMANDS.get(1), VALID_COMMANDS.get(0)));

    @Test
    void commandDecoderRefusesOrAcceptsButNeverBreaks() {
        Random random = new Random(7);
        for (int i = 0; i < TRIES; i++) {
            byte[] input = i % 2 == 0 ? randomBytes(random) : mutate(pick(random, VALID_COMMANDS), random);
            try {
                Commands.decode(ByteBuffer.wrap(input));
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).as("a refusal says why").isNotBlank();
            }
        }
    }

    @Test
    void entryDecoderRefusesOrAcceptsButNeverBreaks() {
        Random random = new Random(9);
        for (int i = 0; i < TRIES; i++) {
            byte[] input = i % 2 == 0 ? randomBytes(random) : mutate(pick(random, VALID_ENTRIES), random);
            try {
                Commands.decodeEntry(ByteBuffer.wrap(input)).commands().forEach(Commands::decode);
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).as("a refusal says why").isNotBlank();
            }
        }
    }

    @Test
    void refusedEntriesAndCommandsLeaveTheStateUntouchedAndNoneThrowsAnythingElse() throws Exception {
        Random random = new Random(11);
        ChannelLedger ledger = new ChannelLedger(GROUP);
        DedupTable dedup = new DedupTable();
        CommandApplier applier = new CommandApplier(ledger, dedup);
        long index = 1;
        for (byte[] valid : VALID_ENTRIES) {
            applier.apply(ByteBuffer.wrap(valid), index++);
        }
        int refused = 0;
        for (int i = 0; i < TRIES; i++) {
            byte[] entry = i % 4 == 0 ? randomBytes(random) : mutate(pick(random, VALID_ENTRIES), random);
            byte[] before = digest(ledger, dedup);
            try {
                List<CommandResult> results = applier.apply(ByteBuffer.wrap(entry), index++);
                if (results.stream().allMatch(CommandResult::hasInvalid)) {
                    refused++;
                    assertThat(digest(ledger, dedup)).as("every command of %s refused but the state changed",
                            Arrays.toString(entry)).isEqualTo(before);
                }
            } catch (IllegalArgumentException e) {
                refused++;
                assertThat(digest(ledger, dedup)).as("entry %s refused but changed the state",
                        Arrays.toString(entry)).isEqualTo(before);
            }
        }
        assertThat(refused).as("the mutations exercise the refusals").isGreaterThan(TRIES / 4);
    }

    @Test
    void rpcMessagesAreParsedOrRefusedByTheSerializer() {
        Random random = new Random(13);
        List<byte[]> valid = List.of(
                ForwardRequest.newBuilder().setGroup("g").addCommands(ByteString.copyFrom(VALID_COMMANDS.get(1)))
                        .addCommands(ByteString.copyFrom(VALID_COMMANDS.get(0))).build().toByteArray(),
                AdminRequest.newBuilder().setGroup("g").setKind(AdminRequest.Kind.ADD_MEMBER).setMember("10.0.0.1:7001")
                        .setTimeoutMillis(1_000).build().toByteArray(),
                ForwardReply.newBuilder()
                        .addResponses(ForwardResponse.newBuilder().setStatus(ForwardResponse.Status.NOT_LEADER)
                                .setLeaderHint("h:1"))
                        .addResponses(ForwardResponse.newBuilder().setStatus(ForwardResponse.Status.BAD_REQUEST)
                                .setError("not a command"))
                        .build().toByteArray(),
                AdminResponse.newBuilder().setStatus(AdminResponse.Status.OK).build().toByteArray());
        List<String> classes = List.of(ForwardRequest.class.getName(), AdminRequest.class.getName(),
                ForwardReply.class.getName(), AdminResponse.class.getName(), ForwardResponse.class.getName(),
                "java.lang.Runtime");
        for (int i = 0; i < TRIES; i++) {
            byte[] input = i % 2 == 0 ? randomBytes(random) : mutate(pick(random, valid), random);
            try {
                RpcSerializer.parse(pick(random, classes), input);
            } catch (DeserializationException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        }
        long refusedBefore = RpcSerializer.refused();
        try {
            RpcSerializer.parse(ForwardRequest.class.getName(), new byte[RpcSerializer.MAX_MESSAGE_BYTES + 1]);
            throw new AssertionError("an oversized message was parsed");
        } catch (DeserializationException expected) {
            assertThat(expected.getMessage()).contains("exceeds");
        }
        assertThat(RpcSerializer.refused()).as("every refusal is counted").isEqualTo(refusedBefore + 1);
    }

    @Test
    void adminRequestsThatParseAreValidatedWithoutThrowing() throws Exception {
        Random random = new Random(17);
        AdminProcessor processor = new AdminProcessor("g", null, null);
        byte[] valid = AdminRequest.newBuilder().setGroup("g").setKind(AdminRequest.Kind.REPLACE_MEMBER)
                .setMember("10.0.0.1:7001").setReplacement("10.0.0.2:7001").setTimeoutMillis(1_000).build().toByteArray();
        int parsed = 0;
        for (int i = 0; i < TRIES; i++) {
            AdminRequest request;
            try {
                request = (AdminRequest) RpcSerializer.parse(AdminRequest.class.getName(), mutate(valid, random));
            } catch (DeserializationException refused) {
                continue;
            }
            parsed++;
            processor.validate(request); // a reason or null; never an exception
        }
        assertThat(parsed).isGreaterThan(TRIES / 10);
    }

    @Test
    void valueTypesRefuseBadInputWithIllegalArgumentOnly() {
        Random random = new Random(19);
        for (int i = 0; i < TRIES; i++) {
            String text = randomText(random);
            expectRefusalOrValue(() -> Member.parse(text));
            expectRefusalOrValue(() -> new RequestId(text));
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            expectRefusalOrValue(() -> new Address(bytes));
            long id = random.nextLong();
            expectRefusalOrValue(() -> ChannelId.of(id));
        }
    }

    private static void expectRefusalOrValue(Runnable construct) {
        try {
            construct.run();
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    private static byte[] digest(ChannelLedger ledger, DedupTable dedup) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ledger.digestInto(sha);
        dedup.digestInto(sha);
        return sha.digest();
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String randomText(Random random) {
        String alphabet = "0123456789abcxyz.:-_ \u00e9\u0000/[]%:";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(random.nextBoolean() ? 20 : 400);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return new String(text.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    /** One to four random edits: bit flips, overwritten bytes, truncation, insertion, huge varints. */
    private static byte[] mutate(byte[] valid, Random random) {
        byte[] out = valid.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length > 0; e++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(5)) {
                case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[at] = (byte) random.nextInt(256);
                case 2 -> out = Arrays.copyOf(out, at);
                case 3 -> {
                    byte[] longer = new byte[out.length + 1 + random.nextInt(8)];
                    System.arraycopy(out, 0, longer, 0, at);
                    for (int k = at; k < at + longer.length - out.length; k++) {
                        longer[k] = (byte) random.nextInt(256);
                    }
                    System.arraycopy(out, at, longer, at + longer.length - out.length, out.length - at);
                    out = longer;
                }
                default -> {
                    for (int k = at; k < Math.min(out.length, at + 5); k++) {
                        out[k] = (byte) 0xff;
                    }
                }
            }
        }
        return out;
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
