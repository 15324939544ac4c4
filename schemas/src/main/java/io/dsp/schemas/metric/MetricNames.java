package io.dsp.schemas.metric;

/**
 * Every metric name the services publish (Micrometer, exported at {@code /actuator/prometheus} with {@code .} turned
 * into {@code _} and unit suffixes added), in one place, so dashboards, alerts and code agree. Tag keys are below.
 */
public final class MetricNames {

    /** Counter: tasks accepted at an edge (asset-api, gateway). Tags: {@link #TAG_TASK_TYPE}, {@link #TAG_SOURCE}. */
    public static final String TASKS_ACCEPTED = "dsp.tasks.accepted";

    /** Counter: tasks released into {@code dsp.dispatch} by the dispatcher. Tags: {@link #TAG_TASK_TYPE}. */
    public static final String TASKS_DISPATCHED = "dsp.tasks.dispatched";

    /** Counter: tasks that ended well on a worker. Tags: {@link #TAG_TASK_TYPE}, {@link #TAG_SOURCE}. */
    public static final String TASKS_SUCCEEDED = "dsp.tasks.succeeded";

    /** Counter: tasks that ended in failure on a worker. Tags: {@link #TAG_TASK_TYPE}, {@link #TAG_SOURCE}. */
    public static final String TASKS_FAILED = "dsp.tasks.failed";

    /** Counter: tasks written to {@code dsp.dead-letters}. Tags: {@link #TAG_TASK_TYPE}, {@code reason}. */
    public static final String TASKS_DEAD_LETTERED = "dsp.tasks.dead_lettered";

    /** Counter: tasks cancelled before or while running. Tags: {@link #TAG_TASK_TYPE}, {@link #TAG_SOURCE}. */
    public static final String TASKS_CANCELLED = "dsp.tasks.cancelled";

    /** Timer (histogram): accepted at the edge to released into {@code dsp.dispatch}. Tags: {@link #TAG_PRIORITY}. */
    public static final String DISPATCH_LATENCY = "dsp.dispatch.latency";

    /** Timer (histogram): started to terminal on a worker. Tags: {@link #TAG_TASK_TYPE}, {@link #TAG_OUTCOME}. */
    public static final String TASK_DURATION = "dsp.task.duration";

    /** Gauge: tasks waiting in a tenant's topics. Tags: {@link #TAG_TENANT} (masked license key). */
    public static final String BACKLOG = "dsp.backlog";

    /** Gauge: age in seconds of the oldest waiting task of a tenant. Tags: {@link #TAG_TENANT}. */
    public static final String OLDEST_WAIT = "dsp.backlog.oldest.age";

    /** Gauge: tasks a worker is running now. Tags: {@link #TAG_WORKER}. */
    public static final String WORKER_IN_FLIGHT = "dsp.worker.in_flight";

    /** Gauge: live fleet members. Tags: {@code kind} (native, legacy). */
    public static final String WORKERS_ONLINE = "dsp.workers.online";

    /** Gauge: open WebSocket connections on a gateway. Tags: {@link #TAG_ROLE} (worker, gpu_monitor, client). */
    public static final String WS_CONNECTIONS = "dsp.ws.connections";

    /** Counter: inputs refused at an edge (bad frame, bad body, auth). Tags: {@link #TAG_SOURCE}, {@code reason}. */
    public static final String INPUT_REJECTED = "dsp.input.rejected";

    /**
     * Counter: outcomes a task ledger set aside as stale, written by an attempt whose task was handed on and started
     * again (its worker lost the lock while paused or cut off; ADR 018).
     */
    public static final String LEDGER_STALE_OUTCOMES = "dsp.ledger.outcomes.stale";

    /** Counter: a legacy worker's outcome sent again by its gateway because a send failed (a broker restart). */
    public static final String LEGACY_OUTCOME_RESENDS = "dsp.gateway.legacy.outcome.resends";

    /**
     * Counter: legacy workers' outcomes a gateway stopped before it could record them, kept on its disk ({@link
     * #TAG_STEP} {@code kept}), then sent at its next start ({@code replayed}) or found recorded already
     * ({@code found}); ADR 032.
     */
    public static final String LEGACY_OUTCOME_JOURNAL = "dsp.gateway.legacy.outcome.journal";

