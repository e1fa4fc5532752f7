package io.escrowstore.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, read from this module's sources: the public package
 * holds exactly the public classes, the ledger names no Raft engine type, no internal class calls
 * back up into the store facade, and the test-only package is reached only at the wiring point.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/io/escrowstore/raft");
    private static final Set<String> PUBLIC_CLASSES = Set.of("RaftPaymentStore", "RaftStoreConfig", "TlsConfig",
            "StateDigest", "EscrowStoreMetrics", "TimeSource");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void thePublicPackageHoldsExactlyTheListedClasses() {
        try (Stream<Path> files = Files.list(SOURCES)) {
            Set<String> classes = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".java") && !n.equals("package-info.java"))
                    .map(n -> n.substring(0, n.length() - ".java".length())).collect(Collectors.toSet());
            assertThat(classes).isEqualTo(PUBLIC_CLASSES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theLedgerNamesNoRaftEngineType() {
        Map<String, String> ledger = code(SOURCES.resolve("internal/ledger"));
        assertThat(ledger).isNotEmpty();
        assertThat(ledger).allSatisfy((file, code) -> assertThat(code).as(file).doesNotContain("com.alipay"));
    }

    @Test
    void noInternalClassCallsBackIntoTheStoreFacade() {
        Map<String, String> internal = code(SOURCES.resolve("internal"));
        assertThat(internal).allSatisfy((file, code) -> assertThat(code).as(file)
                .doesNotContain("io.escrowstore.raft.RaftPaymentStore"));
    }

    @Test
    void onlyTheWiringPointAndTheConfigCarrierNameTheTestOnlyPackage() {
        Map<String, String> all = code(SOURCES);
        Set<String> allowed = Set.of(SOURCES.resolve("RaftPaymentStore.java").toString(),
                SOURCES.resolve("RaftStoreConfig.java").toString());
        String testing = SOURCES.resolve("internal/testing").toString();
        assertThat(all).containsKeys(allowed.toArray(String[]::new));
        assertThat(all).allSatisfy((file, code) -> {
            if (!allowed.contains(file) && !file.startsWith(testing)) {
                assertThat(code).as(file).doesNotContain("io.escrowstore.raft.internal.testing");
            }
        });
    }

    /** Every source file under {@code dir}, comments removed, by path. */
    private static Map<String, String> code(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            Map<String, String> code = new TreeMap<>();
            for (Path source : sources) {
                code.put(source.toString(), COMMENT.matcher(Files.readString(source)).replaceAll(""));
            }
            return code;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
