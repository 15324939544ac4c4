package io.dsp.dispatcher.support;

import io.dsp.dispatcher.fleet.FleetView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the dispatcher integration tests: each test starts with no live worker and nothing in flight, drives the
 * fleet through {@link #fleet}, and leaves it quiet again (the dispatcher is shared by every test in the JVM).
 */
public abstract class QuietFleetTest {

    @Autowired
    protected FleetView view;

    protected FleetDriver fleet;

    @BeforeEach
    void startWithAQuietFleet() {
        fleet = new FleetDriver(view);
        fleet.awaitQuietFleet();
    }

    @AfterEach
    void leaveAQuietFleet() throws InterruptedException {
        fleet.close();
    }
}
