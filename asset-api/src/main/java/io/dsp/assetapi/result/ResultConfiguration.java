package io.dsp.assetapi.result;

import io.dsp.core.store.ResultLinkSettings;
import io.dsp.core.store.ResultLinks;
import io.dsp.core.store.ResultStore;
import io.dsp.core.store.ResultStoreSettings;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The central result store asset-api serves downloads from (and sweeps), and the signed links to them. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ResultStoreSettings.class, ResultLinkSettings.class})
class ResultConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ResultConfiguration.class);

    @Bean
    ResultStore resultStore(ResultStoreSettings settings) {
        ResultStore store = settings.open();
        log.info("results are read from {}", store.describe());
        return store;
    }

    @Bean
    ResultLinks resultLinks(ResultLinkSettings settings, Clock clock) {
        if (settings.secret().isBlank()) {
            log.warn("dsp.results.links.secret is blank: result_url stays null; downloads need the license's headers");
        }
        return new ResultLinks(settings, clock);
    }
}
