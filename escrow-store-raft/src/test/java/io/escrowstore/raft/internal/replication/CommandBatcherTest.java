package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.internal.ledger.Commands;

/** Group commit: which queued commands travel together, and when. */
class CommandBatcherTest {
    /** A queued command named for the assertions; {@code key} null means it travels alone. */
    record Item(String name, byte[] command, ByteString batchKey) implements CommandBatcher.Queued {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Item keyed(String name, String key) {
        return new Item(name, new byte[10], ByteString.copyFromUtf8(key));
    }

    private static Item keyed(String name, String key, int bytes) {
        return new Item(name, new byte[bytes], ByteString.copyFromUtf8(key));
    }

    private static Item alone(String name) {
        return new Item(name, new byte[10], null);
    }

    private static Item changesNothing(String name) {
        return new Item(name, new byte[10], ByteString.EMPTY);
    }

    /** Records every batch sent; {@link #finishOldest()} plays the sender finishing one. */
    private static final class Recorder {
        final List<List<Item>> sent = new ArrayList<>();
        int outstanding;
        int mostOutstanding;
        final CommandBatcher<Item> batcher;

        Recorder(int window) {
            batcher = new CommandBatcher<>(window, batch -> {
                sent.add(List.copyOf(batch));
                outstanding++;
                mostOutstanding = Math.max(mostOutstanding, outstanding);
            });
        }

        void add(Item... items) {
            for (Item item : items) {
                batcher.add(item);
            }
        }

        void finishOldest() {
            outstanding--;
            batcher.done();
        }

        List<String> names(int batch) {
            return sent.get(batch).stream().map(Item::name).toList();
        }

        List<Item> all() {
            return sent.stream().flatMap(List::stream).toList();
        }
    }

    @Test
    void commandsWithTheEmptyKeyJoinAnyBatchAndConflictWithNoOther() {
        Recorder recorder = new Recorder(1);
        recorder.add(keyed("first", "k1"));

        recorder.add(changesNothing("r1"), keyed("a", "k2"), changesNothing("r2"), changesNothing("r3"),
                keyed("b", "k3"), alone("x"), changesNothing("r4"));
        recorder.finishOldest();
        recorder.finishOldest();

        assertThat(recorder.names(1)).containsExactly("r1", "a", "r2", "r3", "b");
        assertThat(recorder.names(2)).as("a command without a key still ends its batch").containsExactly("x");
        recorder.finishOldest();
        assertThat(recorder.names(3)).containsExactly("r4");
    }

    @Test
    void aLoneCommandIsSentAtOnceInABatchOfItsOwn() {
        Recorder recorder = new Recorder(2);

        recorder.add(keyed("a", "k1"));

        assertThat(recorder.sent).hasSize(1);
        assertThat(recorder.names(0)).containsExactly("a");
        assertThat(recorder.batcher.queued()).isZero();
    }

    @Test
    void whileTheWindowIsFullCommandsQueueAndTheNextBatchTakesThemAllInOrder() {
        Recorder recorder = new Recorder(1);
        recorder.add(keyed("a", "k1"));

        recorder.add(keyed("b", "k2"), keyed("c", "k3"), keyed("d", "k1"));

        assertThat(recorder.sent).hasSize(1);
        assertThat(recorder.batcher.queued()).isEqualTo(3);
        recorder.finishOldest();
        assertThat(recorder.sent).hasSize(2);
        assertThat(recorder.names(1)).containsExactly("b", "c", "d");
        assertThat(recorder.batcher.queued()).isZero();
    }

    @Test
    void neverMoreThanWindowBatchesAreOutstandingAndEveryCommandIsSentOnceInOrder() {
        Random random = new Random(23);
        Recorder recorder = new Recorder(3);
        List<Item> added = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Item item = random.nextInt(10) == 0 ? alone("n" + i) : keyed("c" + i, "k" + random.nextInt(20));
            added.add(item);
            recorder.add(item);
            if (recorder.outstanding > 0 && random.nextInt(3) == 0) {
                recorder.finishOldest();
            }
        }
        while (recorder.outstanding > 0) {
            recorder.finishOldest();
        }

        assertThat(recorder.mostOutstanding).isEqualTo(3);
        assertThat(recorder.batcher.queued()).isZero();
        assertThat(recorder.all()).containsExactlyElementsOf(added);
        assertThat(recorder.sent).allSatisfy(batch -> assertThat(batch.stream().map(Item::batchKey).distinct())
                .as("keys of %s", batch).hasSameSizeAs(batch));
    }

    @Test
    void theWindowLetsThatManyBatchesOutBeforeQueueing() {
        Recorder recorder = new Recorder(2);

        recorder.add(alone("a"), alone("b"), alone("c"), keyed("d", "k1"));

        assertThat(recorder.sent).hasSize(2);
        assertThat(recorder.batcher.queued()).isEqualTo(2);
        recorder.finishOldest();
        assertThat(recorder.sent).hasSize(3);
        assertThat(recorder.names(2)).containsExactly("c");
        recorder.finishOldest();
        assertThat(recorder.names(3)).containsExactly("d");
    }

    @Test
    void aRepeatedBatchKeyEndsTheBatchAndTheRepeatGoesFirstIntoTheNext() {
        Recorder recorder = new Recorder(1);
        recorder.add(keyed("first", "k9"));
        recorder.add(keyed("a", "k1"), keyed("b", "k2"), keyed("c", "k1"), keyed("d", "k3"), keyed("e", "k2"));

        recorder.finishOldest();
        recorder.finishOldest();

        assertThat(recorder.names(1)).containsExactly("a", "b");
        assertThat(recorder.names(2)).containsExactly("c", "d", "e");
    }