    /**
     * Counter: deliveries a gateway's legacy slots acknowledged without handing them to a worker, the task having ended
     * already: {@link #TAG_SEEN_IN} {@code ledger}, or {@code recorder} for an outcome this gateway recorded that the
     * ledger did not show yet (a transaction a broker restart left open; ADR 006).
     */
    public static final String LEGACY_ENDED_SKIPPED = "dsp.gateway.legacy.ended.skipped";

    /** Tag of {@link #LEGACY_ENDED_SKIPPED}: where the task's outcome was found. */
    public static final String TAG_SEEN_IN = "seen_in";

    /**
     * Gauge: tasks whose history a task ledger holds in memory: those with an event within its horizon (ADR 024), plus
     * at most one prune interval of older ones.
     */
    public static final String LEDGER_TASKS = "dsp.ledger.tasks";

    /** Counter: task histories a task ledger forgot because the task had no event within its horizon (ADR 024). */
    public static final String LEDGER_TASKS_PRUNED = "dsp.ledger.tasks.pruned";

    /** Counter: records a topic view applied. Tags: {@link #TAG_VIEW}. */
    public static final String VIEW_RECORDS_APPLIED = "dsp.view.records.applied";

    /** Counter: records a topic view could not apply and skipped. Tags: {@link #TAG_VIEW}. */
    public static final String VIEW_RECORDS_SKIPPED = "dsp.view.records.skipped";

    /** Counter: consumers a topic view replaced after they failed. Tags: {@link #TAG_VIEW}. */
    public static final String VIEW_CONSUMERS_REPLACED = "dsp.view.consumers.replaced";

    /** Gauge: records between a topic view's positions and its topics' ends. Tags: {@link #TAG_VIEW}. */
    public static final String VIEW_LAG = "dsp.view.lag";

    /** Gauge: 1 while a topic view is stalled (health DOWN). Tags: {@link #TAG_VIEW}. */
    public static final String VIEW_STALLED = "dsp.view.stalled";

    /**
     * Gauge: 1 while a service configured with Redis works without it (asset-api and gateway quotas counted in this
     * process, the gateway's {@code dsp:workers} not kept), 0 while Redis answers. Tags: {@link #TAG_SOURCE}.
     */
    public static final String REDIS_FALLBACK = "dsp.redis.fallback";

    /** Counter: times a service fell back from Redis (one per outage, not per command). Tags: {@link #TAG_SOURCE}. */
    public static final String REDIS_FALLBACKS = "dsp.redis.fallbacks";

    /**
     * Counter: tasks run alone on their worker, native or legacy, because as many of their attempts as
     * {@code quarantine-after} ended with their worker dying, none of them alone there (ADR 038): the run tells a task
     * that kills workers from one that died beside it. Tags: {@link #TAG_SOURCE}.
     */
    public static final String SUSPECTS_RUN_ALONE = "dsp.worker.task.run.alone";

    /**
     * Timer, tags {@link #TAG_SOURCE} ({@code gpu-consumer}: a native slot; {@code gateway}: a legacy worker's slot)
     * and {@link #TAG_STEP}: where a slot's time between two tasks goes while its GPU waits (issue 18): {@code fetch}
     * (the last task's end to the next one in hand, its ACCEPT riding on that poll; with nothing queued, the wait for
     * work too), {@code ledger} (the task ledger's look, with any wait for another worker's open attempt), {@code
     * started} (STARTED sent and acknowledged), {@code confirm} (the lock renewed after it, ADR 023), {@code frame}
     * (legacy only: the task's files staged on the GPU and its frame sent) and {@code outcome} (the outcome sent and
     * acknowledged, from the moment the slot knew it: a legacy worker's result frame, or a followed synthesis seen done).
     */
    public static final String HANDOVER = "dsp.worker.task.handover";

    public static final String TAG_TASK_TYPE = "task_type";
    public static final String TAG_SOURCE = "source";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_PRIORITY = "priority";
    public static final String TAG_TENANT = "tenant";
    public static final String TAG_WORKER = "worker";
    public static final String TAG_ROLE = "role";
    public static final String TAG_VIEW = "view";
    /** What an outcome journal did with an outcome: {@code kept}, {@code replayed} or {@code found}. */
    public static final String TAG_STEP = "step";

    private MetricNames() {}
}
