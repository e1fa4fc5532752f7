package io.escrowstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);
    private static final BigInteger MAX = TWO_256.subtract(BigInteger.ONE);

    private static final ChannelId CHANNEL = ChannelId.of(7);
    private static final Address SENDER = new Address(filled(Address.LENGTH, 1));
    private static final Address SIGNER = new Address(filled(Address.LENGTH, 2));
    private static final Address RECIPIENT = new Address(filled(Address.LENGTH, 3));
    private static final GroupId GROUP = new GroupId(filled(GroupId.LENGTH, 4));
    private static final Signature SIG = new Signature(filled(Signature.LENGTH, 5));

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] counting(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 17 + 3);
        }
        return bytes;
    }

    private static Payment payment(BigInteger nonce, BigInteger amount) {
        return new Payment(CHANNEL, nonce, amount, SIG);
    }

    private static ChainChannel chain(BigInteger nonce, BigInteger value, BigInteger expiration) {
        return new ChainChannel(CHANNEL, nonce, SENDER, SIGNER, RECIPIENT, GROUP, value, expiration);
    }

    private static ChannelState state(BigInteger nonce, BigInteger full, BigInteger expiration, BigInteger authorized) {
        return new ChannelState(CHANNEL, nonce, SENDER, SIGNER, RECIPIENT, GROUP, full, expiration, authorized,
                Optional.of(SIG), 3);
    }

    /** Every uint256 field of every value type: its name and how to build a value with only that field set. */
    static Stream<Arguments> uint256Fields() {
        BigInteger one = BigInteger.ONE;
        return Stream.of(
                field("ChannelId.value", "channelId", v -> new ChannelId(v), x -> ((ChannelId) x).value()),
                field("Payment.nonce", "nonce", v -> payment(v, one), x -> ((Payment) x).nonce()),
                field("Payment.amount", "amount", v -> payment(one, v), x -> ((Payment) x).amount()),
                field("ChainChannel.nonce", "nonce", v -> chain(v, one, one), x -> ((ChainChannel) x).nonce()),
                field("ChainChannel.value", "value", v -> chain(one, v, one), x -> ((ChainChannel) x).value()),
                field("ChainChannel.expiration", "expiration", v -> chain(one, one, v),
                        x -> ((ChainChannel) x).expiration()),
                field("ChannelState.nonce", "nonce", v -> state(v, one, one, one), x -> ((ChannelState) x).nonce()),
                field("ChannelState.fullAmount", "fullAmount", v -> state(one, v, one, one),
                        x -> ((ChannelState) x).fullAmount()),
                field("ChannelState.expiration", "expiration", v -> state(one, one, v, one),
                        x -> ((ChannelState) x).expiration()),
                field("ChannelState.authorizedAmount", "authorizedAmount", v -> state(one, one, one, v),
                        x -> ((ChannelState) x).authorizedAmount()),
                field("ClaimRequest.price", "price",
                        v -> ClaimRequest.of(payment(one, one), v, new RequestId("r-1")),
                        x -> ((ClaimRequest) x).price()),
                field("Settlement.nonce", "nonce", v -> new Settlement(CHANNEL, v, one, SIG),
                        x -> ((Settlement) x).nonce()),
                field("Settlement.amount", "amount", v -> new Settlement(CHANNEL, one, v, SIG),
                        x -> ((Settlement) x).amount()));
    }

    private static Arguments field(String label, String field, Function<BigInteger, Object> build,
            Function<Object, BigInteger> read) {
        return Arguments.of(label, field, build, read);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uint256Fields")
    void uint256FieldRejectsNegativeWithItsName(String label, String field, Function<BigInteger, Object> build,
            Function<Object, BigInteger> read) {
        assertThatThrownBy(() -> build.apply(BigInteger.valueOf(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining(">= 0");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uint256Fields")
    void uint256FieldRejectsExactlyTwoPow256WithItsName(String label, String field,
            Function<BigInteger, Object> build, Function<Object, BigInteger> read) {
        assertThatThrownBy(() -> build.apply(TWO_256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " ")
                .hasMessageContaining("2^256");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uint256Fields")
    void uint256FieldRejectsNullWithItsName(String label, String field, Function<BigInteger, Object> build,
            Function<Object, BigInteger> read) {
        assertThatThrownBy(() -> build.apply(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(field + " must not be null");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uint256Fields")
    void uint256FieldAcceptsTwoPow256MinusOne(String label, String field, Function<BigInteger, Object> build,
            Function<Object, BigInteger> read) {
        assertThat(read.apply(build.apply(MAX))).isEqualTo(MAX);
    }

    @Test
    void zeroIsAValidUint256ButNotAValidPrice() {
        assertThat(new ChannelId(BigInteger.ZERO).value()).isZero();
        assertThat(payment(BigInteger.ZERO, BigInteger.ZERO).amount()).isZero();
        assertThatThrownBy(() -> ClaimRequest.of(payment(BigInteger.ONE, BigInteger.ONE), BigInteger.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("price ");
    }

    static Stream<Arguments> nullObjectFields() {
        BigInteger one = BigInteger.ONE;
        return Stream.of(
                Arguments.of("channelId", (Runnable) () -> new Payment(null, one, one, SIG)),
                Arguments.of("signature", (Runnable) () -> new Payment(CHANNEL, one, one, null)),
                Arguments.of("channelId",
                        (Runnable) () -> new ChainChannel(null, one, SENDER, SIGNER, RECIPIENT, GROUP, one, one)),
                Arguments.of("sender",
                        (Runnable) () -> new ChainChannel(CHANNEL, one, null, SIGNER, RECIPIENT, GROUP, one, one)),
                Arguments.of("signer",
                        (Runnable) () -> new ChainChannel(CHANNEL, one, SENDER, null, RECIPIENT, GROUP, one, one)),
                Arguments.of("recipient",
                        (Runnable) () -> new ChainChannel(CHANNEL, one, SENDER, SIGNER, null, GROUP, one, one)),
                Arguments.of("groupId",
                        (Runnable) () -> new ChainChannel(CHANNEL, one, SENDER, SIGNER, RECIPIENT, null, one, one)),
                Arguments.of("signature", (Runnable) () -> new ChannelState(CHANNEL, one, SENDER, SIGNER, RECIPIENT,
                        GROUP, one, one, one, null, 0)),
                Arguments.of("payment",
                        (Runnable) () -> new ClaimRequest(null, one, RequestId.random(), Optional.empty())),
                Arguments.of("requestId",
                        (Runnable) () -> new ClaimRequest(payment(one, one), one, null, Optional.empty())),
                Arguments.of("chainView",
                        (Runnable) () -> new ClaimRequest(payment(one, one), one, RequestId.random(), null)),
                Arguments.of("state", (Runnable) () -> new Accepted(null)),
                Arguments.of("state", (Runnable) () -> new Synced(null)),
                Arguments.of("reason", (Runnable) () -> new Rejected(null, Optional.empty())),
                Arguments.of("state", (Runnable) () -> new Rejected(RejectReason.NONCE_MISMATCH, null)),
                Arguments.of("channelId", (Runnable) () -> new Settlement(null, one, one, SIG)),
                Arguments.of("signature", (Runnable) () -> new Settlement(CHANNEL, one, one, null)),
                Arguments.of("reservationId", (Runnable) () -> new Reserved(null, settled(), Instant.EPOCH)),
                Arguments.of("state", (Runnable) () -> new Reserved(new ReservationId(1), null, Instant.EPOCH)),
                Arguments.of("expiresAt", (Runnable) () -> new Reserved(new ReservationId(1), settled(), null)),
                Arguments.of("state", (Runnable) () -> new Released(null)),
                Arguments.of("settlement", (Runnable) () -> new SettlementStarted(null, settled())),
                Arguments.of("state", (Runnable) () -> new SettlementStarted(
                        new Settlement(CHANNEL, one, one, SIG), null)));
    }

    private static ChannelState settled() {
        return state(BigInteger.ONE, BigInteger.TEN, BigInteger.TEN, BigInteger.ZERO);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullObjectFields")
    void nullFieldIsRejectedNamingTheField(String field, Runnable construct) {
        assertThatThrownBy(construct::run)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(field + " must not be null");
    }

    @Test
    void negativeRevisionIsRejected() {
        assertThatThrownBy(() -> new ChannelState(CHANNEL, BigInteger.ONE, SENDER, SIGNER, RECIPIENT, GROUP,
                BigInteger.ONE, BigInteger.ONE, BigInteger.ONE, Optional.empty(), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("revision ");
    }

    @Test
    void channelStateHelpersChangeOnlyWhatTheyName() {
        ChainChannel chain = chain(BigInteger.TWO, BigInteger.valueOf(100), BigInteger.valueOf(900));
        ChannelState fresh = ChannelState.fromChain(chain, 11);
        assertThat(fresh).isEqualTo(new ChannelState(CHANNEL, BigInteger.TWO, SENDER, SIGNER, RECIPIENT, GROUP,
                BigInteger.valueOf(100), BigInteger.valueOf(900), BigInteger.ZERO, Optional.empty(), 11));

        ChannelState authorized = fresh.withAuthorization(BigInteger.TEN, SIG, 12);
        assertThat(authorized).isEqualTo(new ChannelState(CHANNEL, BigInteger.TWO, SENDER, SIGNER, RECIPIENT, GROUP,
                BigInteger.valueOf(100), BigInteger.valueOf(900), BigInteger.TEN, Optional.of(SIG), 12));

        ChannelState funded = authorized.withChainFunds(BigInteger.valueOf(150), BigInteger.valueOf(950), 13);
        assertThat(funded).isEqualTo(new ChannelState(CHANNEL, BigInteger.TWO, SENDER, SIGNER, RECIPIENT, GROUP,
                BigInteger.valueOf(150), BigInteger.valueOf(950), BigInteger.TEN, Optional.of(SIG), 13));

        ChannelState settled = funded.afterSettlement(14);
        assertThat(settled).isEqualTo(new ChannelState(CHANNEL, BigInteger.valueOf(3), SENDER, SIGNER, RECIPIENT,
                GROUP, BigInteger.valueOf(140), BigInteger.valueOf(950), BigInteger.ZERO, Optional.empty(), 14));
    }

    @Test
    void settlementOfTheWholeValueLeavesNothingEscrowed() {
        ChannelState all = state(BigInteger.ZERO, BigInteger.TEN, BigInteger.ONE, BigInteger.TEN);

        ChannelState after = all.afterSettlement(9);

        assertThat(after.fullAmount()).isZero();
        assertThat(after.authorizedAmount()).isZero();
        assertThat(after.nonce()).isEqualTo(BigInteger.ONE);
        assertThat(after.signature()).isEmpty();
    }

    @Nested
    class ReservationIds {
        @ParameterizedTest
        @ValueSource(longs = {0, -1, Long.MIN_VALUE})
        void refusesNonPositiveIds(long value) {
            assertThatThrownBy(() -> new ReservationId(value))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("reservationId ");
        }

        @Test
        void commitAndReleaseRequestIdsAreValidStableAndDistinct() {
            ReservationId id = new ReservationId(Long.MAX_VALUE);

            assertThat(id.commitRequestId()).isEqualTo(new ReservationId(Long.MAX_VALUE).commitRequestId());
            assertThat(id.releaseRequestId()).isEqualTo(new ReservationId(Long.MAX_VALUE).releaseRequestId());
            assertThat(id.commitRequestId()).isNotEqualTo(id.releaseRequestId());
            assertThat(id.commitRequestId()).isNotEqualTo(new ReservationId(1).commitRequestId());
            assertThat(id.commitRequestId().value()).contains(String.valueOf(Long.MAX_VALUE));
        }

        @Test
        void equalByValueAndPrintTheirValue() {
            assertThat(new ReservationId(5)).isEqualTo(new ReservationId(5)).isNotEqualTo(new ReservationId(6));
            assertThat(new ReservationId(5).toString()).contains("5");
        }
    }

    @Test
    void rejectedIsAnOutcomeOfEveryOperation() {
        Rejected rejected = new Rejected(RejectReason.CHANNEL_BUSY, Optional.empty());

        assertThat(rejected).isInstanceOf(ClaimResult.class).isInstanceOf(SyncResult.class)
                .isInstanceOf(ReserveResult.class).isInstanceOf(ReleaseResult.class)
                .isInstanceOf(SettlementResult.class);
    }

    /** The three fixed-length byte values, driven through one table. */
    record BytesType(String name, String field, int length, Function<byte[], Object> construct,
            Function<String, Object> fromHex, Function<Object, byte[]> bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BytesType> bytesTypes() {
        return Stream.of(
                new BytesType("Address", "address", 20, Address::new, Address::fromHex, x -> ((Address) x).bytes()),
                new BytesType("GroupId", "groupId", 32, GroupId::new, GroupId::fromHex, x -> ((GroupId) x).bytes()),
                new BytesType("Signature", "signature", 65, Signature::new, Signature::fromHex,
                        x -> ((Signature) x).bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void fixedLengthValueHasItsLengthConstant(BytesType type) {
        int constant = switch (type.name()) {
            case "Address" -> Address.LENGTH;
            case "GroupId" -> GroupId.LENGTH;
            default -> Signature.LENGTH;
        };
        assertThat(constant).isEqualTo(type.length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void fixedLengthValueAcceptsExactlyItsLength(BytesType type) {
        byte[] input = counting(type.length());
        assertThat(type.bytes().apply(type.construct().apply(input))).containsExactly(input);
        for (int bad : new int[] {0, type.length() - 1, type.length() + 1}) {
            assertThatThrownBy(() -> type.construct().apply(new byte[bad]))
                    .as("%d bytes", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(type.field() + " must be " + type.length() + " bytes but was " + bad);
        }
        assertThatThrownBy(() -> type.construct().apply(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(type.field() + " must not be null");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void mutatingTheInputArrayDoesNotChangeTheValue(BytesType type) {
        byte[] input = counting(type.length());
        Object value = type.construct().apply(input);
        Object twin = type.construct().apply(input.clone());
        input[0] ^= 0x7f;
        input[type.length() - 1] ^= 0x7f;
        assertThat(type.bytes().apply(value)).containsExactly(counting(type.length()));
        assertThat(value).isEqualTo(twin);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void mutatingTheReturnedArrayDoesNotChangeTheValue(BytesType type) {
        Object value = type.construct().apply(counting(type.length()));
        byte[] out = type.bytes().apply(value);
        Arrays.fill(out, (byte) 0);
        assertThat(type.bytes().apply(value)).containsExactly(counting(type.length()));
        assertThat(type.bytes().apply(value)).isNotSameAs(type.bytes().apply(value));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void equalsAndHashCodeCompareContentNotIdentity(BytesType type) {
        Object a = type.construct().apply(counting(type.length()));
        Object b = type.construct().apply(counting(type.length()));
        byte[] other = counting(type.length());
        other[type.length() / 2] ^= 1;
        Object c = type.construct().apply(other);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c).isNotEqualTo(null)
                .isNotEqualTo(counting(type.length()));
        assertThat(a.hashCode()).isNotEqualTo(c.hashCode());
        Set<Object> set = new HashSet<>(List.of(a, c));
        assertThat(set).contains(b).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void toStringIsPrefixedLowerCaseHex(BytesType type) {
        byte[] input = counting(type.length());
        StringBuilder expected = new StringBuilder("0x");
        for (byte b : input) {
            expected.append(String.format("%02x", b & 0xff));
        }
        Object value = type.construct().apply(input);
        assertThat(value.toString()).isEqualTo(expected.toString());
        assertThat(value.toString()).hasSize(2 + 2 * type.length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void fixedLengthValueIsFinalAndItsHexIsItsString(BytesType type) {
        Object value = type.construct().apply(counting(type.length()));
        assertThat(Modifier.isFinal(value.getClass().getModifiers())).as("no subclass can change equality").isTrue();
        String hex = switch (type.name()) {
            case "Address" -> ((Address) value).toHex();
            case "GroupId" -> ((GroupId) value).toHex();
            default -> ((Signature) value).toHex();
        };
        assertThat(hex).isEqualTo(value.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void fromHexParsesWithAndWithoutPrefixInAnyCase(BytesType type) {
        Object value = type.construct().apply(counting(type.length()));
        String hex = value.toString();
        String digits = hex.substring(2);
        assertThat(type.fromHex().apply(hex)).isEqualTo(value);
        assertThat(type.fromHex().apply(digits)).isEqualTo(value);
        assertThat(type.fromHex().apply("0X" + digits.toUpperCase())).isEqualTo(value);
        assertThat(type.fromHex().apply(digits.toUpperCase())).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bytesTypes")
    void fromHexRefusesBadHexNamingTheField(BytesType type) {
        String digits = "ab".repeat(type.length());
        List<String> bad = List.of(
                "zz" + digits.substring(2),                 // not hex digits
                "0x" + digits.substring(1),                 // odd number of digits
                "0x" + digits.substring(2),                 // one byte short
                digits + "ab",                              // one byte long
                "",                                         // nothing
                "0x",                                       // prefix only
                " " + digits);                              // whitespace
        for (String hex : bad) {
            assertThatThrownBy(() -> type.fromHex().apply(hex))
                    .as("'%s'", hex)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(type.field() + " ");
        }
        assertThatThrownBy(() -> type.fromHex().apply(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(type.field() + " must not be null");
    }

    @Nested
    class RequestIds {
        @Test
        void acceptsOneTo128PrintableAsciiCharacters() {
            assertThat(new RequestId("x").value()).isEqualTo("x");
            String longest = "a".repeat(RequestId.MAX_LENGTH);
            assertThat(new RequestId(longest).value()).isEqualTo(longest);
            String printable = "!~replica-7/000042:{}";
            assertThat(new RequestId(printable).toString()).isEqualTo(printable);
        }

        @Test
        void refusesEmptyTooLongAndNull() {
            assertThat(RequestId.MAX_LENGTH).isEqualTo(128);
            assertThatThrownBy(() -> new RequestId(""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("requestId ");
            assertThatThrownBy(() -> new RequestId("a".repeat(129)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("requestId ")
                    .hasMessageContaining("129");
            assertThatThrownBy(() -> new RequestId(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("requestId must not be null");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a b", "tab\there", "new\nline", "del\u007f", "nul\u0000", "caf\u00e9", "\u00a0",
            "emoji\ud83d\ude00"})
        void refusesSpacesControlAndNonAsciiCharacters(String value) {
            assertThatThrownBy(() -> new RequestId(value))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("requestId must be printable ASCII");
        }

        @Test
        void randomIdsAreValidUuidsAndDistinct() {
            Set<RequestId> ids = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                RequestId id = RequestId.random();
                assertThat(id.value()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
                ids.add(id);
            }
            assertThat(ids).hasSize(1000);
        }

        @Test
        void equalByValue() {
            assertThat(new RequestId("abc")).isEqualTo(new RequestId("abc")).isNotEqualTo(new RequestId("abd"));
        }
    }

    @Nested
    class Members {
        @Test
        void parsesHostAndPort() {
            assertThat(Member.parse("127.0.0.1:8081")).isEqualTo(new Member("127.0.0.1", 8081));
            assertThat(Member.parse("node-1.example:1")).isEqualTo(new Member("node-1.example", 1));
            assertThat(Member.parse(" localhost : 65535 ")).isEqualTo(new Member("localhost", 65535));
            assertThat(Member.parse("10.0.0.2:7000").toString()).isEqualTo("10.0.0.2:7000");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "localhost", ":8080", "localhost:", "localhost:0", "localhost:65536",
            "localhost:-1", "localhost:http", " :8080", "a:b:8080", "a,b:8080", "localhost:99999999999",
            "localhost:80.5"})
        void refusesMalformedMembers(String text) {
            assertThatThrownBy(() -> Member.parse(text)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void refusesNullAndBadFieldsNamingThem() {
            assertThatThrownBy(() -> Member.parse(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("member must not be null");
            assertThatThrownBy(() -> new Member(null, 80))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("host must not be null");
            assertThatThrownBy(() -> new Member("  ", 80))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("host ");
            assertThatThrownBy(() -> new Member("h", 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port ");
            assertThatThrownBy(() -> new Member("h", 65536))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("port ");
        }

        @Test
        void toStringParsesBackToTheSameMember() {
            Member member = new Member("192.168.1.20", 4242);
            assertThat(Member.parse(member.toString())).isEqualTo(member);
        }
    }

    @Nested
    class ClaimRequests {
        @Test
        void refusesAChainViewOfAnotherChannel() {
            Payment payment = payment(BigInteger.ONE, BigInteger.TEN);
            ChainChannel otherChannel = new ChainChannel(ChannelId.of(8), BigInteger.ONE, SENDER, SIGNER, RECIPIENT,
                    GROUP, BigInteger.TEN, BigInteger.TEN);
            assertThatThrownBy(() -> new ClaimRequest(payment, BigInteger.ONE, RequestId.random(),
                    Optional.of(otherChannel)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("chainView ");
            ClaimRequest plain = ClaimRequest.of(payment, BigInteger.ONE);
            assertThatThrownBy(() -> plain.withChainView(otherChannel))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("chainView ");
        }

        @Test
        void acceptsAChainViewOfTheSameChannel() {
            Payment payment = payment(BigInteger.ONE, BigInteger.TEN);
            ChainChannel view = chain(BigInteger.ONE, BigInteger.TEN, BigInteger.TEN);
            RequestId id = new RequestId("req-1");
            ClaimRequest request = ClaimRequest.of(payment, BigInteger.TWO, id).withChainView(view);
            assertThat(request).isEqualTo(new ClaimRequest(payment, BigInteger.TWO, id, Optional.of(view)));
            assertThat(ClaimRequest.of(payment, BigInteger.TWO, id).chainView()).isEmpty();
            assertThat(ClaimRequest.of(payment, BigInteger.TWO).requestId())
                    .isNotEqualTo(ClaimRequest.of(payment, BigInteger.TWO).requestId());
        }
    }

    @Nested
    class StoreStatuses {
        private final Member a = new Member("10.0.0.1", 7000);
        private final Member b = new Member("10.0.0.2", 7000);

        @Test
        void isLeaderOnlyWhenTheKnownLeaderIsSelf() {
            assertThat(new StoreStatus(a, Optional.of(a), 3, List.of(a, b), 10).isLeader()).isTrue();
            assertThat(new StoreStatus(a, Optional.of(b), 3, List.of(a, b), 10).isLeader()).isFalse();
            assertThat(new StoreStatus(a, Optional.empty(), 3, List.of(a, b), 10).isLeader()).isFalse();
            assertThat(new StoreStatus(a, Optional.of(new Member("10.0.0.1", 7000)), 3, List.of(a, b), 10)
                    .isLeader()).isTrue();
        }

        @Test
        void membersAreCopiedAndImmutable() {
            List<Member> members = new java.util.ArrayList<>(List.of(a, b));
            StoreStatus status = new StoreStatus(a, Optional.empty(), 1, members, 0);
            members.clear();
            assertThat(status.members()).containsExactly(a, b);
            assertThatThrownBy(() -> status.members().add(a)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void refusesNullFields() {
            assertThatThrownBy(() -> new StoreStatus(null, Optional.empty(), 1, List.of(), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("self ");
            assertThatThrownBy(() -> new StoreStatus(a, null, 1, List.of(), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("leader ");
            assertThatThrownBy(() -> new StoreStatus(a, Optional.empty(), 1, null, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("members ");
        }
    }

    @Test
    void channelIdsOrderByValueAndPrintTheirValue() {
        assertThat(ChannelId.of(2)).isLessThan(ChannelId.of(10));
        assertThat(new ChannelId(MAX)).isGreaterThan(ChannelId.of(Long.MAX_VALUE));
        assertThat(ChannelId.of(42).toString()).contains("42");
        assertThat(ChannelId.of(42)).isEqualTo(new ChannelId(BigInteger.valueOf(42)));
    }

    @Test
    void resultTypesReportAcceptance() {
        ChannelState s = state(BigInteger.ONE, BigInteger.TEN, BigInteger.TEN, BigInteger.ONE);
        assertThat(new Accepted(s).isAccepted()).isTrue();
        assertThat(new Rejected(RejectReason.NONCE_MISMATCH, Optional.of(s)).isAccepted()).isFalse();
    }
}
