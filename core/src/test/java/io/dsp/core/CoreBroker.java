package io.dsp.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * The integration-test broker of this module, declared once: a real in-JVM KRaft broker that creates no topic by
 * itself and runs share groups on a single node (without the share-coordinator settings share consumers silently
 * receive nothing). A test class gets it as the {@code EmbeddedKafkaBroker} parameter of its {@code @BeforeAll}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@EmbeddedKafka(
        brokerProperties = {
            "auto.create.topics.enable=false",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "group.share.min.record.lock.duration.ms=1000"
        })
public @interface CoreBroker {}
