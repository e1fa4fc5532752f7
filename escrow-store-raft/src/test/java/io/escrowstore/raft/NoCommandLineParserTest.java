package io.escrowstore.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The store a service embeds carries no command-line parser: picocli belongs to the node launcher's
 * module, so it is on no class path of this module (its test class path includes every compile and
 * runtime dependency).
 */
class NoCommandLineParserTest {
    @Test
    void picocliIsNotOnThisModulesClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

        assertThat(Arrays.stream(classPath.split(File.pathSeparator))).noneMatch(entry -> entry.contains("picocli"));
        assertThatThrownBy(() -> Class.forName("picocli.CommandLine", false, getClass().getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
