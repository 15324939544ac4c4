package io.dsp.console.feed;

import io.dsp.console.ConsoleMetrics;
import io.dsp.console.ConsoleSettings;
import io.dsp.console.board.Board;
import io.dsp.schemas.topic.TopicSpec;
import io.dsp.schemas.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Feeds the {@link Board} from the four topics it shows. Not a group member: every console instance reads everything
 * itself, from the start of the compacted topics ({@code dsp.workers}, {@code dsp.queue-facts}) and from a bounded
 * look-back of the others, so a restart rebuilds the board from Kafka alone and nothing is committed anywhere.
 */
@Component
class BoardFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BoardFeed.class);

    private static final List<TopicSpec<?, ?>> COMPACTED = List.of(Topics.WORKERS, Topics.QUEUE_FACTS);
    private static final List<TopicSpec<?, ?>> LOOKED_BACK = List.of(Topics.TASK_EVENTS, Topics.DEAD_LETTERS);

    private final ConsumerFactory<byte[], byte[]> consumers;
    private final Board board;
    private final ConsoleSettings settings;
    private final Counter records;
    private final Counter undecodable;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile RuntimeException failure;

    BoardFeed(
            ConsumerFactory<byte[], byte[]> consumers,
            Board board,
            ConsoleSettings settings,
            MeterRegistry meters,
            FeedConfiguration.SharedTopics topicsExist) {
        this.consumers = consumers;
        this.board = board;
        this.settings = settings;
        this.records = Counter.builder(ConsoleMetrics.FEED_RECORDS)
                .description("Records the console applied to its board")
                .register(meters);
        this.undecodable = Counter.builder(ConsoleMetrics.FEED_UNDECODABLE)
                .description("Records the console could not decode and skipped")
                .register(meters);
    }

    @Override
    public void start() {
        running = true;
        consumer = consumers.createConsumer(null, "console-feed", null, null);
        thread = new Thread(this::run, "console-board-feed");
        thread.start();
    }

    private void run() {
        long pauseMillis = 1000;
        while (running) {
            try {
                Map<TopicPartition, Long> ends = assignAndSeek();
                log.info("reading the board's topics: {} partitions", ends.size());
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        apply(record);
                    }
                    if (!board.caughtUp()
                            && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                        board.markCaughtUp();
                        log.info("board caught up with the topics");
                    }
                    failure = null;
                    pauseMillis = 1000;
                }
            } catch (WakeupException e) {
                // stop() woke us up
            } catch (RuntimeException e) {
                // Re-reading is harmless: every model applies records idempotently.
                failure = e;
                log.error("board feed failed; reading the topics again in {} ms", pauseMillis, e);
            }
            if (running && failure != null) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                pauseMillis = Math.min(pauseMillis * 2, 30_000);
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    private Map<TopicPartition, Long> assignAndSeek() {
        List<TopicPartition> whole = partitions(COMPACTED);
        List<TopicPartition> recent = partitions(LOOKED_BACK);
        List<TopicPartition> all = new ArrayList<>(whole);
        all.addAll(recent);
        consumer.assign(all);
        consumer.seekToBeginning(whole);
        Map<TopicPartition, Long> ends = consumer.endOffsets(all);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(recent);
        for (TopicPartition tp : recent) {
            consumer.seek(tp, LookBack.start(begins.get(tp), ends.get(tp), settings.lookbackRecords()));
        }
        return ends;
    }

    private List<TopicPartition> partitions(List<TopicSpec<?, ?>> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicSpec<?, ?> topic : topics) {
            consumer.partitionsFor(topic.name())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        return partitions;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            String topic = record.topic();
            if (topic.equals(Topics.WORKERS.name())) {
                board.presence(Topics.WORKERS.key(record), Topics.WORKERS.value(record));
            } else if (topic.equals(Topics.QUEUE_FACTS.name())) {
                board.queueFacts(Topics.QUEUE_FACTS.key(record), Topics.QUEUE_FACTS.value(record));
            } else if (topic.equals(Topics.TASK_EVENTS.name())) {
                if (record.value() != null) {
                    board.taskEvent(Topics.TASK_EVENTS.value(record));
                }
            } else if (topic.equals(Topics.DEAD_LETTERS.name())) {
                board.deadLetter(Topics.DEAD_LETTERS.key(record), Topics.DEAD_LETTERS.value(record));
            }
            records.increment();
        } catch (SerializationException e) {
            undecodable.increment();
            log.warn(
                    "skipped undecodable record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Why the feed is failing, if it is; reported by the health endpoint. */
    Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }
}
