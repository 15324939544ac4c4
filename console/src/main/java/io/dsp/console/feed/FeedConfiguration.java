package io.dsp.console.feed;

import io.dsp.console.ConsoleSettings;
import io.dsp.console.board.Board;
import io.dsp.core.kafka.ClientSecurity;
import io.dsp.core.view.StartRule;
import io.dsp.core.view.TopicView;
import io.dsp.schemas.serde.WriterSchemas;
import io.dsp.schemas.topic.TopicProvisioner;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
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

    /**
     * Feeds the board, outside any group (every console instance reads everything itself and commits nothing), so a
     * restart rebuilds the board from Kafka alone. The topics are created first: a view does not open on a topic that
     * does not exist (a fresh broker).
     */
    @Bean
    TopicView boardView(
            KafkaAdmin admin,
            ConsumerFactory<byte[], byte[]> consumers,
            Board board,
            ConsoleSettings settings,
            MeterRegistry meters,
            Clock clock) {
        TopicProvisioner.provision(admin.getConfigurationProperties());
        WriterSchemas.read(ClientSecurity.of(admin.getConfigurationProperties()));
        return boardView(consumers.getConfigurationProperties(), board, settings.lookbackRecords())
                .meters(meters)
                .clock(clock)
                .build();
    }

    /**
     * The board's four topics: the compacted ones ({@code dsp.workers}, {@code dsp.queue-facts}) whole, the others
     * ({@code dsp.task-events}, {@code dsp.dead-letters}) from {@code lookbackRecords} before their end, so start-up
     * time is bounded whatever their retention. Read committed: DISPATCHED steps of aborted releases never show.
     */
    static TopicView.Builder boardView(Map<String, Object> kafkaConfig, Board board, long lookbackRecords) {
        return TopicView.builder("console-board", kafkaConfig)
                .followEntries(Topics.WORKERS, StartRule.beginning(), board::presence)
                .followEntries(Topics.QUEUE_FACTS, StartRule.beginning(), board::queueFacts)
                .followValues(Topics.TASK_EVENTS, StartRule.lastRecords(lookbackRecords), board::taskEvent)
                .followEntries(Topics.DEAD_LETTERS, StartRule.lastRecords(lookbackRecords), board::deadLetter)
                .onCaughtUp(board::markCaughtUp);
    }
}
