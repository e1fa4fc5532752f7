package io.escrowstore.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void holdsOnlyCallsThatStartAndEndInside() {
        Window w = new Window(100, 200);
        assertThat(w.holds(100, 200)).isTrue();
        assertThat(w.holds(99, 150)).isFalse();
        assertThat(w.holds(150, 201)).isFalse();
    }

    @Test
    void coldWindowIsTheStartOfTheLoadCappedAtTheWarmUp() {
        assertThat(Window.cold(1_000, 50_000, 10_000)).isEqualTo(new Window(1_000, 11_000));
        assertThat(Window.cold(1_000, 5_000, 10_000)).isEqualTo(new Window(1_000, 5_000));
    }

    @Test
    void coldWindowWithoutWarmUpHoldsNothing() {
        Window none = Window.cold(1_000, 1_000, 10_000);
        assertThat(none.holds(1_000, 1_000)).isFalse();
    }
}
