package io.dsp.gpuconsumer.results;

import io.dsp.core.store.ResultStore;
import io.dsp.core.store.ResultStoreSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The central result store this worker writes finished videos to ({@code dsp.results.*}). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResultStoreSettings.class)
class ResultStoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ResultStoreConfiguration.class);

    @Bean
    ResultStore resultStore(ResultStoreSettings settings) {
        ResultStore store = settings.open();
        log.info("results go to {}", store.describe());
        return store;
    }
}
