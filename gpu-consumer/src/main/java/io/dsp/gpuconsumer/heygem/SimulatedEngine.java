package io.dsp.gpuconsumer.heygem;

import io.dsp.gpuconsumer.execution.TaskContext;
import io.dsp.schemas.avro.TaskProgress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * An engine without a GPU, for demos and tests: takes the configured time, reports progress in the legacy server's
 * words and numbers, fails the configured share of runs half-way, and writes a small stand-in result file.
 */
final class SimulatedEngine implements HeyGemEngine {

    private static final int FRAMES_PER_STEP = 25;

    private final HeyGemSettings.Simulated settings;
    private final EngineFiles results;
    private final RandomGenerator random;

    SimulatedEngine(HeyGemSettings.Simulated settings, EngineFiles results, RandomGenerator random) {
        this.settings = settings;
        this.results = results;
        this.random = random;
    }

    @Override
    public Result synthesize(Job job, TaskContext context) throws EngineException, IOException, InterruptedException {
        boolean fails = random.nextDouble() < settings.failureRate();
        int steps = settings.progressSteps();
        int totalFrames = steps * FRAMES_PER_STEP;
        Duration step = settings.duration().dividedBy(steps);
        context.progress(progress("processing", 5, "开始处理...", totalFrames, 0));
        for (int i = 1; i <= steps; i++) {
            Thread.sleep(step.toMillis(), step.toNanosPart() % 1_000_000);
            if (fails && i * 2 >= steps) {
                throw new EngineException("ENGINE_ERROR", "合成失败: simulated failure", true);
            }
            int frame = i * FRAMES_PER_STEP;
            // the legacy server's frame-based progress: min(95, frame/total*90 + 5)
            int percent = Math.min(95, frame * 90 / totalFrames + 5);
            context.progress(progress(
                    "processing",
                    percent,
                    "合成中 " + frame + "/" + totalFrames + " 帧 (" + percent + "%)",
                    totalFrames,
                    frame));
        }
        Path video = results.video(job.licenseKey(), job.requestId());
        Files.createDirectories(video.getParent());
        Path partial = Files.createTempFile(video.getParent(), ".result-", ".part");
        try (java.io.OutputStream out = Files.newOutputStream(partial)) {
            byte[] line = ("simulated synthesis of " + job.audioHash() + job.audioExt() + " + " + job.videoHash()
                            + job.videoExt())
                    .getBytes(StandardCharsets.UTF_8);
            out.write(line);
            // padding up to the configured size, different per task so that results are not all one stored object
            byte[] block = new byte[64 * 1024];
            java.util.SplittableRandom bytes =
                    new java.util.SplittableRandom(job.requestId().hashCode());
            for (long left = settings.resultSize().toBytes() - line.length; left > 0; left -= block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long r = bytes.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (r >>> (8 * b));
                    }
                }
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        Files.move(partial, video, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        context.progress(progress("done", 100, "合成完成", totalFrames, totalFrames));
        return new Result("sim-" + job.requestId(), video, false);
    }

    private static TaskProgress progress(String status, int percent, String message, int total, int current) {
        return TaskProgress.newBuilder()
                .setStatus(status)
                .setPercent(percent)
                .setMessage(message)
                .setTotalFrames(total)
                .setCurrentFrame(current)
                .build();
    }
}
