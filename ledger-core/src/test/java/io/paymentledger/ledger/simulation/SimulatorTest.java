package io.paymentledger.ledger.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.ledger.Ledger;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private final AtomicInteger authorizations = new AtomicInteger();

    /** A ledger whose accounts open fine and whose every authorization fails, as when the database goes away. */
    private Ledger failingLedger() {
        return (Ledger) Proxy.newProxyInstance(Ledger.class.getClassLoader(), new Class<?>[] {Ledger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("authorize")) {
                        authorizations.incrementAndGet();
                        throw new IllegalStateException("connection refused");
                    }
                    return null;
                });
    }

    @Test
    void theFirstUnexpectedFailureStopsEveryThreadAndIsReported() {
        Simulator simulator = new Simulator(failingLedger(), Clock.systemUTC());

        assertThatThrownBy(() -> simulator.run(new SimulationSettings(10, 100_000, 4, 0, 1, "fail"),
                Duration.ofMinutes(1), progress -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("simulation stopped: connection refused");
        assertThat(authorizations.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void settingsNameTheOptionThatIsOutOfRange() {
        assertThatThrownBy(() -> new SimulationSettings(1, 10, 1, 0, 1, "x")).hasMessageContaining("--accounts");
        assertThatThrownBy(() -> new SimulationSettings(10, 0, 1, 0, 1, "x")).hasMessageContaining("--payments");
        assertThatThrownBy(() -> new SimulationSettings(10, 10, 0, 0, 1, "x")).hasMessageContaining("--threads");
        assertThatThrownBy(() -> new SimulationSettings(10, 10, 1, -1, 1, "x")).hasMessageContaining("--rate");
    }
}
