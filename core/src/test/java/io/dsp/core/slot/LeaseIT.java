package io.dsp.core.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dsp.core.CoreBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/** The lease both kinds of fleet slot hold their task with, against a real broker with share groups and a 2 s lock. */
@CoreBroker
class LeaseIT {

    private static final Duration LOCK = Duration.ofSeconds(2);

    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void connect(EmbeddedKafkaBroker broker) {
        bootstrap = broker.getBrokersAsString();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @Test
    void aRenewedLeaseKeepsItsRecordPastTheLockFromEveryOtherMemberUntilItIsAccepted() throws Exception {
        String topic = topicWithOneTask();
        String group = newGroup();

        try (ShareConsumer<byte[], byte[]> holder = member(group, topic)) {
            ConsumerRecord<byte[], byte[]> record = acquire(holder);
            Lease lease = new Lease(holder, record, LOCK.dividedBy(4));
            OtherMember other = new OtherMember(group, topic);

            // the work runs three locks long
            CompletableFuture<String> work = CompletableFuture.supplyAsync(
                    () -> "done", CompletableFuture.delayedExecutor(LOCK.toMillis() * 3, TimeUnit.MILLISECONDS));
            assertThat(lease.await(work)).isEqualTo("done");
            assertThat(lease.renewals()).isGreaterThanOrEqualTo(6);
            assertThat(lease.acknowledge(AcknowledgeType.ACCEPT)).isEmpty();

            // accepted: nobody gets it, not even after a further lock
            other.assertGetsNothingWithin(LOCK.multipliedBy(2));
        }
    }

    @Test
    void anAcceptThatRidesOnTheNextPollEndsTheHoldWithThatPollAndItsAnswerReachesTheCallback() throws Exception {
        String topic = topicWithOneTask();
        String group = newGroup();
        List<Map<org.apache.kafka.common.TopicIdPartition, java.util.Set<Long>>> answered =
                new CopyOnWriteArrayList<>();
        List<Exception> errors = new CopyOnWriteArrayList<>();

        try (ShareConsumer<byte[], byte[]> holder = member(group, topic)) {
            holder.setAcknowledgementCommitCallback((offsets, error) -> {
                answered.add(offsets);
                if (error != null) {
                    errors.add(error);
                }
            });
            ConsumerRecord<byte[], byte[]> record = acquire(holder);
            Lease lease = new Lease(holder, record, LOCK.dividedBy(4));
            assertThatThrownBy(() -> lease.acknowledgeWithNextPoll(AcknowledgeType.RELEASE))
                    .isInstanceOf(IllegalArgumentException.class);

            assertThat(lease.acknowledgeWithNextPoll(AcknowledgeType.ACCEPT)).isEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                assertThat(holder.poll(Duration.ofMillis(200))).isEmpty();
                return !answered.isEmpty();
            });
            assertThat(errors).isEmpty();
            assertThat(answered.get(0).values())
                    .singleElement()
                    .satisfies(offsets -> assertThat(offsets).containsExactly(record.offset()));

            // accepted with that poll: nobody gets it after a further lock, though the holder never committed
            new OtherMember(group, topic).assertGetsNothingWithin(LOCK.multipliedBy(2));
        }
    }

    @Test
    void aLeaseNotRenewedInTimeLosesItsRecordToAnotherMemberAndSaysSoWhenItTries() throws Exception {
        String topic = topicWithOneTask();
        String group = newGroup();

        try (ShareConsumer<byte[], byte[]> holder = member(group, topic);
                ShareConsumer<byte[], byte[]> other = member(group, topic)) {
            Lease lease = new Lease(holder, acquire(holder), LOCK.dividedBy(4));

            ConsumerRecord<byte[], byte[]> again = acquire(other);
            assertThat(again.deliveryCount()).contains((short) 2);

            assertThatThrownBy(lease::renew).isInstanceOf(Lease.LockLost.class);
            other.acknowledge(again, AcknowledgeType.ACCEPT);
            other.commitSync();
        }
    }

    @Test
    void aLeaseConfirmsItsRecordOnlyWhileNoOtherMemberHasAcquiredIt() throws Exception {
        String topic = topicWithOneTask();
        String group = newGroup();

        try (ShareConsumer<byte[], byte[]> holder = member(group, topic);
                ShareConsumer<byte[], byte[]> other = member(group, topic)) {
            Lease lease = new Lease(holder, acquire(holder), LOCK.dividedBy(4));
            lease.confirm();
            assertThat(lease.renewals()).isEqualTo(1);

            // the lock runs out while nothing renews it, as a broker restart forgets it: the other member takes it
            ConsumerRecord<byte[], byte[]> again = acquire(other);

            assertThatThrownBy(lease::confirm).isInstanceOf(Lease.LockLost.class);
            other.acknowledge(again, AcknowledgeType.ACCEPT);
            other.commitSync();
        }
    }

    @Test
    void aLeaseIsSurelyHeldOnlyWhileNoWholeLockCanHavePassedSinceTheLastRenewalTheBrokerGranted() throws Exception {
        String topic = topicWithOneTask();
        String group = newGroup();

        try (ShareConsumer<byte[], byte[]> holder = member(group, topic)) {
            Lease lease = new Lease(holder, acquire(holder), LOCK.dividedBy(4));
            lease.renew();
            assertThat(lease.surelyHeld()).isTrue();

            // nothing renews it, as in a worker frozen by a pause: within the lock it stops counting as surely held
            await().atMost(LOCK).pollInterval(Duration.ofMillis(20)).until(() -> !lease.surelyHeld());
        }
    }

    @Test
    void aLeaseThatMayHaveLapsedIsLostForGoodWhateverTheBrokerWouldAnswer() throws Exception {
        String topic = topicWithOneTask();
        String group = newGroup();

        try (ShareConsumer<byte[], byte[]> holder = member(group, topic)) {
            Lease lease = new Lease(holder, acquire(holder), LOCK.dividedBy(4));
            lease.renew();

            // frozen past the lock; nobody else took the record meanwhile, so the broker could hand it back, but
            // another member might have run and finished it in between: the lease must not count it as its own
            TimeUnit.MILLISECONDS.sleep(LOCK.toMillis() + 500);
            assertThatThrownBy(lease::renew).isInstanceOf(Lease.LockLost.class);
            assertThat(lease.surelyHeld()).isFalse();
            assertThatThrownBy(lease::confirm).isInstanceOf(Lease.LockLost.class);
        }
        try (ShareConsumer<byte[], byte[]> other = member(group, topic)) {
            ConsumerRecord<byte[], byte[]> again = acquire(other);
            assertThat(again.deliveryCount()).contains((short) 2);
            other.acknowledge(again, AcknowledgeType.ACCEPT);
            other.commitSync();
        }
    }

    /** Another member of the group, polling from when it is made: it takes what the broker hands it, and gives it back. */
    private static final class OtherMember {
        private final List<ConsumerRecord<byte[], byte[]>> taken = new CopyOnWriteArrayList<>();
        private final AtomicBoolean polling = new AtomicBoolean(true);
        private final CompletableFuture<Void> member;

        OtherMember(String group, String topic) {
            member = CompletableFuture.runAsync(() -> {
                try (ShareConsumer<byte[], byte[]> other = member(group, topic)) {
                    while (polling.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : other.poll(Duration.ofMillis(200))) {
                            taken.add(r);
                            other.acknowledge(r, AcknowledgeType.RELEASE);
                        }
                    }
                }
            });
        }

        /** Polls this much longer, then leaves the group; the broker must have handed it nothing all along. */
        void assertGetsNothingWithin(Duration more) {
            CompletableFuture.runAsync(
                            () -> {}, CompletableFuture.delayedExecutor(more.toMillis(), TimeUnit.MILLISECONDS))
                    .join();
            polling.set(false);
            member.join();
            assertThat(taken).isEmpty();
        }
    }

    private static ConsumerRecord<byte[], byte[]> acquire(ShareConsumer<byte[], byte[]> consumer) {
        List<ConsumerRecord<byte[], byte[]>> got = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            return !got.isEmpty();
        });
        assertThat(got).hasSize(1);
        return got.get(0);
    }

    private static String topicWithOneTask() throws Exception {
        String topic = "lease-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topic, "task".getBytes())).get();
        }
        return topic;
    }

    private static String newGroup() throws Exception {
        String group = "lease-group-" + UUID.randomUUID();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        admin.incrementalAlterConfigs(Map.of(
                        resource,
                        List.of(
                                new AlterConfigOp(
                                        new ConfigEntry("share.auto.offset.reset", "earliest"),
                                        AlterConfigOp.OpType.SET),
                                new AlterConfigOp(
                                        new ConfigEntry(
                                                "share.record.lock.duration.ms", String.valueOf(LOCK.toMillis())),
                                        AlterConfigOp.OpType.SET))))
                .all()
                .get();
        return group;
    }

    private static ShareConsumer<byte[], byte[]> member(String group, String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config);
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
