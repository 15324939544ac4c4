package io.dsp.gateway.client;

import io.dsp.core.intake.IntakeProducer;
import io.dsp.gateway.GatewayNode;
import io.dsp.gateway.GatewaySettings;
import io.dsp.schemas.access.ServicePrincipal;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ProducerFactory;

@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

    /** Tasks from WebSocket clients are written in a transaction each, so a refused one never runs (ADR 019). */
    @Bean
    IntakeProducer intakeProducer(
            ProducerFactory<byte[], byte[]> producers, GatewaySettings settings, GatewayNode node) {
        return new IntakeProducer(
                producers, ServicePrincipal.GATEWAY_INTAKE_TRANSACTIONAL_ID_PREFIX, node.id(), settings.sendTimeout());
    }
}
