package io.escrowstore.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

public class RaftStoreConfigTest {
    static final GroupId GROUP = new GroupId(new byte[GroupId.LENGTH]);
    static final Member A = new Member("127.0.0.1", 7001);
    static final Member B = new Member("127.0.0.1", 7002);
    static final Member C = new Member("127.0.0.1", 7003);
    static final Path DATA = Path.of("/var/lib/escrow/node-a");

    public static RaftStoreConfig.Builder minimal() {
        return RaftStoreConfig.builder().unsafePlaintext().groupId(GROUP).self(A).members(List.of(A, B, C))
                .dataDir(DATA);
    }

    @Test
    void builderDefaults() {
        RaftStoreConfig config = minimal().build();

        assertThat(config.groupId()).isEqualTo(GROUP);
        assertThat(config.raftGroup()).isEqualTo("escrow-store");
        assertThat(config.self()).isEqualTo(A);
        assertThat(config.members()).containsExactly(A, B, C);
        assertThat(config.dataDir()).isEqualTo(DATA);
        assertThat(config.electionTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxElectionDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(10));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.snapshotInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(config.maxInFlight()).isEqualTo(10_000);
        assertThat(config.dedupMaxEntries()).isEqualTo(200_000);
        assertThat(config.dedupRetention()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.callbackExecutor()).isEmpty();
    }

