package io.escrowstore.raft;

import io.escrowstore.raft.internal.admin.ClusterAdminSingleNodeTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is optional: a store runs its main paths in a class loader whose class path is this
 * module's test class path without Micrometer's jars, and only {@link EscrowStoreMetrics} needs it.
 */
class NoMicrometerTest {
    @TempDir
    Path dataDir;

    @Test
    void storeRunsWithoutMicrometerOnTheClassPath() throws Exception {
        try (URLClassLoader withoutMicrometer = new URLClassLoader(classPathWithout("micrometer"),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> withoutMicrometer.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .isInstanceOf(ClassNotFoundException.class);

            Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
            Object summary = withoutMicrometer.loadClass(NoMicrometerProbe.class.getName())
                    .getMethod("run", String.class, int.class)
                    .invoke(null, dataDir.toString(), ClusterAdminSingleNodeTest.freePort());

            assertThat(summary.toString()).matches("accepted=true members=1 applied=\\d+");
            assertThatThrownBy(() -> Class.forName(EscrowStoreMetrics.class.getName(), true, withoutMicrometer))
                    .as("only the binder needs Micrometer").isInstanceOf(NoClassDefFoundError.class);
            // the store's netty threads end after their quiet period, once close has returned; a class loader
            // closed under them fails their last class loads, which awaitility would report in a later test
            await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> !thread.isDaemon() && !before.contains(thread)
                            && thread != Thread.currentThread()));
        }
    }

    private static URL[] classPathWithout(String excluded) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.isBlank() && !entry.contains(excluded))
                .map(entry -> {
                    try {
                        return new File(entry).toURI().toURL();
                    } catch (MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toArray(URL[]::new);
    }
}
