package io.dsp.gpuconsumer.control;

import io.dsp.schemas.avro.TaskAction;
import io.dsp.schemas.avro.TaskControl;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The cancel commands this worker has seen within its memory window, by request id, with the license keys that sent
 * them. Only a command sent with the task's own license key counts; a command may arrive before the task reaches this
 * worker (it waits in {@code dsp.dispatch}), so it is kept until the window has passed. Listeners hear of each new
 * command at once, so a running task can be stopped.
 */
public final class Cancellations {

    /** What the commands seen say about one task of one license. */
    public enum Verdict {
        /** No command names it. */
        NONE,
        /** Its own license asked: it must not run (or must stop). */
        CANCELLED,
        /** Only other licenses asked: ignored. */
        FOREIGN_ONLY
    }

    private final ControlSettings settings;
    private final Clock clock;
    private final LinkedHashMap<String, Cancel> cancels = new LinkedHashMap<>();
    private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();

    public Cancellations(ControlSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Calls {@code listener(requestId, licenseKey)} for every cancel command applied from now on. */
    public void onCancel(BiConsumer<String, String> listener) {
        listeners.add(listener);
    }

    /** Applies a command; commands other than CANCEL and ones older than the memory window change nothing. */
    public void apply(TaskControl command) {
        if (command.getAction() != TaskAction.CANCEL) {
            return;
        }
        synchronized (this) {
            expire();
            if (command.getAt().isBefore(horizon())) {
                return;
            }
            cancels.computeIfAbsent(command.getRequestId(), id -> new Cancel(new HashSet<>(), command.getAt()))
                    .licenseKeys()
                    .add(command.getLicenseKey());
        }
        listeners.forEach(l -> l.accept(command.getRequestId(), command.getLicenseKey()));
    }

    public synchronized Verdict verdict(String requestId, String licenseKey) {
        Cancel cancel = cancels.get(requestId);
        if (cancel == null) {
            return Verdict.NONE;
        }
        return cancel.licenseKeys().contains(licenseKey) ? Verdict.CANCELLED : Verdict.FOREIGN_ONLY;
    }

    private Instant horizon() {
        return clock.instant().minus(settings.cancelMemory());
    }

    private void expire() {
        Instant horizon = horizon();
        for (var it = cancels.values().iterator();
                it.hasNext() && it.next().at().isBefore(horizon); ) {
            it.remove();
        }
    }

    private record Cancel(Set<String> licenseKeys, Instant at) {}
}
