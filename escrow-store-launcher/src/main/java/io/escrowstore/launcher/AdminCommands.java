package io.escrowstore.launcher;

import io.escrowstore.Member;
import io.escrowstore.raft.TlsConfig;
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
import java.util.Optional;
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
 * sent; the operator commands ({@link OperatorCommands}) read the store's data linearizably or
 * release a reservation through the leader. {@code restore-snapshot} ({@link RestoreSnapshotCommand})
 * works offline on a data directory. Every command asking a node prints text, or JSON with
 * {@code -o json}. Exit codes: 0 done, 1 refused or not found, 2 invalid options (or plaintext not
 * allowed), 3 node unreachable or without a leader or quorum.
 */
@Command(name = "escrow-store-node", subcommands = {AdminCommands.Status.class, AdminCommands.AddMember.class,
    AdminCommands.RemoveMember.class, AdminCommands.ReplaceMember.class, AdminCommands.TransferLeadership.class,
    OperatorCommands.Channels.class, OperatorCommands.Channel.class, OperatorCommands.Outcome.class,
    OperatorCommands.Unclaimed.class, OperatorCommands.Settlements.class, OperatorCommands.ReleaseReservation.class,
    RestoreSnapshotCommand.class},
        description = "Asks a running escrow-store node over its admin RPC, or restores a snapshot offline.")
final class AdminCommands {
    private static final Set<String> NAMES = Set.of("status", "add-member", "remove-member", "replace-member",
            "transfer-leadership", "restore-snapshot", "channels", "channel", "outcome", "unclaimed", "settlements",
            "release-reservation");
    /** Exit code of a node that could not be reached, or had no leader or quorum. */
    static final int UNAVAILABLE = 3;

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

        @Option(names = "--unsafe-plaintext",
                description = "Connect without TLS when the --config file has no tls-* keys (and does not "
                        + "say unsafe-plaintext=true itself). Only on a network only the members reach.")
        boolean unsafePlaintext;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        /**
         * A client of the node to ask. If the --config file has {@code tls-*} keys it connects with
         * the operator key store of its {@code tls-operator-key-store*} keys (required then: a
         * member's key may not send admin commands) and accepts only a node whose certificate
         * names a host of the file's {@code members} or the node asked. Without TLS it refuses to
         * connect unless {@code --unsafe-plaintext} is given or the file says
         * {@code unsafe-plaintext=true}.
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
                Optional<TlsConfig> tls = StoreProperties.operatorTls(file);
                if (tls.isEmpty() && !unsafePlaintext && !"true".equalsIgnoreCase(
                        file.getOrDefault(StoreProperties.UNSAFE_PLAINTEXT, "").trim())) {
                    throw new ParameterException(spec.commandLine(), "Refusing to connect without TLS: give "
                            + "--config FILE with the group's tls-* and tls-operator-key-store* keys, or --unsafe-plaintext");
                }
                return NodeAdminClient.connect(asked, group, tls, hosts);
            } catch (UncheckedIOException | IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid --config file " + config + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** How an answer is printed. */
    enum Format { TEXT, TABLE, JSON }

    /**
     * Sends one request, waits for the answer, prints it (as text, or with {@code -o json} as one
     * JSON document) on standard output, or a refusal on standard error; shared by every command.
     */
    abstract static class Client implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
                description = "text (or table, the same) or json. Default: ${DEFAULT-VALUE}.")
        String output;

        @Spec
        CommandSpec spec;

        abstract NodeAdminClient.Answer ask(NodeAdminClient client) throws InterruptedException;

        @Override
        public Integer call() throws InterruptedException {
            Format format = format();
            try (NodeAdminClient client = target.connect()) {
                NodeAdminClient.Answer answer = ask(client);
                boolean done = answer.outcome() == NodeAdminClient.Outcome.DONE;
                PrintWriter stream = done ? spec.commandLine().getOut() : spec.commandLine().getErr();
                stream.println(done && format == Format.JSON ? JsonWriter.write(answer.data()) : answer.text());
                stream.flush();
                return switch (answer.outcome()) {
                    case DONE -> CommandLine.ExitCode.OK;
                    case REFUSED, NOT_FOUND -> CommandLine.ExitCode.SOFTWARE;
                    case NO_ANSWER -> UNAVAILABLE;
                };
            }
        }

        private Format format() {
            try {
                return Format.valueOf(output.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "-o must be text, table or json, not '" + output + "'");
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
