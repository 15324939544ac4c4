package io.dsp.gpuconsumer.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dsp.gpuconsumer.support.TestTasks;
import io.dsp.schemas.avro.TaskRequested;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskHandlersTest {

    @AfterEach
    void clearInterruptFlag() {
        Thread.interrupted();
    }

    @Test
    void runsTheHandlerOfTheTasksTypeAndReturnsItsOutcome() {
        TaskHandlers handlers = new TaskHandlers(List.of(
                handler("delete_asset", task -> new TaskOutcome.Succeeded("{\"deleted\":true}")),
                handler("upload_asset", task -> new TaskOutcome.Succeeded("{\"uploaded\":true}"))));

        TaskOutcome outcome = handlers.run(TestTasks.generic("license", "upload_asset"));

        assertThat(outcome).isEqualTo(new TaskOutcome.Succeeded("{\"uploaded\":true}"));
    }

    @Test
    void passesAPermanentFailureOnAsItIs() {
        TaskHandlers handlers =
                new TaskHandlers(List.of(handler("delete_asset", task -> new TaskOutcome.Failed("BAD", "bad"))));

        assertThat(handlers.run(TestTasks.deleteAsset("license", 1))).isEqualTo(new TaskOutcome.Failed("BAD", "bad"));
    }

    @Test
    void failsAnUnknownTaskTypeWithTheLegacyMessage() {
        TaskHandlers handlers = new TaskHandlers(List.of(handler("delete_asset", task -> {
            throw new AssertionError("must not run");
        })));

        TaskOutcome outcome = handlers.run(TestTasks.generic("license", "make_coffee"));

        assertThat(outcome).isEqualTo(new TaskOutcome.Failed("UNKNOWN_TASK_TYPE", "未知任务类型: make_coffee"));
    }

    @Test
    void failsEveryTaskTypeWhenNoHandlerIsRegistered() {
        TaskHandlers handlers = new TaskHandlers(List.of());

        assertThat(handlers.run(TestTasks.deleteAsset("license", 1)))
                .isEqualTo(new TaskOutcome.Failed("UNKNOWN_TASK_TYPE", "未知任务类型: delete_asset"));
    }

    @Test
    void turnsAHandlerExceptionIntoARetryNamingTheException() {
        TaskHandlers handlers = new TaskHandlers(List.of(handler("delete_asset", task -> {
            throw new IOException("disk busy");
        })));

        TaskOutcome outcome = handlers.run(TestTasks.deleteAsset("license", 1));

        assertThat(outcome).isEqualTo(new TaskOutcome.Retry("IOException: disk busy"));
    }

    @Test
    void turnsARuntimeExceptionIntoARetryToo() {
        TaskHandlers handlers = new TaskHandlers(List.of(handler("delete_asset", task -> {
            throw new IllegalStateException("engine down");
        })));

        assertThat(handlers.run(TestTasks.deleteAsset("license", 1)))
                .isEqualTo(new TaskOutcome.Retry("IllegalStateException: engine down"));
    }

    @Test
    void interruptedHandlerIsRetriedAndTheInterruptIsKept() {
        TaskHandlers handlers = new TaskHandlers(List.of(handler("delete_asset", task -> {
            throw new InterruptedException();
        })));

        TaskOutcome outcome = handlers.run(TestTasks.deleteAsset("license", 1));

        assertThat(outcome).isEqualTo(new TaskOutcome.Retry("interrupted"));
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void refusesTwoHandlersForOneTaskType() {
        List<TaskHandler> twice = List.of(
                handler("delete_asset", task -> new TaskOutcome.Succeeded("{}")),
                handler("delete_asset", task -> new TaskOutcome.Succeeded("{}")));

        assertThatThrownBy(() -> new TaskHandlers(twice))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("delete_asset");
    }

    private interface Body {
        TaskOutcome handle(TaskRequested task) throws Exception;
    }

    private static TaskHandler handler(String type, Body body) {
        return new TaskHandler() {
            @Override
            public String taskType() {
                return type;
            }

            @Override
            public TaskOutcome handle(TaskRequested task) throws Exception {
                return body.handle(task);
            }
        };
    }
}
