package io.escrowstore.launcher;

import io.escrowstore.Member;
import io.escrowstore.raft.internal.admin.NodeAdminClient;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The node launcher's client commands: ask a running node over its admin RPC (the same requests
 * members send each other) and exit. {@code status} answers from the node asked, with lag per
 * member when that node leads; the membership commands are run by the leader wherever they are
 * sent. {@code restore-snapshot} ({@link RestoreSnapshotCommand}) works offline on a data
 * directory. Exit codes: 0 done, 1 refused or no answer, 2 invalid options.
 */
@Command(name = "escrow-store-node", subcommands = {AdminCommands.Status.class, AdminCommands.AddMember.class,
    AdminCommands.RemoveMember.class, AdminCommands.ReplaceMember.class, AdminCommands.TransferLeadership.class,
    RestoreSnapshotCommand.class},
        description = "Asks a running escrow-store node over its admin RPC, or restores a snapshot offline.")
final class AdminCommands {
    private static final Set<String> NAMES = Set.of("status", "add-member", "remove-member", "replace-member",
            "transfer-leadership", "restore-snapshot");

    private AdminCommands() {
    }

    static boolean handles(String firstArgument) {
        return NAMES.contains(firstArgument);
    }

    /**
     * Runs one command. Only its answer goes to standard output: bolt's logging library prints a
     * notice there when it starts, so the library's standard output is sent to standard error
     * while the command runs.
     */
    static int run(String... args) {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return commandLine().setOut(new PrintWriter(stdout, true)).execute(args);
        } finally {
            System.setOut(stdout);
        }
    }

    static CommandLine commandLine() {
        return new CommandLine(new AdminCommands())
                .registerConverter(Duration.class, new LauncherConverters.DurationConverter())
                .registerConverter(Member.class, new LauncherConverters.MemberConverter());
    }

    /** Which node to ask, from the flags, else the {@code --config} file. */
    static final class Target {
        @Option(names = "--node", paramLabel = "HOST:PORT",
                description = "The node to ask (any member). Default: 'self' of the --config file.")
        Member node;

        @Option(names = "--config", paramLabel = "FILE",
                description = "A node's launcher properties file: its 'self' and 'raft-group' say whom to ask.")
        Path config;

        @Option(names = "--raft-group", paramLabel = "NAME",
                description = "Raft group name. Default: the --config file's, else escrow-store.")
        String raftGroup;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        /**
         * A client of the node to ask. If the --config file has {@code tls-*} keys it connects with
         * the operator key store of its {@code tls-operator-key-store*} keys (required then: a
         * member's key may not send admin commands) and accepts only a node whose certificate
         * names a host of the file's {@code members} or the node asked.
         */
        NodeAdminClient connect() {
            Map<String, String> file = Map.of();
            Member asked = node;
            try {
                if (config != null) {
                    file = NodeConfigFile.read(config);
                }
                if (asked == null) {
                    asked = StoreProperties.self(file).orElseThrow(() -> new ParameterException(spec.commandLine(),
                            "Give --node HOST:PORT, or --config FILE with 'self'"));
                }
                Set<String> hosts = new HashSet<>();
                for (Member member : StoreProperties.members(file)) {
                    hosts.add(member.host().toLowerCase(Locale.ROOT));
                }
                hosts.add(asked.host().toLowerCase(Locale.ROOT));
                String group = raftGroup != null ? raftGroup : StoreProperties.raftGroup(file);
                return NodeAdminClient.connect(asked, group, StoreProperties.operatorTls(file), hosts);
            } catch (UncheckedIOException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid --config file " + config + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Sends one request, waits for the answer, prints it; shared by every command. */
    abstract static class Client implements Callable<Integer> {
        @Mixin
        Target target;

        @Spec
        CommandSpec spec;

        abstract NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException;

        @Override
        public Integer call() throws InterruptedException {
            try (NodeAdminClient client = target.connect()) {
                NodeAdminClient.Answer answer = ask(client);
                PrintWriter stream = answer.outcome() == NodeAdminClient.Outcome.DONE
                        ? spec.commandLine().getOut() : spec.commandLine().getErr();
                stream.println(answer.text());
                stream.flush();
                return answer.outcome() == NodeAdminClient.Outcome.DONE
                        ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
            }
        }
    }

    @Command(name = "status", description = "Shows the node's view: state, leader, term, indexes, members; "
            + "and lag per member when the node leads.")
    static final class Status extends Client {
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
                description = "How long to wait for the answer. Default: ${DEFAULT-VALUE}.")
        Duration timeout;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.status(timeout);
        }
    }

    /** A membership command: prints the voting members after the change. */
    abstract static class Change extends Client {
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2m",
                description = "Deadline of the change, catch-up included (the node's --admin-timeout caps it). "
                        + "Default: ${DEFAULT-VALUE}.")
        Duration timeout;
    }

    @Command(name = "add-member", description = "Adds a running joining node (started with --join) as a voting "
            + "member, once it caught up.")
    static final class AddMember extends Change {
        @Parameters(paramLabel = "HOST:PORT", description = "The joining node.")
        Member member;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.addMember(member, timeout);
        }
    }

    @Command(name = "remove-member", description = "Removes a member; removing the leader hands leadership over first.")
    static final class RemoveMember extends Change {
        @Parameters(paramLabel = "HOST:PORT", description = "The member to remove.")
        Member member;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.removeMember(member, timeout);
        }
    }

    @Command(name = "replace-member", description = "Adds a joining node, then removes the member it replaces.")
    static final class ReplaceMember extends Change {
        @Parameters(index = "0", paramLabel = "OLD", description = "The member to replace (it may be down).")
        Member old;

        @Parameters(index = "1", paramLabel = "NEW", description = "The joining node that replaces it.")
        Member replacement;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.replaceMember(old, replacement, timeout);
        }
    }

    @Command(name = "transfer-leadership", description = "Makes a voting member the leader.")
    static final class TransferLeadership extends Change {
        @Parameters(paramLabel = "HOST:PORT", description = "The member to lead.")
        Member member;

        @Override
        NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException {
            return client.transferLeadership(member, timeout);
        }
    }
}
