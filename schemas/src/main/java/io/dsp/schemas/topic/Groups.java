package io.dsp.schemas.topic;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Consumer and share group ids that more than one module must agree on. */
public final class Groups {

    /** Classic consumer group of the dispatcher over every tenant topic; its lag is the waiting work. */
    public static final String DISPATCHER = "dsp.dispatcher";

    /** Classic consumer group of the dispatcher's automation lane over every automation tenant topic. */
    public static final String AUTOMATION_DISPATCHER = "dsp.dispatcher.automation";

    /** The automation fleet's share group on {@link Topics#AUTOMATION_DISPATCH}: one member per automation slot. */
    public static final String AUTOMATION_FLEET = "dsp.fleet.automation";

    /** The GPU fleet's share group on {@link Topics#DISPATCH}: every slot of every worker is one member. */
    public static final String GPU_FLEET = "dsp.fleet.gpu";

    /**
     * Group configs the fleet's share group needs before first use. A new share group starts at {@code latest}, which
     * would skip every task released before the first worker joined; and the dispatcher forwards in transactions, so
     * slots must never see a task from an aborted forward.
     */
    public static final Map<String, String> GPU_FLEET_CONFIGS =
            Map.of("share.auto.offset.reset", "earliest", "share.isolation.level", "read_committed");

    /** The longest a slot's share fetch waits at the broker for a record (ms); see {@link #GPU_FLEET_SLOT_CONSUMER}. */
    public static final int SLOT_FETCH_MAX_WAIT_MS = 50;

    /**
     * The consumer settings of every slot of the fleet (native workers and the gateway's slots for legacy workers):
     * one task per poll and nothing more ({@code record_limit} with {@code max.poll.records=1}; the default
     * {@code batch_optimized} acquired a whole producer batch, and every acquisition counts as a delivery), and
     * explicit acknowledgement, so a task is acknowledged only after its outcome is recorded. Keys and values are
     * bytes, decoded with the catalogue's serdes.
     *
     * <p>{@code fetch.max.wait.ms} is {@value #SLOT_FETCH_MAX_WAIT_MS} ms instead of the client's 500: a lease
     * renewal (and the confirmation after STARTED, ADR 023) gets its record back from the broker only with the next
     * share fetch, and one already parked at the broker answers after this wait when no new record arrives. Measured on
     * a quiet 2-core machine, 8 slots at 20 tasks/s: the confirmation took p99 403 ms with 500, 99 ms with 100, 7 ms
     * with 50. The price is an empty fetch every 50 ms per idle slot (20 requests/s); a new task still ends a parked
     * fetch at once, so the wait does not delay hand-overs.
     */
    public static final Map<String, Object> GPU_FLEET_SLOT_CONSUMER = Map.of(
            ConsumerConfig.GROUP_ID_CONFIG,
            GPU_FLEET,
            ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG,
            "explicit",
            ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG,
            "record_limit",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            1,
            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
            SLOT_FETCH_MAX_WAIT_MS,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class);

    /** The slot settings of {@link #GPU_FLEET_SLOT_CONSUMER} for another lane's share group. */
    public static Map<String, Object> slotConsumer(String shareGroup) {
        Map<String, Object> settings = new java.util.HashMap<>(GPU_FLEET_SLOT_CONSUMER);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, shareGroup);
        return Map.copyOf(settings);
    }

    private Groups() {}
}
