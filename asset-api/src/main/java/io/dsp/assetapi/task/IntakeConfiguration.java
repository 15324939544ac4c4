package io.dsp.assetapi.task;

import io.dsp.assetapi.AssetApiSettings;
import io.dsp.core.intake.IntakeProducer;
import io.dsp.schemas.access.ServicePrincipal;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ProducerFactory;

@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

    /** Tasks from HTTP are written in a transaction each, so a refused one never runs (ADR 019). */
    @Bean
    IntakeProducer intakeProducer(ProducerFactory<byte[], byte[]> producers, AssetApiSettings settings) {
        return new IntakeProducer(
                producers,
                ServicePrincipal.ASSET_API_INTAKE_TRANSACTIONAL_ID_PREFIX,
                settings.nodeId(),
                settings.sendTimeout());
    }
}
