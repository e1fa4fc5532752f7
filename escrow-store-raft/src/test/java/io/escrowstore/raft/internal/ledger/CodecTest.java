package io.escrowstore.raft.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
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
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.ReserveResult;
import io.escrowstore.Reserved;
import io.escrowstore.Settlement;
import io.escrowstore.SettlementResult;
import io.escrowstore.SettlementStarted;
import io.escrowstore.Signature;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import io.escrowstore.raft.proto.EscrowProto.ChainChannelMsg;
import io.escrowstore.raft.proto.EscrowProto.ChannelStateMsg;
import io.escrowstore.raft.proto.EscrowProto.ClaimCommand;
import io.escrowstore.raft.proto.EscrowProto.Command;
import io.escrowstore.raft.proto.EscrowProto.CommandResult;
import io.escrowstore.raft.proto.EscrowProto.EntryStamp;
import io.escrowstore.raft.proto.EscrowProto.RejectCode;
import io.escrowstore.raft.proto.EscrowProto.Rejection;
import io.escrowstore.raft.proto.EscrowProto.SyncCommand;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import io.escrowstore.raft.internal.replication.Entries;

class CodecTest {
    static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    static final BigInteger HALF = BigInteger.ONE.shiftLeft(255);
    static final GroupId GROUP = new GroupId(counting(GroupId.LENGTH, 1));
    static final Address SENDER = new Address(counting(Address.LENGTH, 2));
    static final Address SIGNER = new Address(counting(Address.LENGTH, 3));
    static final Address RECIPIENT = new Address(counting(Address.LENGTH, 4));
    static final Signature SIG = new Signature(counting(Signature.LENGTH, 5));

    static byte[] counting(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }

