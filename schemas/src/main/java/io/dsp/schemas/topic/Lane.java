package io.dsp.schemas.topic;

import io.dsp.schemas.avro.TaskRequested;
import java.util.Map;
import java.util.Set;

/**
 * A kind of work with its own capacity: its own tenant topics, its own dispatch topic, its own share group and its own
 * release loop in the dispatcher. A worker never acquires a task of another lane (a release counts as a delivery), and
 * one lane's backlog never holds up another's.
 *
 * <p>{@link #GPU} is every task type a GPU worker runs; {@link #AUTOMATION} is the legacy {@code ws_worker}'s browser
 * automation ({@code url}: video to text, {@code chatglm_video}: ChatGLM video generation).
 */
public enum Lane {
    GPU("gpu", "dsp.tasks.", Topics.DISPATCH, Groups.GPU_FLEET, Groups.DISPATCHER),
    AUTOMATION(
            "automation",
            "dsp.automation.",
            Topics.AUTOMATION_DISPATCH,
            Groups.AUTOMATION_FLEET,
            Groups.AUTOMATION_DISPATCHER);

    /** Task types of the automation lane; every other type is GPU work. */
    public static final Set<String> AUTOMATION_TASK_TYPES = Set.of("url", "chatglm_video");

    private final String wireName;
    private final String tenantPrefix;
    private final TopicSpec<String, TaskRequested> dispatch;
    private final String fleetGroup;
    private final String dispatcherGroup;

    Lane(
            String wireName,
            String tenantPrefix,
            TopicSpec<String, TaskRequested> dispatch,
            String fleetGroup,
            String dispatcherGroup) {
        this.wireName = wireName;
        this.tenantPrefix = tenantPrefix;
        this.dispatch = dispatch;
        this.fleetGroup = fleetGroup;
        this.dispatcherGroup = dispatcherGroup;
    }

    /** The lane of a task type. */
    public static Lane of(String taskType) {
        return taskType != null && AUTOMATION_TASK_TYPES.contains(taskType) ? AUTOMATION : GPU;
    }

    /** As written in {@code WorkerPresence.lane}. */
    public String wireName() {
        return wireName;
    }

    /** What every tenant topic of this lane starts with. */
    public String tenantPrefix() {
        return tenantPrefix;
    }

    /** Where the dispatcher releases this lane's tasks. */
    public TopicSpec<String, TaskRequested> dispatch() {
        return dispatch;
    }

    /** The share group of this lane's slots. */
    public String fleetGroup() {
        return fleetGroup;
    }

    /** The dispatcher's consumer group over this lane's tenant topics. */
    public String dispatcherGroup() {
        return dispatcherGroup;
    }

    /** The consumer settings of one slot of this lane. */
    public Map<String, Object> slotConsumer() {
        return this == GPU ? Groups.GPU_FLEET_SLOT_CONSUMER : Groups.slotConsumer(fleetGroup);
    }
}
