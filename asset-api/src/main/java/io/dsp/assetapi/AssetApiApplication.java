package io.dsp.assetapi;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** HTTP edge of DSP on Kafka: the legacy {@code /api/...} endpoints, answered from Kafka. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AssetApiApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * The application with its own configuration file, {@code asset-api.yml}: services share one classpath in the
     * system tests, where a common {@code application.yml} would be ambiguous.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(AssetApiApplication.class).properties("spring.config.name=asset-api");
    }
}
