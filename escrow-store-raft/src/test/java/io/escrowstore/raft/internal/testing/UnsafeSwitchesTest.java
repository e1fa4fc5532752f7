package io.escrowstore.raft.internal.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.RaftStoreConfigTest;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The test-only unsafe switches: off by default, reachable only through {@link UnsafeSwitches#on}
 * (never the public builder), named when on, kept by toBuilder.
 */
class UnsafeSwitchesTest {
    @Test
    void everyUnsafeSwitchIsOffByDefault() {
        RaftStoreConfig config = RaftStoreConfigTest.minimal().build();

        assertThat(UnsafeSwitches.of(config)).isEqualTo(UnsafeSwitches.NONE);
        assertThat(config.unsafeSwitches()).isEmpty();
    }

    @Test
    void thePublicConfigOffersNoTestOnlySwitch() {
        assertThat(publicNamesStartingWithUnsafe(RaftStoreConfig.Builder.class)).containsExactly("unsafePlaintext");
        assertThat(publicNamesStartingWithUnsafe(RaftStoreConfig.class))
                .containsExactlyInAnyOrder("unsafePlaintext", "unsafeSwitches");
    }

    @Test
    void switchesThatAreOnAreNamedAndSurviveToBuilder() {
        UnsafeSwitches two = UnsafeSwitches.NONE.withAcknowledgeBeforeCommit().withSkipRequestDedup();
        RaftStoreConfig config = UnsafeSwitches.on(RaftStoreConfigTest.minimal(), two).build();

        assertThat(UnsafeSwitches.of(config)).isEqualTo(two);
        assertThat(config.unsafeSwitches()).containsExactly("unsafeAcknowledgeBeforeCommit", "unsafeSkipRequestDedup");
        assertThat(config.toBuilder().build().unsafeSwitches()).isEqualTo(config.unsafeSwitches());
        assertThat(UnsafeSwitches.on(config.toBuilder(), two.withLocalFollowerReads()).build().unsafeSwitches())
                .containsExactly("unsafeAcknowledgeBeforeCommit", "unsafeLocalFollowerReads", "unsafeSkipRequestDedup");
        assertThat(UnsafeSwitches.on(config.toBuilder(), two.withReportDoubtAsNotApplied()).build().unsafeSwitches())
                .containsExactly("unsafeAcknowledgeBeforeCommit", "unsafeSkipRequestDedup",
                        "unsafeReportDoubtAsNotApplied");
    }

    @Test
    void eachSwitchAloneIsNamed() {
        RaftStoreConfig.Builder builder = RaftStoreConfigTest.minimal();

        assertThat(UnsafeSwitches.on(builder, UnsafeSwitches.NONE.withEngineFloor()).build().unsafeSwitches())
                .containsExactly("unsafeEngineFloor");
        assertThat(Stream.of(UnsafeSwitches.NONE.withAcknowledgeBeforeCommit(),
                UnsafeSwitches.NONE.withLocalFollowerReads(), UnsafeSwitches.NONE.withSkipRequestDedup(),
                UnsafeSwitches.NONE.withReportDoubtAsNotApplied(), UnsafeSwitches.NONE.withEngineFloor())
                .map(UnsafeSwitches::names))
                .as("one name per switch, as many as the record has switches")
                .hasSize(UnsafeSwitches.class.getRecordComponents().length)
                .allSatisfy(names -> assertThat(names).hasSize(1))
                .doesNotHaveDuplicates();
    }

    @Test
    void noSecondCarrierReplacesTheConfigs() {
        RaftStoreConfigTest.minimal();

        assertThatThrownBy(() -> UnsafeSwitches.install(new UnsafeSwitches.Carrier() {
            @Override
            public void set(RaftStoreConfig.Builder builder, UnsafeSwitches switches) {
            }

            @Override
            public UnsafeSwitches of(RaftStoreConfig config) {
                return UnsafeSwitches.NONE;
            }
        })).isInstanceOf(IllegalStateException.class);
    }

    private static String[] publicNamesStartingWithUnsafe(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(Method::getName).filter(n -> n.startsWith("unsafe")).distinct().toArray(String[]::new);
    }
}
