package io.dsp.gateway;

import io.dsp.testkit.DspIntegrationTest;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/** The gateway on a random port against the real test broker; its configuration comes from gateway.yml. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@DspIntegrationTest
@TestPropertySource(properties = "spring.config.name=gateway")
@interface GatewayIntegrationTest {}
