package io.escrowstore.testkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EscrowDemoTest {
    @Test
    void shortDemoSurvivesLeaderStopWithCleanVerdicts() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit = EscrowDemo.run(6, 16, 4, 1, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        assertThat(output).contains("stopping the leader", "restarting node", "double-accepted: 0",
                "lost acknowledged: 0", "| accepted ");
    }
}
