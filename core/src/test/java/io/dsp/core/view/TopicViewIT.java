package io.dsp.core.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.core.CoreBroker;
import io.dsp.schemas.metric.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/** The view's start rules and its one failure policy, against a real in-JVM KRaft broker. */
@CoreBroker
class TopicViewIT {

    private static String bootstrap;
    private static Admin admin;
    private static KafkaProducer<String, String> producer;

    private final List<String> applied = new CopyOnWriteArrayList<>();
    private final List<TopicView> views = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void connect(EmbeddedKafkaBroker broker) {
        bootstrap = broker.getBrokersAsString();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    static void disconnect() {
        producer.close();
        admin.close();
    }

    @AfterEach
    void stopViews() {
        views.forEach(TopicView::stop);
    }

    @Test
    void readsFromTheBeginningUpToStartBeforeItCountsAsCaughtUpThenFollows() throws Exception {
        String topic = newTopic();
        send(topic, "a", "b", "c");

        TopicView view = start(builder(topic, StartRule.beginning()).startupWait(Duration.ofSeconds(30), true));

        assertThat(view.caughtUp()).isTrue();
        assertThat(applied).containsExactly("a", "b", "c");
        send(topic, "d");
        await().atMost(Duration.ofSeconds(30)).until(() -> applied.contains("d"));
        assertThat(applied).containsExactly("a", "b", "c", "d");
    }

    @Test
    void startRulesBoundWhatIsReadAtStart() throws Exception {
        String topic = newTopic();
        send(topic, "1", "2", "3", "4", "5");
        List<String> lastTwo = new CopyOnWriteArrayList<>();
        List<String> fromNow = new CopyOnWriteArrayList<>();

        start(TopicView.builder("last-two", config())
                .follow(topic, StartRule.lastRecords(2), r -> lastTwo.add(text(r.value())))
                .startupWait(Duration.ofSeconds(30), true));
        start(TopicView.builder("from-now", config())
                .follow(topic, StartRule.now(), r -> fromNow.add(text(r.value())))
                .startupWait(Duration.ofSeconds(30), true));
        send(topic, "6");

        await().atMost(Duration.ofSeconds(30)).until(() -> lastTwo.contains("6") && fromNow.contains("6"));
        assertThat(lastTwo).containsExactly("4", "5", "6");
        assertThat(fromNow).containsExactly("6");
    }

    @Test
    void aRecordItCannotApplyIsSkippedAndCountedAndTheViewGoesOn() throws Exception {
        String topic = newTopic();
        send(topic, "good-1", "poison", "good-2");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        TopicView view = start(TopicView.builder("skipping", config())
                .meters(meters)
                .follow(topic, StartRule.beginning(), record -> {
                    String value = text(record.value());
                    if (value.equals("poison")) {
                        throw new IllegalArgumentException("cannot apply " + value);
                    }
                    applied.add(value);
                })
                .startupWait(Duration.ofSeconds(30), true));

        assertThat(applied).containsExactly("good-1", "good-2");
        assertThat(view.skippedRecords()).isEqualTo(1);
        assertThat(meters.get(MetricNames.VIEW_RECORDS_SKIPPED)
                        .tag(MetricNames.TAG_VIEW, "skipping")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(view.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aConsumerThatThrowsIsReplacedAndTheViewResumesWithoutReReadingFromTheStart() throws Exception {
        String topic = newTopic();
        send(topic, "a", "b");
        AtomicBoolean failNextPoll = new AtomicBoolean();
        List<Consumer<byte[], byte[]>> made = new CopyOnWriteArrayList<>();

        TopicView view = start(builder(topic, StartRule.beginning())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .consumerFactory(config -> {
                    Consumer<byte[], byte[]> consumer = new FailingConsumer(config, failNextPoll);
                    made.add(consumer);
                    return consumer;
                })
                .startupWait(Duration.ofSeconds(30), true));
        assertThat(applied).containsExactly("a", "b");

        failNextPoll.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.replacedConsumers() == 1);
        send(topic, "c");

        await().atMost(Duration.ofSeconds(30)).until(() -> applied.contains("c"));
        assertThat(applied).containsExactly("a", "b", "c");
        assertThat(made).hasSize(2);
        assertThat(view.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aViewStalledLongerThanItsBoundReportsDownUntilItRecovers() throws Exception {
        String topic = newTopic();
        send(topic, "a");
        AtomicBoolean broken = new AtomicBoolean();

        TopicView view = start(builder(topic, StartRule.beginning())
                .stallAfter(Duration.ofMillis(500))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100))
                .consumerFactory(config -> new FailingConsumer(config, broken, true))
                .startupWait(Duration.ofSeconds(30), true));
        assertThat(view.health().getStatus()).isEqualTo(Status.UP);

        broken.set(true);
        // A slow but healthy poll on a busy machine can pass the bound too; wait for the stall the failure causes.
        await().atMost(Duration.ofSeconds(30)).until(() -> view.failure().isPresent() && view.stalled());
        assertThat(view.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(view.health().getDetails()).containsKey("stalledFor");

        broken.set(false);
        send(topic, "b");
        await().atMost(Duration.ofSeconds(30)).until(() -> applied.contains("b"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> view.health().getStatus().equals(Status.UP));
        assertThat(applied).containsExactly("a", "b");
    }

    @Test
    void aViewNotYetCaughtUpIsOutOfServiceAndARequiredStartFailsWhenLate() {
        String missing = "view-missing-" + UUID.randomUUID();

        TopicView view = TopicView.builder("late", config())
                .follow(missing, StartRule.beginning(), r -> applied.add(text(r.value())))
                .startupWait(Duration.ofSeconds(1), true)
                .build();

        org.assertj.core.api.Assertions.assertThatThrownBy(view::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing);
        assertThat(view.caughtUp()).isFalse();
        assertThat(view.isRunning()).isFalse();
    }

    @Test
    void awaitCurrentEndReturnsOnceEverythingWrittenBeforeTheCallIsApplied() throws Exception {
        String topic = newTopic();
        TopicView view = start(builder(topic, StartRule.beginning()).startupWait(Duration.ofSeconds(30), true));

        send(topic, "x", "y");
        view.awaitCurrentEnd(topic, Duration.ofSeconds(30));

        assertThat(applied).containsExactly("x", "y");
    }

    @Test
    void aRecordWrittenAfterAnOpenTransactionIsSeenByAwaitWrittenEndOnceTheTransactionEnds() throws Exception {
        String topic = newTopic();
        Map<String, Object> readCommitted = new java.util.HashMap<>(config());
        readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicView view = start(TopicView.builder("test", readCommitted)
                .follow(topic, StartRule.beginning(), r -> applied.add(text(r.value())))
                .startupWait(Duration.ofSeconds(30), true));
        try (KafkaProducer<String, String> transactional = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "view-it-" + UUID.randomUUID(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class))) {
            transactional.initTransactions();
            transactional.beginTransaction();
            transactional
                    .send(new ProducerRecord<>(topic, "k", "in-transaction"))
                    .get();
            send(topic, "outcome"); // written after the open transaction, without one

            // the committed end stops at the open transaction: the outcome is not seen
            view.awaitCurrentEnd(topic, Duration.ofSeconds(30));
            assertThat(applied).doesNotContain("outcome");
            // past it, only once the transaction ends
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> view.awaitWrittenEnd(topic, Duration.ofMillis(500)))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            transactional.abortTransaction();
        }
        view.awaitWrittenEnd(topic, Duration.ofSeconds(30));

        assertThat(applied).containsExactly("outcome");
    }

    @Test
    void recordsWrittenBeforeTheViewStartedAreToldApart() throws Exception {
        String topic = newTopic();
        send(topic, "old");
        List<String> live = new CopyOnWriteArrayList<>();
        TopicView[] self = new TopicView[1];
        self[0] = start(TopicView.builder("routing", config())
                .follow(topic, StartRule.beginning(), record -> {
                    if (!self[0].readAtStart(record)) {
                        live.add(text(record.value()));
                    }
                })
                .startupWait(Duration.ofSeconds(30), true));

        send(topic, "new");

        await().atMost(Duration.ofSeconds(30)).until(() -> live.contains("new"));
        assertThat(live).containsExactly("new");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** A real consumer whose polls throw while {@code failing} is set: once, or for as long as it stays set. */
    private static final class FailingConsumer extends KafkaConsumer<byte[], byte[]> {
        private final AtomicBoolean failing;
        private final boolean sticky;

        FailingConsumer(Map<String, Object> config, AtomicBoolean failing) {
            this(config, failing, false);
        }

        FailingConsumer(Map<String, Object> config, AtomicBoolean failing, boolean sticky) {
            super(config);
            this.failing = failing;
            this.sticky = sticky;
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            if (sticky ? failing.get() : failing.getAndSet(false)) {
                throw new KafkaException("injected fetch failure");
            }
            return super.poll(timeout);
        }
    }

    private TopicView start(TopicView.Builder builder) {
        TopicView view = builder.build();
        views.add(view);
        view.start();
        return view;
    }

    private TopicView.Builder builder(String topic, StartRule start) {
        return TopicView.builder("test", config()).follow(topic, start, r -> applied.add(text(r.value())));
    }

    private static Map<String, Object> config() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    }

    private static String newTopic() throws Exception {
        String topic = "view-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        return topic;
    }

    private static void send(String topic, String... values) throws Exception {
        for (String value : values) {
            // one key: one partition, so the order is the order sent
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