    @Test
    void aCommandWithoutKeyTravelsAloneWhetherItComesFirstOrAfterOthers() {
        Recorder recorder = new Recorder(1);
        recorder.add(keyed("first", "k9"));
        recorder.add(alone("n1"), keyed("a", "k1"), keyed("b", "k2"), alone("n2"), alone("n3"), keyed("c", "k1"));

        for (int i = 0; i < 5; i++) {
            recorder.finishOldest();
        }

        assertThat(recorder.sent).extracting(batch -> batch.stream().map(Item::name).toList()).containsExactly(
                List.of("first"), List.of("n1"), List.of("a", "b"), List.of("n2"), List.of("n3"), List.of("c"));
    }

    @Test
    void aBatchHoldsAtMostMaxBatchCommands() {
        Recorder recorder = new Recorder(1);
        recorder.add(keyed("first", "first"));
        for (int i = 0; i < 2 * Commands.MAX_BATCH_COMMANDS + 1; i++) {
            recorder.add(keyed("c" + i, "k" + i));
        }

        recorder.finishOldest();
        recorder.finishOldest();
        recorder.finishOldest();

        assertThat(recorder.sent).extracting(List::size)
                .containsExactly(1, Commands.MAX_BATCH_COMMANDS, Commands.MAX_BATCH_COMMANDS, 1);
        assertThat(recorder.names(3)).containsExactly("c" + 2 * Commands.MAX_BATCH_COMMANDS);
    }

    @Test
    void aBatchHoldsAtMostMaxBatchBytes() {
        int half = Commands.MAX_BATCH_BYTES / 2;
        Recorder recorder = new Recorder(1);
        recorder.add(keyed("first", "first"));
        recorder.add(keyed("a", "k1", half), keyed("b", "k2", half), keyed("c", "k3", 1), keyed("d", "k4", half),
                keyed("e", "k5", half), keyed("f", "k6", 1));

        recorder.finishOldest();
        recorder.finishOldest();
        recorder.finishOldest();

        assertThat(recorder.names(1)).as("exactly the limit fits").containsExactly("a", "b");
        assertThat(recorder.names(2)).as("one byte over does not").containsExactly("c", "d");
        assertThat(recorder.names(3)).containsExactly("e", "f");
    }

    @Test
    void aCommandLargerThanABatchStillGoesAlone() {
        Recorder recorder = new Recorder(1);
        recorder.add(keyed("first", "first"));
        recorder.add(keyed("huge", "k1", Commands.MAX_BATCH_BYTES + 1), keyed("small", "k2"));

        recorder.finishOldest();
        recorder.finishOldest();

        assertThat(recorder.names(1)).containsExactly("huge");
        assertThat(recorder.names(2)).containsExactly("small");
    }

    @Test
    void aSenderThatFinishesABatchAtOnceGetsTheNextRightAway() {
        List<List<Item>> sent = new ArrayList<>();
        AtomicReference<CommandBatcher<Item>> batcher = new AtomicReference<>();
        batcher.set(new CommandBatcher<>(1, batch -> {
            sent.add(List.copyOf(batch));
            batcher.get().done();
        }));

        batcher.get().add(keyed("a", "k1"));
        batcher.get().add(alone("n"));
        batcher.get().add(keyed("b", "k1"));

        assertThat(sent).extracting(List::size).containsExactly(1, 1, 1);
        assertThat(batcher.get().queued()).isZero();
    }

    @Test
    void aSenderThatFinishesAtOnceDrainsALongQueueWithoutRecursing() {
        List<Item> sent = new ArrayList<>();
        AtomicReference<CommandBatcher<Item>> batcher = new AtomicReference<>();
        boolean[] holding = {true};
        batcher.set(new CommandBatcher<>(1, batch -> {
            sent.addAll(batch);
            if (!holding[0]) {
                batcher.get().done();
            }
        }));
        batcher.get().add(alone("first"));
        for (int i = 0; i < 50_000; i++) {
            batcher.get().add(alone("n" + i));
        }
        assertThat(batcher.get().queued()).isEqualTo(50_000);

        holding[0] = false;
        batcher.get().done();

        assertThat(sent).hasSize(50_001);
        assertThat(sent.get(50_000).name()).isEqualTo("n49999");
        assertThat(batcher.get().queued()).isZero();
    }

    @Test
    void aSenderThatThrowsDoesNotStopLaterBatches() {
        List<List<Item>> sent = new ArrayList<>();
        AtomicReference<CommandBatcher<Item>> batcher = new AtomicReference<>();
        batcher.set(new CommandBatcher<>(2, batch -> {
            sent.add(List.copyOf(batch));
            if (sent.size() == 1) {
                throw new IllegalStateException("sender failed");
            }
        }));

        assertThatThrownBy(() -> batcher.get().add(keyed("a", "k1"))).hasMessage("sender failed");
        batcher.get().add(keyed("b", "k2"));

        assertThat(sent).extracting(List::size).containsExactly(1, 1);
        assertThat(sent.get(1)).extracting(Item::name).containsExactly("b");
    }

    @Test
    void aWindowBelowOneIsRefused() {
        for (int window : new int[] {0, -1}) {
            assertThatThrownBy(() -> new CommandBatcher<Item>(window, batch -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("window must be >= 1 but was " + window);
        }
    }
}
