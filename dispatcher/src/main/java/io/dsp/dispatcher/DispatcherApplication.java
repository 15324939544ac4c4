package io.dsp.dispatcher;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Releases waiting tasks from every tenant topic into {@code dsp.dispatch} as the GPU fleet has room. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DispatcherApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /**
     * The application with its own configuration file, {@code dispatcher.yml}: services share one classpath in the
     * system tests, where a common {@code application.yml} would be ambiguous.
     */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(DispatcherApplication.class).properties("spring.config.name=dispatcher");
    }
}
