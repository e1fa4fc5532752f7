package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.testing.UnsafeSwitches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher cannot turn on a test-only unsafe switch: none is a config option, and no launcher
 * source names the internal package that sets them; and it refuses to start a config that carries
 * any of them.
 */
class NoTestSwitchTest {
    @Test
    void noLauncherSourceNamesTheTestOnlySwitches() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                assertThat(Files.readString(source)).as(source.toString())
                        .doesNotContain("io.escrowstore.raft.internal.testing");
            }
        }
    }

    @Test
    void aConfigWithoutSwitchesMayStart() {
        assertThat(NodeLauncher.refusal(config(UnsafeSwitches.NONE))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("eachSwitch")
    void aConfigWithAnyTestOnlySwitchIsRefusedNamingIt(UnsafeSwitches on) {
        assertThat(NodeLauncher.refusal(config(on))).hasValueSatisfying(why -> assertThat(why)
                .contains(on.names().get(0)));
    }

    static Stream<UnsafeSwitches> eachSwitch() {
        return Stream.of(UnsafeSwitches.NONE.withAcknowledgeBeforeCommit(), UnsafeSwitches.NONE.withLocalFollowerReads(),
                UnsafeSwitches.NONE.withSkipRequestDedup(), UnsafeSwitches.NONE.withReportDoubtAsNotApplied(),
                UnsafeSwitches.NONE.withEngineFloor());
    }

    private static RaftStoreConfig config(UnsafeSwitches switches) {
        Member self = new Member("127.0.0.1", 7001);
        return UnsafeSwitches.on(RaftStoreConfig.builder().unsafePlaintext().self(self).members(List.of(self))
                .dataDir(Path.of("unused")).groupId(new GroupId(new byte[GroupId.LENGTH])), switches).build();
    }
}
