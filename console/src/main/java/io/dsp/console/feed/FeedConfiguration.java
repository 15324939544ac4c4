package io.dsp.console.feed;

import io.dsp.console.ConsoleSettings;
import io.dsp.console.board.Board;
import io.dsp.schemas.topic.TopicProvisioner;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
class FeedConfiguration {

    @Bean
    Board board(ConsoleSettings settings) {
        return new Board(
                settings.recentTasks(),
                settings.stepsPerTask(),
                settings.deadLetters(),
                settings.goneWorkersShownFor());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The topics the console reads must exist before it assigns their partitions, even on a fresh broker. */
    @Bean
    SharedTopics sharedTopics(KafkaAdmin kafkaAdmin) {
        TopicProvisioner.provision(kafkaAdmin.getConfigurationProperties());
        return new SharedTopics();
    }

    /** Marks that the shared topics exist; the feed depends on it. */
    static final class SharedTopics {}
}
