package io.dsp.ops.replay;

import io.dsp.ops.task.RequestIds;
import io.dsp.ops.task.TaskCopy;
import io.dsp.ops.task.TaskOutcomes;
import io.dsp.schemas.avro.TaskEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides, task by task, what a replay of a window does (see ADR 009). A task is in the window when any of its
 * records was written in it; its latest record (original, replay copy or re-run) is its current run.
 *
 * <ul>
 *   <li>current run ended (a terminal step in {@code dsp.task-events}): skipped; with {@code --force} re-run under a
 *       new derived id, because the dispatcher and the worker's ledger would drop it under its own;
 *   <li>current run is a replay copy that has not ended: skipped (already replayed; this is what makes a second run
 *       of the same window publish nothing twice); with {@code --force} published again under its own id unless it
 *       still waits;
 *   <li>current run still waits in its tenant topic (at or after the dispatcher group's committed offset): skipped,
 *       the dispatcher will release it anyway;
 *   <li>otherwise (released, or skipped past, and never ended): republished under its own id.
 * </ul>
 */
final class ReplayPlanner {

    enum Verdict {
        REPUBLISH,
        RERUN,
        SKIP_ENDED,
        SKIP_REPLAYED,
        SKIP_WAITING;

        boolean publishes() {
            return this == REPUBLISH || this == RERUN;
        }
    }

    /**
     * @param current the task's latest record, the one a republish copies
     * @param requestId the id it is (or would be) published under; the current id when skipped
     */
    record Decision(String original, TaskCopy current, Verdict verdict, String requestId, String why) {}

    private ReplayPlanner() {}

    static List<Decision> plan(
            List<TaskCopy> copies,
            Instant from,
            Instant to,
            TaskOutcomes outcomes,
            Predicate<TaskCopy> waiting,
            boolean force) {
        Map<String, List<TaskCopy>> byOriginal = new LinkedHashMap<>();
        for (TaskCopy copy : copies) {
            byOriginal.computeIfAbsent(copy.original(), k -> new ArrayList<>()).add(copy);
        }
        List<Decision> out = new ArrayList<>();
        byOriginal.forEach((original, runs) -> {
            boolean inWindow = runs.stream()
                    .anyMatch(c ->
                            !c.recordTime().isBefore(from) && !c.recordTime().isAfter(to));
            if (inWindow) {
                out.add(decide(original, runs, outcomes, waiting, force));
            }
        });
        return out;
    }

    private static Decision decide(
            String original, List<TaskCopy> runs, TaskOutcomes outcomes, Predicate<TaskCopy> waiting, boolean force) {
        TaskCopy current = runs.get(0);
        int lastRerun = 0;
        for (TaskCopy run : runs) {
            if (run.isNewerThan(current)) {
                current = run;
            }
            lastRerun = Math.max(lastRerun, RequestIds.rerunNumber(run.requestId()));
        }
        Optional<TaskEventType> ending = outcomes.ending(current.requestId());
        if (ending.isPresent()) {
            String ended = ending.get().name().toLowerCase(java.util.Locale.ROOT);
            if (!force) {
                return new Decision(original, current, Verdict.SKIP_ENDED, current.requestId(), ended);
            }
            return new Decision(
                    original,
                    current,
                    Verdict.RERUN,
                    RequestIds.rerun(original, lastRerun + 1),
                    ended + ", forced: new run");
        }
        if (current.isReplay() && !force) {
            return new Decision(
                    original,
                    current,
                    Verdict.SKIP_REPLAYED,
                    current.requestId(),
                    "replayed in " + current.task().getReplayOf() + ", not ended yet");
        }
        if (waiting.test(current)) {
            return new Decision(
                    original, current, Verdict.SKIP_WAITING, current.requestId(), "still waiting for the dispatcher");
        }
        return new Decision(
                original,
                current,
                Verdict.REPUBLISH,
                current.requestId(),
                current.isReplay() ? "replayed before, not ended, forced" : "released but never ended");
    }
}