    static Stream<BigInteger> edgeValues() {
        return Stream.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(127), BigInteger.valueOf(128),
                BigInteger.valueOf(255), BigInteger.valueOf(256), HALF.subtract(BigInteger.ONE), HALF, MAX);
    }

    static ChainChannel chain(BigInteger v) {
        return new ChainChannel(new ChannelId(v), v, SENDER, SIGNER, RECIPIENT, GROUP, v, v);
    }

    static ChannelState state(BigInteger v, Optional<Signature> signature, long revision) {
        return new ChannelState(new ChannelId(v), v, SENDER, SIGNER, RECIPIENT, GROUP, v, v, v, signature, revision);
    }

    static ClaimRequest claim(BigInteger v) {
        BigInteger price = v.signum() == 0 ? BigInteger.ONE : v;
        return new ClaimRequest(new Payment(new ChannelId(v), v, v, SIG), price, new RequestId("replica-7/000042"),
                Optional.empty());
    }

    static final RequestId SYNC_ID = new RequestId("sync/0001");

    /** A sync command as a replica proposes it. */
    static byte[] encodeSync(ChainChannel chain) {
        return Commands.sync(chain, SYNC_ID);
    }

    static Command decode(byte[] bytes) {
        return Commands.decode(ByteBuffer.wrap(bytes));
    }

    /** The claim of a decoded command, with the request id of its envelope, as the state machine reads it. */
    static ClaimRequest claimOf(Command command) {
        return ProtoMapper.fromMsg(command.getClaim(), new RequestId(command.getRequestId()));
    }

    @Nested
    class CommandRoundTrips {
        @Test
        void aStampedSubmissionCarriesItsBatchKeySoTheRouterNeedNotDecodeIt() {
            ClaimRequest request = claim(BigInteger.TEN);

            Commands.Submission submission = Commands.stamped(Commands.claim(request), 42);

            Command command = decode(submission.command());
            assertThat(command.getSubmittedAfterIndex()).isEqualTo(42);
            assertThat(submission.batchKey()).isEqualTo(Commands.batchKey(command))
                    .isEqualTo(command.getClaim().getChannelId()).isNotEqualTo(ByteString.EMPTY);
        }

        @ParameterizedTest
        @MethodSource("io.escrowstore.raft.internal.ledger.CodecTest#edgeValues")
        void claimWithoutChainViewRoundTrips(BigInteger v) {
            ClaimRequest request = claim(v);

            Command command = decode(Commands.claim(request));

            assertThat(command.getFormatVersion()).isEqualTo(Commands.FORMAT_VERSION);
            assertThat(command.getBodyCase()).isEqualTo(Command.BodyCase.CLAIM);
            assertThat(command.getClaim().hasChainView()).isFalse();
            assertThat(command.getRequestId()).isEqualTo(request.requestId().value());
            assertThat(ProtoMapper.fromMsg(command.getClaim(), request.requestId())).isEqualTo(request);
        }

        @ParameterizedTest
        @MethodSource("io.escrowstore.raft.internal.ledger.CodecTest#edgeValues")
        void claimWithChainViewRoundTrips(BigInteger v) {
            ClaimRequest request = claim(v).withChainView(chain(v));

            Command command = decode(Commands.claim(request));

            assertThat(command.getClaim().hasChainView()).isTrue();
            ClaimRequest decoded = ProtoMapper.fromMsg(command.getClaim(), new RequestId(command.getRequestId()));
            assertThat(decoded).isEqualTo(request);
            assertThat(decoded.chainView()).contains(chain(v));
        }

        @ParameterizedTest
        @MethodSource("io.escrowstore.raft.internal.ledger.CodecTest#edgeValues")
        void syncRoundTrips(BigInteger v) {
            ChainChannel view = chain(v);

            RequestId id = new RequestId("replica-3/" + v.bitLength());

            Command command = decode(Commands.sync(view, id));

            assertThat(command.getBodyCase()).isEqualTo(Command.BodyCase.SYNC);
            assertThat(ProtoMapper.fromMsg(command.getSync().getChain())).isEqualTo(view);
            assertThat(command.getRequestId()).isEqualTo(id.value());
        }

        @Test
        void mixedValuesKeepTheirFields() {
            ChainChannel view = new ChainChannel(ChannelId.of(9), BigInteger.ZERO, SENDER, SIGNER, RECIPIENT, GROUP,
                    MAX, HALF);
            ClaimRequest request = new ClaimRequest(new Payment(ChannelId.of(9), BigInteger.TWO, HALF, SIG), MAX,
                    new RequestId("!~"), Optional.of(view));

            assertThat(claimOf(decode(Commands.claim(request)))).isEqualTo(request);
            assertThat(ProtoMapper.fromMsg(decode(encodeSync(view)).getSync().getChain())).isEqualTo(view);
        }

        @Test
        void decodeHonoursTheBufferPositionAndDoesNotConsumeIt() {
            byte[] encoded = encodeSync(chain(BigInteger.TEN));
            byte[] framed = new byte[encoded.length + 6];
            System.arraycopy(encoded, 0, framed, 3, encoded.length);
            ByteBuffer buffer = ByteBuffer.wrap(framed, 3, encoded.length);

            Command first = Commands.decode(buffer);
            Command second = Commands.decode(buffer);

            assertThat(first).isEqualTo(second);
            assertThat(buffer.position()).isEqualTo(3);
            assertThat(ProtoMapper.fromMsg(first.getSync().getChain())).isEqualTo(chain(BigInteger.TEN));
        }

        @ParameterizedTest
        @MethodSource("io.escrowstore.raft.internal.ledger.CodecTest#edgeValues")
        void channelStateRoundTrips(BigInteger v) {
            ChannelState withSig = state(v, Optional.of(SIG), Long.MAX_VALUE);
            ChannelState without = state(v, Optional.empty(), 0);

            assertThat(ProtoMapper.fromMsg(ProtoMapper.toMsg(withSig))).isEqualTo(withSig);
            assertThat(ProtoMapper.fromMsg(ProtoMapper.toMsg(without))).isEqualTo(without);
        }
    }

    @Nested
    class DecodeRefuses {
        @Test
        void nullAndEmpty() {
            assertThatThrownBy(() -> Commands.decode((ByteBuffer) null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> Commands.decode(ByteBuffer.allocate(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            ByteBuffer consumed = ByteBuffer.wrap(encodeSync(chain(BigInteger.ONE)));
            consumed.position(consumed.limit());
            assertThatThrownBy(() -> Commands.decode(consumed))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        }

        @Test
        void oversized() {
            byte[] valid = encodeSync(chain(BigInteger.ONE));
            byte[] padded = Arrays.copyOf(valid, Commands.MAX_COMMAND_BYTES + 1);

            assertThatThrownBy(() -> decode(padded))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(Commands.MAX_COMMAND_BYTES + 1));
        }

        @Test
        void oversizedEvenIfOtherwiseAValidCommand() {
            // a request id is bounded, but unknown fields are not: pad a valid command with an unknown field
            byte[] valid = encodeSync(chain(BigInteger.ONE));
            Command padded = Command.newBuilder(decode(valid))
                    .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                            .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                    .addLengthDelimited(ByteString.copyFrom(new byte[Commands.MAX_COMMAND_BYTES]))
                                    .build())
                            .build())
                    .build();

            assertThatThrownBy(() -> decode(padded.toByteArray()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exceeds");
        }

        @Test
        void exactlyMaxSizeIsNotRefusedForItsSize() {
            byte[] valid = encodeSync(chain(BigInteger.ONE));
            int unknownOverhead = 2 + 3; // varint tag of field 99 + varint length of tens of thousands of bytes
            int fill = Commands.MAX_COMMAND_BYTES - valid.length - unknownOverhead;
            Command padded = Command.newBuilder(decode(valid))
                    .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                            .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                    .addLengthDelimited(ByteString.copyFrom(new byte[fill]))
                                    .build())
                            .build())
                    .build();
            byte[] bytes = padded.toByteArray();
            assertThat(bytes.length).isEqualTo(Commands.MAX_COMMAND_BYTES);

            assertThat(ProtoMapper.fromMsg(decode(bytes).getSync().getChain())).isEqualTo(chain(BigInteger.ONE));
        }

        @Test
        void garbageBytes() {
            Random random = new Random(42);
            int refused = 0;
            for (int i = 0; i < 200; i++) {
                byte[] garbage = new byte[1 + random.nextInt(300)];
                random.nextBytes(garbage);
                try {
                    Command command = decode(garbage);
                    // a random prefix that happens to be a well-formed envelope must still fail validation
                    if (command.getBodyCase() == Command.BodyCase.CLAIM) {
                        assertThatThrownBy(() -> claimOf(command)).isInstanceOf(IllegalArgumentException.class);
                    } else if (command.getBodyCase() == Command.BodyCase.SYNC) {
                        assertThatThrownBy(() -> ProtoMapper.fromMsg(command.getSync().getChain()))
                                .isInstanceOf(IllegalArgumentException.class);
                    }
                } catch (IllegalArgumentException expected) {
                    refused++;
                }
            }
            assertThat(refused).isGreaterThan(150);
        }

        @Test
        void truncatedCommand() {
            byte[] valid = Commands.claim(claim(MAX).withChainView(chain(MAX)));
            for (int length = 1; length < valid.length; length++) {
                byte[] truncated = Arrays.copyOf(valid, length);
                assertThatThrownBy(() -> {
                    Command command = decode(truncated);
                    claimOf(command);
                }).as("first %d of %d bytes", length, valid.length).isInstanceOf(IllegalArgumentException.class);
            }
        }

        @Test
        void invalidProtobuf() {
            // field 1 as a length-delimited value running past the end
            assertThatThrownBy(() -> decode(new byte[] {0x0a, 0x7f, 0x01}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a command");
        }

        @Test
        void wrongFormatVersion() {
            Command good = decode(encodeSync(chain(BigInteger.ONE)));
            for (int version : new int[] {0, 2, Integer.MAX_VALUE}) {
                byte[] bytes = good.toBuilder().setFormatVersion(version).build().toByteArray();
                assertThatThrownBy(() -> decode(bytes))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("format version " + Integer.toUnsignedString(version));
            }
        }

        @Test
        void noBody() {
            byte[] bytes = Command.newBuilder().setFormatVersion(Commands.FORMAT_VERSION).build().toByteArray();

            assertThatThrownBy(() -> decode(bytes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no known body");
        }

        @Test
        void bodyFromANewerBuild() {
            // an unknown oneof member (fields 10..17 are known, so use field 99) reads as no body
            byte[] known = Command.newBuilder().setFormatVersion(Commands.FORMAT_VERSION).setRequestId("r")
                    .build().toByteArray();
            int tag = 99 << 3 | 2;
            byte[] bytes = Arrays.copyOf(known, known.length + 3);
            bytes[known.length] = (byte) (tag & 0x7F | 0x80);
            bytes[known.length + 1] = (byte) (tag >>> 7);
            bytes[known.length + 2] = 0;

            assertThatThrownBy(() -> decode(bytes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no known body");
        }

        @Test
        void syncWithoutChainIsRefusedByTheMapper() {
            byte[] bytes = Command.newBuilder().setFormatVersion(Commands.FORMAT_VERSION)
                    .setSync(SyncCommand.getDefaultInstance()).build().toByteArray();

            Command command = decode(bytes);

            assertThatThrownBy(() -> ProtoMapper.fromMsg(command.getSync().getChain()))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void claimWithChainViewOfAnotherChannelIsRefusedByTheMapper() {
            ClaimCommand msg = ProtoMapper.toMsg(claim(BigInteger.TEN)).toBuilder()
                    .setChainView(ProtoMapper.toMsg(chain(BigInteger.TWO)))
                    .build();

            assertThatThrownBy(() -> ProtoMapper.fromMsg(msg, new RequestId("r")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("chainView");
        }

        @Test
        void claimWithZeroPriceOrBadRequestIdIsRefusedByTheMapper() {
            ClaimCommand good = ProtoMapper.toMsg(claim(BigInteger.TEN));
            RequestId id = new RequestId("r");

            assertThatThrownBy(() -> ProtoMapper.fromMsg(good.toBuilder().clearPrice().build(), id))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("price");
            assertThatThrownBy(() -> ProtoMapper.fromMsg(good, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("requestId");
            assertThatThrownBy(() -> ProtoMapper.fromMsg(good.toBuilder().setSignature(ByteString.EMPTY).build(), id))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("signature");
        }

        @Test
        void claimBodyNoLongerCarriesARequestIdTheEnvelopeDoes() {
            Command command = decode(Commands.claim(claim(BigInteger.TEN)));

            assertThat(command.getRequestId()).isEqualTo("replica-7/000042");
            assertThat(ClaimCommand.getDescriptor().findFieldByNumber(6)).isNull();
            assertThat(command.getClaim().getUnknownFields().asMap()).isEmpty();
        }

        @Test
        void wrongAddressLengthIsRefusedByTheMapper() {
            ChainChannelMsg msg = ProtoMapper.toMsg(chain(BigInteger.ONE)).toBuilder()
                    .setSigner(ByteString.copyFrom(new byte[21]))
                    .build();

            assertThatThrownBy(() -> ProtoMapper.fromMsg(msg))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("address");
        }

        @Test
        void negativeRevisionIsRefusedByTheMapper() {
            ChannelStateMsg msg = ProtoMapper.toMsg(state(BigInteger.ONE, Optional.empty(), 1)).toBuilder()
                    .setRevision(-1)
                    .build();

            assertThatThrownBy(() -> ProtoMapper.fromMsg(msg))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("revision");
        }
    }

    @Nested
    class Uint256Encoding {
        @ParameterizedTest
        @MethodSource("io.escrowstore.raft.internal.ledger.CodecTest#edgeValues")
        void encodingIsMinimalBigEndianAndRoundTrips(BigInteger v) {
            ByteString bytes = ProtoMapper.uint256(v);

            assertThat(bytes.size()).isEqualTo((v.bitLength() + 7) / 8);
            assertThat(bytes.size()).isLessThanOrEqualTo(32);
            if (!bytes.isEmpty()) {
                assertThat(bytes.byteAt(0)).isNotZero();
            }
            assertThat(ProtoMapper.uint256(bytes, "x")).isEqualTo(v);
        }

        @Test
        void zeroIsEmptyAndMaxIs32BytesOfOnes() {
            assertThat(ProtoMapper.uint256(BigInteger.ZERO)).isEqualTo(ByteString.EMPTY);
            byte[] ones = new byte[32];
            Arrays.fill(ones, (byte) 0xff);
            assertThat(ProtoMapper.uint256(MAX).toByteArray()).containsExactly(ones);
            assertThat(ProtoMapper.uint256(ByteString.copyFrom(ones), "x")).isEqualTo(MAX);
        }

        @Test
        void refuses33Bytes() {
            byte[] bytes = new byte[33];
            bytes[0] = 1;

            assertThatThrownBy(() -> ProtoMapper.uint256(ByteString.copyFrom(bytes), "amount"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("amount ")
                    .hasMessageContaining("33");
        }

        @Test
        void refusesALeadingZeroByte() {
            assertThatThrownBy(() -> ProtoMapper.uint256(ByteString.copyFrom(new byte[] {0, 5}), "nonce"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("nonce ")
                    .hasMessageContaining("leading zero");
            assertThatThrownBy(() -> ProtoMapper.uint256(ByteString.copyFrom(new byte[] {0}), "nonce"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("leading zero");
        }

        @Test
        void highBitSetIsReadAsUnsigned() {
            assertThat(ProtoMapper.uint256(ByteString.copyFrom(new byte[] {(byte) 0x80}), "x"))
                    .isEqualTo(BigInteger.valueOf(128));
        }

        @Test
        void oversizedFieldInsideACommandIsRefused() {
            byte[] bytes = new byte[33];
            bytes[0] = 1;
            ClaimCommand msg = ProtoMapper.toMsg(claim(BigInteger.TEN)).toBuilder()
                    .setAmount(ByteString.copyFrom(bytes))
                    .build();
            byte[] command = Command.newBuilder().setFormatVersion(Commands.FORMAT_VERSION).setRequestId("r")
                    .setClaim(msg).build().toByteArray();

            assertThatThrownBy(() -> claimOf(decode(command)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("amount ");
        }
    }

    @Nested
    class ResultRoundTrips {
        private final ChannelState state = state(HALF, Optional.of(SIG), 77);
        private final ChannelState unsigned = state(BigInteger.ZERO, Optional.empty(), 3);

        @Test
        void acceptedRoundTrips() {
            Accepted accepted = new Accepted(state);

            CommandResult msg = Results.toMsg((ClaimResult) accepted);

            assertThat(msg.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.ACCEPTED);
            assertThat(Results.claimResult(msg)).isEqualTo(accepted);
        }

        @ParameterizedTest
        @EnumSource(RejectReason.class)
        void rejectedWithStateRoundTripsAsClaimAndSyncResult(RejectReason reason) {
            Rejected rejected = new Rejected(reason, Optional.of(state));

            CommandResult asClaim = Results.toMsg((ClaimResult) rejected);
            CommandResult asSync = Results.toMsg((SyncResult) rejected);

            assertThat(asClaim.getRejected().getCode().name()).isEqualTo(reason.name());
            assertThat(Results.claimResult(asClaim)).isEqualTo(rejected);
            assertThat(Results.syncResult(asSync)).isEqualTo(rejected);
        }

        @ParameterizedTest
        @EnumSource(RejectReason.class)
        void rejectedWithoutStateRoundTrips(RejectReason reason) {
            Rejected rejected = new Rejected(reason, Optional.empty());

            CommandResult msg = Results.toMsg((ClaimResult) rejected);

            assertThat(msg.getRejected().hasState()).isFalse();
            assertThat(Results.claimResult(msg)).isEqualTo(rejected);
            assertThat(Results.syncResult(msg)).isEqualTo(rejected);
        }

        @Test
        void syncedRoundTrips() {
            Synced synced = new Synced(unsigned);

            CommandResult msg = Results.toMsg((SyncResult) synced);

            assertThat(msg.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.SYNCED);
            assertThat(Results.syncResult(msg)).isEqualTo(synced);
        }

        @Test
        void resultsSurviveSerialization() throws Exception {
            CommandResult msg = Results.toMsg((ClaimResult) new Rejected(RejectReason.NONCE_MISMATCH,
                    Optional.of(state)));

            CommandResult parsed = CommandResult.parseFrom(msg.toByteArray());

            assertThat(Results.claimResult(parsed)).isEqualTo(new Rejected(RejectReason.NONCE_MISMATCH,
                    Optional.of(state)));
        }

        @Test
        void invalidResultIsNotAClaimOrSyncResult() {
            CommandResult invalid = Results.invalid("garbage at index 12");

            assertThat(invalid.getInvalid()).isEqualTo("garbage at index 12");
            assertThatThrownBy(() -> Results.claimResult(invalid))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid")
                    .hasMessageContaining("garbage at index 12");
            assertThatThrownBy(() -> Results.syncResult(invalid))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("garbage at index 12");
        }

        @Test
        void outcomeOfTheOtherOperationIsRefused() {
            CommandResult synced = Results.toMsg((SyncResult) new Synced(state));
            CommandResult accepted = Results.toMsg((ClaimResult) new Accepted(state));

            assertThatThrownBy(() -> Results.claimResult(synced)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Results.syncResult(accepted)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Results.claimResult(CommandResult.getDefaultInstance()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Results.syncResult(CommandResult.getDefaultInstance()))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void unknownRejectCodesAreRefused() {
            CommandResult unspecified = CommandResult.newBuilder()
                    .setRejected(Rejection.newBuilder().setCode(RejectCode.REJECT_CODE_UNSPECIFIED)).build();
            CommandResult future = CommandResult.newBuilder()
                    .setRejected(Rejection.newBuilder().setCodeValue(99)).build();

            assertThatThrownBy(() -> Results.claimResult(unspecified)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Results.syncResult(future))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("99");
        }

        @Test
        void everyRejectReasonHasAWireCode() {
            for (RejectReason reason : RejectReason.values()) {
                assertThat(RejectCode.valueOf(reason.name()).getNumber()).isPositive();
            }
        }
    }

    @Nested
    class LifecycleCommandRoundTrips {
        @ParameterizedTest
        @MethodSource("io.escrowstore.raft.internal.ledger.CodecTest#edgeValues")
        void reserveRoundTripsWithItsLease(BigInteger v) {
            ClaimRequest request = claim(v).withChainView(chain(v));

            Command command = decode(Commands.reserve(request, 3_600_000));

            assertThat(command.getBodyCase()).isEqualTo(Command.BodyCase.RESERVE);
            assertThat(command.getRequestId()).isEqualTo(request.requestId().value());
            assertThat(command.getReserve().getLeaseMillis()).isEqualTo(3_600_000);
            assertThat(ProtoMapper.fromMsg(command.getReserve().getClaim(), request.requestId())).isEqualTo(request);
        }

        @ParameterizedTest
        @ValueSource(longs = {1, 2, 1_000_000_007L, Long.MAX_VALUE})
        void commitAndReleaseCarryTheReservationAndTheirOwnRequestIds(long value) {
            ReservationId id = new ReservationId(value);

            Command commit = decode(Commands.commit(id));
            Command release = decode(Commands.release(id));

            assertThat(commit.getBodyCase()).isEqualTo(Command.BodyCase.COMMIT);
            assertThat(commit.getCommit().getReservationId()).isEqualTo(value);
            assertThat(commit.getRequestId()).isEqualTo(id.commitRequestId().value());
            assertThat(release.getBodyCase()).isEqualTo(Command.BodyCase.RELEASE);
            assertThat(release.getRelease().getReservationId()).isEqualTo(value);
            assertThat(release.getRequestId()).isEqualTo(id.releaseRequestId().value());
        }

        @Test
        void startSettlementsKeepsTheChannelsInOrder() {
            List<ChannelId> ids = List.of(ChannelId.of(9), new ChannelId(MAX), new ChannelId(BigInteger.ZERO),
                    ChannelId.of(1));
            RequestId requestId = new RequestId("settle/7");

            Command command = decode(Commands.startSettlements(ids, requestId));

            assertThat(command.getBodyCase()).isEqualTo(Command.BodyCase.START_SETTLEMENTS);
            assertThat(command.getRequestId()).isEqualTo("settle/7");
            assertThat(command.getStartSettlements().getChannelIdsList())
                    .extracting(bytes -> new ChannelId(ProtoMapper.uint256(bytes, "channelId")))
                    .containsExactlyElementsOf(ids);
        }

        @ParameterizedTest
        @MethodSource("io.escrowstore.raft.internal.ledger.CodecTest#edgeValues")
        void finishSettlementsRoundTrips(BigInteger v) {
            Command command = decode(Commands.finishSettlements(new ChannelId(v), v, new RequestId("finish/1")));

            assertThat(command.getBodyCase()).isEqualTo(Command.BodyCase.FINISH_SETTLEMENTS);
            assertThat(command.getRequestId()).isEqualTo("finish/1");
            assertThat(ProtoMapper.uint256(command.getFinishSettlements().getChannelId(), "channelId")).isEqualTo(v);
            assertThat(ProtoMapper.uint256(command.getFinishSettlements().getChainNonce(), "chainNonce")).isEqualTo(v);
        }

        @Test
        void decodeRefusesMoreSettlementChannelsThanOneEntryMayName() {
            List<ChannelId> tooMany = LongStream.rangeClosed(1, Commands.MAX_SETTLEMENT_CHANNELS + 1)
                    .mapToObj(ChannelId::of).toList();
            byte[] bytes = Commands.startSettlements(tooMany, new RequestId("settle/many"));
            assertThat(bytes.length).isLessThan(Commands.MAX_COMMAND_BYTES);

            assertThatThrownBy(() -> decode(bytes))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(Commands.MAX_SETTLEMENT_CHANNELS + 1));
        }

        @Test
        void theLargestSettlementInAnEntryStampedByALeaderStillDecodes() {
            List<ChannelId> most = LongStream.rangeClosed(1, Commands.MAX_SETTLEMENT_CHANNELS)
                    .mapToObj(i -> new ChannelId(MAX.subtract(BigInteger.valueOf(i)))).toList();
            byte[] settlement = Commands.startSettlements(most, new RequestId("x".repeat(RequestId.MAX_LENGTH)));
            byte[] entry = Entries.one(settlement, EntryStamp.newBuilder().setLeaderTimeMillis(Long.MAX_VALUE)
                    .setDedupMaxEntries(Integer.MAX_VALUE).setDedupRetentionMillis(Long.MAX_VALUE).build());

            Command command = Commands.decode(Commands.decodeEntry(ByteBuffer.wrap(entry)).commands().get(0));

            assertThat(command.getStartSettlements().getChannelIdsCount()).isEqualTo(Commands.MAX_SETTLEMENT_CHANNELS);
            assertThat(settlement.length).isLessThanOrEqualTo(Commands.MAX_COMMAND_BYTES);
        }

        @Test
        void reservationAndSettlementValuesRoundTrip() {
            Reservation reservation = new Reservation(new ReservationId(Long.MAX_VALUE), new ChannelId(MAX),
                    new RequestId("owner/1"), HALF, MAX, SIG, BigInteger.ONE, Long.MAX_VALUE, 3_600_000);
            Settlement settlement = new Settlement(new ChannelId(MAX), HALF, MAX, SIG);

            assertThat(ProtoMapper.fromMsg(ProtoMapper.toMsg(reservation))).isEqualTo(reservation);
            assertThat(ProtoMapper.fromMsg(ProtoMapper.toMsg(settlement))).isEqualTo(settlement);
        }
    }

    @Nested
    class LifecycleResultRoundTrips {
        private final ChannelState state = state(HALF, Optional.of(SIG), 77);
        private final ChannelState unsigned = state(BigInteger.ZERO, Optional.empty(), 3);

        @Test
        void reservedRoundTrips() {
            Reserved reserved = new Reserved(new ReservationId(12), unsigned, Instant.ofEpochMilli(1_700_000_001_000L));

            CommandResult msg = Results.toMsg((ReserveResult) reserved);

            assertThat(msg.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.RESERVED);
            assertThat(Results.reserveResult(msg)).isEqualTo(reserved);
        }

        @Test
        void releasedRoundTrips() {
            Released released = new Released(state);

            CommandResult msg = Results.toMsg((ReleaseResult) released);

            assertThat(msg.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.RELEASED);
            assertThat(Results.releaseResult(msg)).isEqualTo(released);
        }

        @ParameterizedTest
        @EnumSource(RejectReason.class)
        void rejectedRoundTripsAsReserveAndReleaseResult(RejectReason reason) {
            Rejected withState = new Rejected(reason, Optional.of(state));
            Rejected without = new Rejected(reason, Optional.empty());

            assertThat(Results.reserveResult(Results.toMsg((ReserveResult) withState))).isEqualTo(withState);
            assertThat(Results.releaseResult(Results.toMsg((ReleaseResult) without))).isEqualTo(without);
        }

        @Test
        void settlementsMapWithStartedAndRejectedChannelsRoundTripsInOrder() {
            Map<ChannelId, SettlementResult> results = new LinkedHashMap<>();
            results.put(ChannelId.of(9), new SettlementStarted(new Settlement(ChannelId.of(9), HALF, MAX, SIG), state));
            results.put(ChannelId.of(1), new Rejected(RejectReason.UNKNOWN_CHANNEL, Optional.empty()));
            results.put(ChannelId.of(5), new Rejected(RejectReason.SETTLEMENT_PENDING, Optional.of(unsigned)));
            results.put(new ChannelId(MAX), new Rejected(RejectReason.NOTHING_TO_SETTLE, Optional.of(state)));
            results.put(ChannelId.of(3), new SettlementStarted(
                    new Settlement(ChannelId.of(3), BigInteger.ZERO, BigInteger.ONE, SIG), unsigned));

            CommandResult msg = Results.toMsg(results);
            Map<ChannelId, SettlementResult> decoded = Results.settlementResults(msg);

            assertThat(msg.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.SETTLEMENTS);
            assertThat(decoded).isEqualTo(results);
            assertThat(decoded.keySet()).containsExactlyElementsOf(results.keySet());
        }

        @Test
        void finishedListRoundTripsEmptyOrNot() {
            List<Settlement> removed = List.of(new Settlement(ChannelId.of(2), BigInteger.ONE, BigInteger.TEN, SIG));

            assertThat(Results.finishedSettlements(Results.toMsg(removed))).isEqualTo(removed);
            CommandResult none = Results.toMsg(List.<Settlement>of());
            assertThat(none.getOutcomeCase()).isEqualTo(CommandResult.OutcomeCase.FINISHED);
            assertThat(Results.finishedSettlements(none)).isEmpty();
        }

        @Test
        void lifecycleResultsSurviveSerialization() throws Exception {
            Map<ChannelId, SettlementResult> results = new LinkedHashMap<>();
            results.put(ChannelId.of(4), new SettlementStarted(new Settlement(ChannelId.of(4), HALF, MAX, SIG), state));
            results.put(ChannelId.of(2), new Rejected(RejectReason.CHANNEL_BUSY, Optional.of(unsigned)));

            CommandResult parsed = CommandResult.parseFrom(Results.toMsg(results).toByteArray());

            assertThat(Results.settlementResults(parsed)).isEqualTo(results);
        }

        @Test
        void outcomeOfAnotherOperationOrInvalidIsRefusedByEveryLifecycleReader() {
            CommandResult accepted = Results.toMsg((ClaimResult) new Accepted(state));
            CommandResult invalid = Results.invalid("request id r was already used for a different request");
            List<java.util.function.Function<CommandResult, ?>> readers = List.of(Results::reserveResult,
                    Results::releaseResult, Results::settlementResults, Results::finishedSettlements);

            for (var reader : readers) {
                assertThatThrownBy(() -> reader.apply(accepted)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> reader.apply(invalid)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("already used");
                assertThatThrownBy(() -> reader.apply(CommandResult.getDefaultInstance()))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            CommandResult released = Results.toMsg((ReleaseResult) new Released(state));
            assertThatThrownBy(() -> Results.claimResult(released)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Results.reserveResult(released)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
