package io.dsp.schemas.topic;

import java.util.Map;

/** Consumer and share group ids that more than one module must agree on. */
public final class Groups {

    /** Classic consumer group of the dispatcher over every tenant topic; its lag is the waiting work. */
    public static final String DISPATCHER = "dsp.dispatcher";

    /** The GPU fleet's share group on {@link Topics#DISPATCH}: every slot of every worker is one member. */
    public static final String GPU_FLEET = "dsp.fleet.gpu";

    /**
     * Group configs the fleet's share group needs before first use. A new share group starts at {@code latest}, which
     * would skip every task released before the first worker joined; and the dispatcher forwards in transactions, so
     * slots must never see a task from an aborted forward.
     */
    public static final Map<String, String> GPU_FLEET_CONFIGS =
            Map.of("share.auto.offset.reset", "earliest", "share.isolation.level", "read_committed");

    private Groups() {}
}
