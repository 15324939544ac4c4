package io.dsp.gpuconsumer.execution;

import io.dsp.schemas.avro.TaskRequested;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Every handler bean by task type; runs a task and turns whatever happens into a {@link TaskOutcome}. */
@Component
public class TaskHandlers {

    private static final Logger log = LoggerFactory.getLogger(TaskHandlers.class);

    private final Map<String, TaskHandler> byType;

    TaskHandlers(List<TaskHandler> handlers) {
        this.byType =
                handlers.stream().collect(Collectors.toUnmodifiableMap(TaskHandler::taskType, Function.identity()));
    }

    public TaskOutcome run(TaskRequested task) {
        return run(task, TaskContext.NONE);
    }

    public TaskOutcome run(TaskRequested task, TaskContext context) {
        TaskHandler handler = byType.get(task.getTaskType());
        if (handler == null) {
            // The legacy GPU's answer to a type it does not know.
            return new TaskOutcome.Failed("UNKNOWN_TASK_TYPE", "未知任务类型: " + task.getTaskType());
        }
        try {
            return handler.handle(task, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TaskOutcome.Retry("interrupted");
        } catch (Exception e) {
            log.warn("task requestId={} failed transiently: {}", task.getRequestId(), e.toString());
            return new TaskOutcome.Retry(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
