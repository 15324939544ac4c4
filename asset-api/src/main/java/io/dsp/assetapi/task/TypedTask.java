package io.dsp.assetapi.task;

import io.dsp.assetapi.license.AuthenticatedLicense;
import java.util.Map;

/**
 * A task type that {@code POST /api/v1/tasks} accepts with a typed payload, contributed by the feature that owns the
 * type (so this feature does not depend on the features that submit through it).
 */
public interface TypedTask {

    /** The {@code task_type} it handles. */
    String taskType();

    /** Prefix of the request ids generated for it: the legacy call's, e.g. {@code heygem_}. */
    String requestIdPrefix();

    /** The typed payload of a client's {@code payload} object; refuses bad input with an {@code ApiException}. */
    Object payload(AuthenticatedLicense license, Map<String, Object> payload);

    /** What follows once Kafka holds the task with this payload. */
    default void accepted(Object payload) throws Exception {}
}
