package io.dsp.dispatcher;

import io.dsp.testkit.DspIntegrationTest;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The dispatcher application against the JVM's real broker, configured from its own {@code dispatcher.yml}. Every
 * dispatcher integration test uses this one annotation, so they share one application context (one dispatcher in the
 * group). A test that adds settings of its own (TopUpGateIT) gets a context of its own; the test context cache holds
 * one context at a time ({@code spring.properties}), so the shared one is closed while it runs, never beside it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@DspIntegrationTest
@TestPropertySource(
        properties = {
            "spring.config.name=dispatcher",
            // One license with its own cap (TenantCapIT); one context at a time, so one dispatcher in the group.
            "dsp.dispatcher.tenant-caps[0].license-key=capped-tenant-it",
            "dsp.dispatcher.tenant-caps[0].cap=2",
            // Reconciliation only acts on workers that say what they hold; a short time keeps ReleaseWindowIT quick.
            "dsp.dispatcher.reconcile-after=5s",
            // The window ITs count exactly the free slots plus the fixed prefetch of 1 (FleetViewTest covers per-slot).
            "dsp.dispatcher.prefetch-per-slot=0",
            // The release-order ITs count releases beat by beat; holding top-ups back (ADR 035) shifts which beat a
            // release falls in. TopUpGateTest covers the gate; the system tests and the benchmarks run it at its
            // default, and TopUpGateIT runs it in the release loop with a clock it stops.
            "dsp.dispatcher.top-up-linger=0"
        })
public @interface DispatcherIntegrationTest {}
