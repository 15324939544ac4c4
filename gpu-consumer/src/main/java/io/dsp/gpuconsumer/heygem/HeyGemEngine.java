package io.dsp.gpuconsumer.heygem;

import io.dsp.gpuconsumer.execution.TaskContext;
import java.io.IOException;
import java.nio.file.Path;

/** Synthesises one digital-human video from an audio and a video file, both named by md5. */
public interface HeyGemEngine {

    /** One synthesis to run; {@code requestId} names the result. */
    record Job(
            String requestId,
            String licenseKey,
            String audioHash,
            String audioExt,
            String videoHash,
            String videoExt) {}

    /**
     * A finished synthesis.
     *
     * @param engineTaskId the engine's own id of the run
     * @param video where the result lies on this host, durably (under {@code dsp.data-dir})
     * @param cached whether the engine answered from its cache without synthesising
     */
    record Result(String engineTaskId, Path video, boolean cached) {}

    /** A synthesis that did not produce a video. */
    final class EngineException extends Exception {

        private final String code;
        private final boolean permanent;

        public EngineException(String code, String message, boolean permanent) {
            super(message);
            this.code = code;
            this.permanent = permanent;
        }

        /** Stable reason, e.g. {@code FILE_MISSING}, {@code ENGINE_ERROR}, {@code ENGINE_UNREACHABLE}. */
        public String code() {
            return code;
        }

        /** Running it again cannot help (a missing file, a video the engine rejects). */
        public boolean permanent() {
            return permanent;
        }
    }

    /**
     * Runs the synthesis, reporting progress through {@code context}.
     *
     * @throws EngineException when the engine says no
     * @throws IOException when the engine cannot be reached or goes away mid-task (retried)
     */
    Result synthesize(Job job, TaskContext context) throws EngineException, IOException, InterruptedException;
}
