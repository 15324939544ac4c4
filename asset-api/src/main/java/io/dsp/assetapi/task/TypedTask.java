package io.dsp.assetapi.task;

import io.dsp.assetapi.license.AuthenticatedLicense;
import java.util.Map;

/**
 * A task type that {@code POST /api/v1/tasks} accepts with a typed payload, contributed by the feature that owns the
 * type (so this feature does not depend on the features that submit through it).
 */
public abstract class TypedTask {

    private final String taskType;
    private final String requestIdPrefix;

    /**
     * @param taskType the {@code task_type} it handles
     * @param requestIdPrefix prefix of the request ids generated for it: the legacy call's, e.g. {@code heygem_}
     */
    protected TypedTask(String taskType, String requestIdPrefix) {
        this.taskType = taskType;
        this.requestIdPrefix = requestIdPrefix;
    }

    public final String taskType() {
        return taskType;
    }

    public final String requestIdPrefix() {
        return requestIdPrefix;
    }

    /** The typed payload of a client's {@code payload} object; refuses bad input with an {@code ApiException}. */
    public abstract Object payload(AuthenticatedLicense license, Map<String, Object> payload);

    /** What follows once Kafka holds the task with this payload; nothing by default. */
    public void accepted(Object payload) throws Exception {}
}
