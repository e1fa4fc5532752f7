package io.escrowstore.example.paid.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.ECKeyPair;
import org.web3j.utils.Numeric;

/**
 * A local Ethereum chain: ganache 7 from the example's {@code chain/node_modules}, run by Node on
 * loopback ({@code chain/start-chain.js}), each transaction mined into its own block at once.
 * Started with the given accounts funded; stopped (the process destroyed) by {@link #close()}, and
 * by itself when this JVM dies (its standard input, a pipe from this JVM, closes).
 */
public final class LocalChain implements AutoCloseable {
    private static final BigInteger ONE_THOUSAND_ETHER = BigInteger.TEN.pow(21);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final String url;

    private LocalChain(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** The example's chain folder: system property {@code paid.chain.dir}, else {@code chain} or {@code examples/paid-service/chain}. */
    public static Path defaultDir() {
        String configured = System.getProperty("paid.chain.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        Path here = Path.of("chain");
        return Files.isDirectory(here) ? here : Path.of("examples", "paid-service", "chain");
    }

    /** True if {@code npm ci} has been run in {@code dir}: ganache and the contract packages are there. */
    public static boolean installed(Path dir) {
        Path modules = dir.resolve("node_modules");
        return Files.isRegularFile(modules.resolve("ganache/dist/node/cli.js"))
                && Files.isDirectory(modules.resolve("singularitynet-platform-contracts/bytecode"))
                && Files.isDirectory(modules.resolve("singularitynet-token-contracts/bytecode"));
    }

    /**
     * Starts ganache on a free loopback port and waits until it answers.
     *
     * @param dir the chain folder with {@code node_modules} installed
     * @param funded accounts given 1,000 ether each
     * @param log where ganache's output goes
     * @throws IllegalStateException if the packages are not installed or the chain does not answer in time
     */
    public static LocalChain start(Path dir, List<ECKeyPair> funded, Path log) {
        if (!installed(dir)) {
            throw new IllegalStateException("the chain's npm packages are not installed: run `npm ci` in " + dir);
        }
        int port = LoopbackPorts.free();
        List<String> command = new ArrayList<>(List.of("node", dir.resolve("start-chain.js").toString(),
                "--server.host", "127.0.0.1", "--server.port", Integer.toString(port),
                "--chain.chainId", Long.toString(Ethereum.CHAIN_ID), "--logging.quiet"));
        for (ECKeyPair key : funded) {
            command.add("--wallet.accounts");
            command.add(Numeric.toHexStringWithPrefixZeroPadded(key.getPrivateKey(), 64) + "," + ONE_THOUSAND_ETHER);
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node (is Node.js on the PATH?)", e);
        }
        LocalChain chain = new LocalChain(process, "http://127.0.0.1:" + port);
        chain.awaitAnswer();
        return chain;
    }

    /** The JSON-RPC endpoint. */
    public String url() {
        return url;
    }

    private void awaitAnswer() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Ethereum probe = Ethereum.connect(url)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("ganache exited with " + process.exitValue());
                }
                if (probe.answers()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("ganache did not answer on " + url + " within " + START_TIMEOUT);
                }
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the chain", e);
        }
    }

    /** Stops ganache; the chain's state is gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
