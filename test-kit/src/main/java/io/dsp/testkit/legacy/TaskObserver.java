package io.dsp.testkit.legacy;

import java.util.Map;

/** What {@code run_server.py} hands to its WebSocket client: progress pushes and task-active notices. */
interface TaskObserver {

    /**
     * A progress push of a task that has a license key (spec 4.4 {@code _push_progress}).
     *
     * @param frameStep true for a mid-synthesis frame update, false at processing start, done and error
     */
    void progress(Map<String, Object> fields, boolean frameStep);

    /** A {@code gpu.task.active} notice (spec 6.2): {@code heygem_submit} or {@code heygem_processing}. */
    void active(String taskId, String taskType);
}
