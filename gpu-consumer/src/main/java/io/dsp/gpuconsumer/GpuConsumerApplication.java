package io.dsp.gpuconsumer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** A native GPU worker: its slots are members of the fleet's share group on {@code dsp.dispatch}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GpuConsumerApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * The application with its own configuration file, {@code gpu-consumer.yml}: services share one classpath in the
     * system tests, where a common {@code application.yml} would be ambiguous.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GpuConsumerApplication.class).properties("spring.config.name=gpu-consumer");
    }
}
