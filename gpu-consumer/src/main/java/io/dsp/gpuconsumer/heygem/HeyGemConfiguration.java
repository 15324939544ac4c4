package io.dsp.gpuconsumer.heygem;

import io.dsp.core.blob.BlobClient;
import java.util.random.RandomGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/** The one engine {@code dsp.gpu-consumer.heygem.engine} names. */
@Configuration(proxyBeanMethods = false)
class HeyGemConfiguration {

    @Bean
    HeyGemEngine heyGemEngine(
            HeyGemSettings settings,
            EngineFiles results,
            BlobClient blobs,
            JsonMapper json,
            RestClient.Builder restClients) {
        return switch (settings.engine()) {
            case SIMULATED -> new SimulatedEngine(settings.simulated(), results, RandomGenerator.getDefault());
            case HTTP -> new HeyGemHttpEngine(settings.http(), blobs, results, json, restClients);
        };
    }
}
