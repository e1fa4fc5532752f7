package io.escrowstore.raft;

import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import io.escrowstore.raft.proto.EscrowProto.ClusterInfo;
import io.escrowstore.raft.proto.EscrowProto.MemberInfo;
import io.escrowstore.raft.proto.EscrowProto.NodeInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    /** Which node to ask, and how long to wait. */
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

        private final Properties file = new Properties();

        /**
         * The TLS identity of the --config file's member (the admin command connects as that
         * member), or null if the file names no key store; the node's certificate must name one of
         * the file's members.
         */
        TransportSecurity security() {
            try {
                return LauncherTls.from(file::getProperty).map(tls -> TransportSecurity.of(tls, () -> memberHosts(),
                        "admin")).orElse(null);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid TLS settings in --config file " + config + ": "
                        + e.getMessage());
            }
        }

        private java.util.Set<String> memberHosts() {
            java.util.Set<String> hosts = new java.util.HashSet<>();
            for (String member : file.getProperty("members", "").split(",")) {
                if (!member.isBlank()) {
                    hosts.add(Member.parse(member.trim()).host().toLowerCase(java.util.Locale.ROOT));
                }
            }
            hosts.add(node.host().toLowerCase(java.util.Locale.ROOT));
            return hosts;
        }

        /** The node to ask and its group, from the flags, else the config file. */
        AdminRequest.Builder request(AdminRequest.Kind kind) {
            if (config != null) {
                try (Reader in = Files.newBufferedReader(config)) {
                    file.load(in);
                } catch (IOException | IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "Cannot read --config file " + config + ": " + e);
                }
            }
            if (node == null) {
                String self = file.getProperty("self");
                if (self == null) {
                    throw new ParameterException(spec.commandLine(), "Give --node HOST:PORT, or --config FILE with 'self'");
                }
                node = new LauncherConverters.MemberConverter().convert(self);
            }
            String group = raftGroup != null ? raftGroup : file.getProperty("raft-group", "escrow-store").trim();
            return AdminRequest.newBuilder().setGroup(group).setKind(kind);
        }
    }

    /** Sends one request, waits for the answer, prints it; shared by every command. */
    abstract static class Client implements Callable<Integer> {
        @Mixin
        Target target;

        @Spec
        CommandSpec spec;

        abstract AdminRequest request();

        abstract Duration timeout();

        abstract void print(AdminResponse answer, PrintWriter out);

        @Override
        public Integer call() throws Exception {
            AdminRequest request = request().toBuilder().setTimeoutMillis(timeout().toMillis()).build();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            TransportSecurity security = target.security();
            ExecutorService executor = Executors.newSingleThreadExecutor(new NamedThreads("escrow-admin"));
            try (AdminClient client = new AdminClient(executor, security == null ? null : security.clientHelper())) {
                AdminClient.Sent sent = client.send(target.node, request, timeout().toMillis() + 1_000)
                        .get(timeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
                if (sent.response() == null) {
                    err.println("No answer from " + target.node + ": " + sent.failure());
                    return CommandLine.ExitCode.SOFTWARE;
                }
                if (sent.response().getStatus() != AdminResponse.Status.OK) {
                    AdminResponse answer = sent.response();
                    err.println(answer.getStatus() + ": " + answer.getError()
                            + (answer.getLeaderHint().isEmpty() ? "" : " (leader: " + answer.getLeaderHint() + ")"));
                    return CommandLine.ExitCode.SOFTWARE;
                }
                print(sent.response(), out);
                out.flush();
                return CommandLine.ExitCode.OK;
            } finally {
                executor.shutdownNow();
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
        AdminRequest request() {
            return target.request(AdminRequest.Kind.DESCRIBE).build();
        }

        @Override
        Duration timeout() {
            return timeout;
        }

        @Override
        void print(AdminResponse answer, PrintWriter out) {
            NodeInfo node = answer.getNode();
            out.printf("node       %s%n", node.getSelf());
            out.printf("state      %s%n", node.getState());
            out.printf("leader     %s%n", node.getLeader().isEmpty() ? "none known" : node.getLeader());
            out.printf("term       %d%n", node.getTerm());
            out.printf("applied    %d   committed %d   last log %d   snapshot %d%n", node.getAppliedIndex(),
                    node.getCommittedIndex(), node.getLastLogIndex(), node.getSnapshotIndex());
            out.printf("members    %s%n", String.join(", ", node.getMembersList()));
            out.printf("joining    %s%n", node.getJoiningList().isEmpty() ? "-" : String.join(", ", node.getJoiningList()));
            if (answer.hasCluster()) {
                printCluster(answer.getCluster(), out);
            } else if (!node.getLeader().isEmpty()) {
                out.printf("(lag per member: ask the leader, %s)%n", node.getLeader());
            }
        }

        private static void printCluster(ClusterInfo cluster, PrintWriter out) {
            out.printf("%nmember                 role      reachable  applied       lag   (leader commit index %d)%n",
                    cluster.getCommitIndex());
            for (MemberInfo m : cluster.getMembersList()) {
                row(m, m.getMember().equals(cluster.getLeader()) ? "leader" : "follower", out);
            }
            for (MemberInfo m : cluster.getJoiningList()) {
                row(m, "joining", out);
            }
        }

        private static void row(MemberInfo m, String role, PrintWriter out) {
            out.printf("%-22s %-9s %-10s %-13s %s%n", m.getMember(), role, m.getReachable() ? "yes" : "no",
                    m.getReachable() ? Long.toString(m.getAppliedIndex()) : "-",
                    m.getReachable() ? Long.toString(m.getLag()) : "-");
        }
    }

    /** A membership command: prints the voting members after the change. */
    abstract static class Change extends Client {
        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2m",
                description = "Deadline of the change, catch-up included (the node's --admin-timeout caps it). "
                        + "Default: ${DEFAULT-VALUE}.")
        Duration timeout;

        @Override
        Duration timeout() {
            return timeout;
        }

        @Override
        void print(AdminResponse answer, PrintWriter out) {
            List<String> members = answer.getMembersList();
            out.println(members.isEmpty() ? "leader " + answer.getLeaderHint() : "members " + String.join(", ", members));
        }
    }

    @Command(name = "add-member", description = "Adds a running joining node (started with --join) as a voting "
            + "member, once it caught up.")
    static final class AddMember extends Change {
        @Parameters(paramLabel = "HOST:PORT", description = "The joining node.")
        Member member;

        @Override
        AdminRequest request() {
            return target.request(AdminRequest.Kind.ADD_MEMBER).setMember(member.toString()).build();
        }
    }

    @Command(name = "remove-member", description = "Removes a member; removing the leader hands leadership over first.")
    static final class RemoveMember extends Change {
        @Parameters(paramLabel = "HOST:PORT", description = "The member to remove.")
        Member member;

        @Override
        AdminRequest request() {
            return target.request(AdminRequest.Kind.REMOVE_MEMBER).setMember(member.toString()).build();
        }
    }

    @Command(name = "replace-member", description = "Adds a joining node, then removes the member it replaces.")
    static final class ReplaceMember extends Change {
        @Parameters(index = "0", paramLabel = "OLD", description = "The member to replace (it may be down).")
        Member old;

        @Parameters(index = "1", paramLabel = "NEW", description = "The joining node that replaces it.")
        Member replacement;

        @Override
        AdminRequest request() {
            return target.request(AdminRequest.Kind.REPLACE_MEMBER).setMember(old.toString())
                    .setReplacement(replacement.toString()).build();
        }
    }

    @Command(name = "transfer-leadership", description = "Makes a voting member the leader.")
    static final class TransferLeadership extends Change {
        @Parameters(paramLabel = "HOST:PORT", description = "The member to lead.")
        Member member;

        @Override
        AdminRequest request() {
            return target.request(AdminRequest.Kind.TRANSFER_LEADERSHIP).setMember(member.toString()).build();
        }
    }
}
