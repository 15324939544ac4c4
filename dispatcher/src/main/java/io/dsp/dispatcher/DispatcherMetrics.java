package io.dsp.dispatcher;

/** Names of the dispatcher's meters, in one place. */
public final class DispatcherMetrics {

    /** Gauge: tasks the dispatcher may release now. */
    public static final String WINDOW = "dsp.dispatcher.window";

    /** Gauge: released tasks without a terminal event. */
    public static final String IN_FLIGHT = "dsp.dispatcher.in.flight";

    /** Gauge: slots of live workers. */
    public static final String FLEET_SLOTS = "dsp.dispatcher.fleet.slots";

    /** Counter: tasks no longer counted in flight because no live worker held them while slots were free. */
    public static final String RECONCILED = "dsp.dispatcher.in.flight.reconciled";

    /**
     * Counter: tasks released here that the broker archived with no outcome (their worker died on their last
     * delivery), each then dead-lettered by the dispatcher.
     */
    public static final String ARCHIVED_ENDED = "dsp.dispatcher.archived.dead_lettered";

    /**
     * Counter: times the release loop began holding back releases that only top up the prefetch
     * ({@code dsp.dispatcher.top-up-linger}, ADR 035), to send them in one transaction.
     */
    public static final String TOP_UP_HOLDS = "dsp.dispatcher.top_up.holds";

    /** Counter: tasks released into dsp.dispatch. */
    public static final String RELEASED = "dsp.dispatcher.released";

    /** Counter: second copies of a request id in flight or finished, dropped instead of released. */
    public static final String DUPLICATES = "dsp.dispatcher.duplicates";

    /**
     * Counter: tasks a tenant topic's retention deleted before they were released, each range recorded as a
     * {@code BACKLOG_EXPIRED} dead letter (ADR 020).
     */
    public static final String BACKLOG_EXPIRED = "dsp.dispatcher.backlog.expired";

    /** Counter: records in tenant topics that could not be decoded and were skipped. */
    public static final String UNDECODABLE = "dsp.dispatcher.undecodable";

    /** A lane gauge's name: the GPU lane keeps the plain names, another lane's sit under {@code dsp.dispatcher.<lane>}. */
    public static String ofLane(String name, io.dsp.schemas.topic.Lane lane) {
        return lane == io.dsp.schemas.topic.Lane.GPU
                ? name
                : name.replace("dsp.dispatcher.", "dsp.dispatcher." + lane.wireName() + ".");
    }

    private DispatcherMetrics() {}
}