    @Test
    void everySettingIsKept() {
        Executor executor = Runnable::run;
        RaftStoreConfig config = minimal()
                .raftGroup("payments_v2.eu-1")
                .self(B)
                .electionTimeout(Duration.ofMillis(300))
                .maxElectionDelay(Duration.ZERO)
                .heartbeatInterval(Duration.ofMillis(100))
                .requestTimeout(Duration.ofMillis(10))
                .snapshotInterval(Duration.ofDays(1))
                .maxInFlight(1)
                .dedupMaxEntries(5_000)
                .dedupRetention(Duration.ofHours(2))
                .callbackExecutor(executor)
                .build();

        assertThat(config.dedupMaxEntries()).isEqualTo(5_000);
        assertThat(config.dedupRetention()).isEqualTo(Duration.ofHours(2));
        assertThat(config.raftGroup()).isEqualTo("payments_v2.eu-1");
        assertThat(config.self()).isEqualTo(B);
        assertThat(config.electionTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.maxElectionDelay()).isZero();
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(10));
        assertThat(config.snapshotInterval()).isEqualTo(Duration.ofDays(1));
        assertThat(config.maxInFlight()).isEqualTo(1);
        assertThat(config.callbackExecutor()).containsSame(executor);
    }

    static Stream<Arguments> missingRequiredFields() {
        return Stream.of(
                Arguments.of("groupId", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.groupId(null)),
                Arguments.of("raftGroup", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.raftGroup(null)),
                Arguments.of("self", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.self(null)),
                Arguments.of("members", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.members(null)),
                Arguments.of("dataDir", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dataDir(null)),
                Arguments.of("electionTimeout", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.electionTimeout(null)),
                Arguments.of("maxElectionDelay",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.maxElectionDelay(null)),
                Arguments.of("heartbeatInterval",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.heartbeatInterval(null)),
                Arguments.of("requestTimeout", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.requestTimeout(null)),
                Arguments.of("snapshotInterval",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.snapshotInterval(null)),
                Arguments.of("dedupRetention", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupRetention(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missingRequiredFields")
    void missingFieldIsNamed(String field, UnaryOperator<RaftStoreConfig.Builder> unset) {
        assertThatThrownBy(() -> unset.apply(minimal()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(field + " is required");
    }

    @Test
    void requiredFieldsAreRequiredOnAFreshBuilder() {
        assertThatThrownBy(() -> RaftStoreConfig.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("groupId is required");
        assertThatThrownBy(() -> RaftStoreConfig.builder().groupId(GROUP).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("self is required");
        assertThatThrownBy(() -> RaftStoreConfig.builder().groupId(GROUP).self(A).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("members ");
        assertThatThrownBy(() -> RaftStoreConfig.builder().groupId(GROUP).self(A).members(List.of(A)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dataDir is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "slash/name", "colon:name", "ünïcode", "a,b"})
    void badRaftGroupIsRefused(String name) {
        assertThatThrownBy(() -> minimal().raftGroup(name).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("raftGroup ");
    }

    @Test
    void raftGroupLengthIsBoundedAt64() {
        assertThat(minimal().raftGroup("g".repeat(64)).build().raftGroup()).hasSize(64);
        assertThatThrownBy(() -> minimal().raftGroup("g".repeat(65)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("raftGroup ");
    }

    @Test
    void selfNotInMembersIsRefused() {
        Member stranger = new Member("127.0.0.1", 7999);

        assertThatThrownBy(() -> minimal().self(stranger).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("self")
                .hasMessageContaining(stranger.toString());
    }

    @Test
    void duplicateMembersAreRefused() {
        assertThatThrownBy(() -> minimal().members(List.of(A, B, new Member("127.0.0.1", 7002))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("members ")
                .hasMessageContaining("repeat");
    }

    @Test
    void emptyMembersOrANullMemberAreRefused() {
        assertThatThrownBy(() -> minimal().members(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("members ");
        assertThatThrownBy(() -> minimal().members(Arrays.asList(A, null)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("members ");
    }

    @Test
    void dedupRetentionShorterThanTheRequestTimeoutIsRefusedNamingBothFields() {
        assertThatThrownBy(() -> minimal().requestTimeout(Duration.ofMinutes(5)).dedupRetention(Duration.ofMinutes(2))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dedupRetention").hasMessageContaining("requestTimeout");
        assertThat(minimal().requestTimeout(Duration.ofMinutes(2)).dedupRetention(Duration.ofMinutes(2)).build()
                .dedupRetention()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void singleNodeGroupIsAllowed() {
        assertThat(minimal().members(List.of(A)).build().members()).containsExactly(A);
    }

    static Stream<Arguments> outOfRangeSettings() {
        return Stream.of(
                Arguments.of("electionTimeout",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.electionTimeout(Duration.ofMillis(10))),
                Arguments.of("electionTimeout",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.electionTimeout(Duration.ofMillis(49))),
                Arguments.of("electionTimeout",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.electionTimeout(Duration.ofSeconds(61))),
                Arguments.of("electionTimeout",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.electionTimeout(Duration.ofMillis(-100))),
                Arguments.of("maxElectionDelay",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.maxElectionDelay(Duration.ofMillis(-1))),
                Arguments.of("maxElectionDelay",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.maxElectionDelay(Duration.ofSeconds(61))),
                Arguments.of("heartbeatInterval",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.heartbeatInterval(Duration.ZERO)),
                Arguments.of("heartbeatInterval",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.heartbeatInterval(Duration.ofMillis(6001))),
                Arguments.of("requestTimeout",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.requestTimeout(Duration.ZERO)),
                Arguments.of("requestTimeout",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.requestTimeout(Duration.ofMillis(9))),
                Arguments.of("requestTimeout",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.requestTimeout(Duration.ofMinutes(11))),
                Arguments.of("snapshotInterval",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.snapshotInterval(Duration.ofMillis(500))),
                Arguments.of("snapshotInterval",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.snapshotInterval(Duration.ofSeconds(-1))),
                Arguments.of("snapshotInterval",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.snapshotInterval(Duration.ofDays(1)
                                .plusMillis(1))),
                Arguments.of("maxInFlight", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.maxInFlight(0)),
                Arguments.of("maxInFlight", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.maxInFlight(-5)),
                Arguments.of("maxInFlight", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.maxInFlight(1_000_001)),
                Arguments.of("dedupMaxEntries", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupMaxEntries(999)),
                Arguments.of("dedupMaxEntries", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupMaxEntries(0)),
                Arguments.of("dedupMaxEntries", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupMaxEntries(-1)),
                Arguments.of("dedupMaxEntries",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupMaxEntries(10_000_001)),
                Arguments.of("dedupRetention",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupRetention(Duration.ofSeconds(59))),
                Arguments.of("dedupRetention",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupRetention(Duration.ZERO)),
                Arguments.of("dedupRetention",
                        (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupRetention(Duration.ofMinutes(-5))),
                Arguments.of("dedupRetention", (UnaryOperator<RaftStoreConfig.Builder>) b -> b.dedupRetention(
                        Duration.ofDays(7).plusMillis(1))));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("outOfRangeSettings")
    void outOfRangeSettingIsRefusedNamingIt(String field, UnaryOperator<RaftStoreConfig.Builder> set) {
        assertThatThrownBy(() -> set.apply(minimal()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field + " must be");
    }

    @Test
    void boundaryValuesAreAccepted() {
        RaftStoreConfig low = minimal()
                .electionTimeout(Duration.ofMillis(50))
                .maxElectionDelay(Duration.ZERO)
                .heartbeatInterval(Duration.ofMillis(1))
                .requestTimeout(Duration.ofMillis(10))
                .snapshotInterval(Duration.ofSeconds(1))
                .maxInFlight(1)
                .dedupMaxEntries(1_000)
                .dedupRetention(Duration.ofMinutes(1))
                .build();
        RaftStoreConfig high = minimal()
                .electionTimeout(Duration.ofSeconds(60))
                .maxElectionDelay(Duration.ofSeconds(60))
                .heartbeatInterval(Duration.ofSeconds(6))
                .requestTimeout(Duration.ofMinutes(10))
                .snapshotInterval(Duration.ofDays(1))
                .maxInFlight(1_000_000)
                .dedupMaxEntries(10_000_000)
                .dedupRetention(Duration.ofDays(7))
                .build();

        assertThat(low.electionTimeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(low.dedupMaxEntries()).isEqualTo(1_000);
        assertThat(low.dedupRetention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(high.maxInFlight()).isEqualTo(1_000_000);
        assertThat(high.dedupMaxEntries()).isEqualTo(10_000_000);
        assertThat(high.dedupRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void dedupSettingsOutOfRangeNameTheirBounds() {
        assertThatThrownBy(() -> minimal().dedupMaxEntries(999).build())
                .hasMessage("dedupMaxEntries must be 1000..10000000 but was 999");
        assertThatThrownBy(() -> minimal().dedupRetention(Duration.ofSeconds(30)).build())
                .hasMessageContaining("PT1M").hasMessageContaining("PT168H").hasMessageContaining("PT30S");
    }

    @Test
    void toBuilderKeepsTheDedupWindowWhenOtherSettingsChange() {
        RaftStoreConfig original = minimal().dedupMaxEntries(2_000).dedupRetention(Duration.ofMinutes(2)).build();

        RaftStoreConfig changed = original.toBuilder().maxInFlight(9).build();

        assertThat(changed.dedupMaxEntries()).isEqualTo(2_000);
        assertThat(changed.dedupRetention()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void zeroSnapshotIntervalDisablesSnapshotsAndIsAllowed() {
        assertThat(minimal().snapshotInterval(Duration.ZERO).build().snapshotInterval()).isZero();
    }

    @Test
    void toBuilderRoundTripKeepsEverySetting() {
        Executor executor = Runnable::run;
        RaftStoreConfig original = minimal()
                .raftGroup("g-1")
                .self(C)
                .electionTimeout(Duration.ofMillis(250))
                .maxElectionDelay(Duration.ofMillis(700))
                .heartbeatInterval(Duration.ofMillis(25))
                .requestTimeout(Duration.ofSeconds(3))
                .snapshotInterval(Duration.ZERO)
                .maxInFlight(77)
                .dedupMaxEntries(12_345)
                .dedupRetention(Duration.ofMinutes(3))
                .callbackExecutor(executor)
                .build();

        RaftStoreConfig copy = original.toBuilder().build();

        assertSameSettings(copy, original);
        assertThat(copy.toString()).isEqualTo(original.toString());
    }

    @Test
    void aBuilderChangedAfterBuildLeavesTheBuiltConfigAlone() {
        RaftStoreConfig.Builder builder = minimal();
        RaftStoreConfig built = builder.build();

        builder.members(List.of(A)).maxInFlight(3).raftGroup("other");

        assertThat(built.members()).containsExactly(A, B, C);
        assertThat(built.maxInFlight()).isEqualTo(minimal().build().maxInFlight());
        assertThat(built.raftGroup()).isEqualTo(RaftStoreConfig.DEFAULT_RAFT_GROUP);
        assertThat(built.members()).isUnmodifiable();
    }

    @Test
    void toBuilderChangesOnlyWhatIsSetAndLeavesTheOriginalAlone() {
        RaftStoreConfig original = minimal().requestTimeout(Duration.ofSeconds(2)).build();

        RaftStoreConfig changed = original.toBuilder().self(B).maxInFlight(5).build();

        assertThat(changed.self()).isEqualTo(B);
        assertThat(changed.maxInFlight()).isEqualTo(5);
        assertThat(changed.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(changed.members()).isEqualTo(original.members());
        assertThat(original.self()).isEqualTo(A);
        assertThat(original.maxInFlight()).isEqualTo(10_000);
    }

    @Test
    void membersAreCopiedInAndImmutableOut() {
        List<Member> members = new ArrayList<>(List.of(A, B));
        RaftStoreConfig.Builder builder = minimal().members(members);
        members.add(C);
        RaftStoreConfig config = builder.build();
        members.clear();

        assertThat(config.members()).containsExactly(A, B);
        assertThatThrownBy(() -> config.members().add(C)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void builderCanBeReusedWithoutAffectingBuiltConfigs() {
        RaftStoreConfig.Builder builder = minimal();
        RaftStoreConfig first = builder.build();

        builder.maxInFlight(3).self(B);

        assertThat(first.maxInFlight()).isEqualTo(10_000);
        assertThat(first.self()).isEqualTo(A);
        assertThat(builder.build().self()).isEqualTo(B);
    }

    @Test
    void toStringNamesTheSettings() {
        String text = minimal().build().toString();

        assertThat(text).contains("self=" + A).contains("requestTimeout=PT5S").contains("maxInFlight=10000")
                .contains("dedupMaxEntries=200000").contains("dedupRetention=PT10M").contains(DATA.toString());
    }

    private static void assertSameSettings(RaftStoreConfig actual, RaftStoreConfig expected) {
        assertThat(actual.groupId()).isEqualTo(expected.groupId());
        assertThat(actual.raftGroup()).isEqualTo(expected.raftGroup());
        assertThat(actual.self()).isEqualTo(expected.self());
        assertThat(actual.members()).isEqualTo(expected.members());
        assertThat(actual.dataDir()).isEqualTo(expected.dataDir());
        assertThat(actual.electionTimeout()).isEqualTo(expected.electionTimeout());
        assertThat(actual.maxElectionDelay()).isEqualTo(expected.maxElectionDelay());
        assertThat(actual.heartbeatInterval()).isEqualTo(expected.heartbeatInterval());
        assertThat(actual.requestTimeout()).isEqualTo(expected.requestTimeout());
        assertThat(actual.snapshotInterval()).isEqualTo(expected.snapshotInterval());
        assertThat(actual.maxInFlight()).isEqualTo(expected.maxInFlight());
        assertThat(actual.dedupMaxEntries()).isEqualTo(expected.dedupMaxEntries());
        assertThat(actual.dedupRetention()).isEqualTo(expected.dedupRetention());
        assertThat(actual.callbackExecutor()).isEqualTo(expected.callbackExecutor());
        assertThat(actual.callbackExecutor().orElseThrow()).isSameAs(expected.callbackExecutor().orElseThrow());
    }

    @Test
    void withoutTlsPlaintextMustBeChosenExplicitly() {
        assertThatThrownBy(() -> RaftStoreConfig.builder().groupId(GROUP).self(A).members(List.of(A, B, C))
                .dataDir(DATA).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tls is required");
        assertThat(minimal().build().unsafePlaintext()).isTrue();
        assertThat(minimal().build().tls()).isEmpty();
    }
}
