package io.dsp.launcher.broker;

import io.dsp.launcher.StartupException;
import io.dsp.launcher.process.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Formats the broker's log dir once, with {@code kafka.tools.StorageTool format}, as a KRaft node must be before its
 * first start. Kept out of the way afterwards: formatting again would be refused, and {@code meta.properties} is
 * what says it was done.
 */
final class StorageFormat {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private StorageFormat() {}

    static boolean isFormatted(BrokerSettings settings) {
        return Files.isRegularFile(settings.logDir().resolve("meta.properties"));
    }

    /** The StorageTool arguments; share groups are asked for explicitly rather than trusted to the release default. */
    static List<String> arguments(String clusterId, Path config) {
        return List.of(
                "kafka.tools.StorageTool",
                "format",
                "--cluster-id",
                clusterId,
                "--config",
                config.toString(),
                "--feature",
                "share.version=1");
    }

    static void format(BrokerSettings settings, Path config, BrokerProcessFactory processes, String clusterId) {
        List<String> args = new ArrayList<>(arguments(clusterId, config));
        ChildProcess tool;
        try {
            Files.createDirectories(settings.logDir());
            tool = processes.start("kafka-format", List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), args);
        } catch (IOException e) {
            throw new StartupException("Cannot run the Kafka storage format tool: " + e.getMessage());
        }
        if (!tool.awaitExit(TIMEOUT)) {
            tool.stop(Duration.ofSeconds(1));
            throw new StartupException(
                    "Formatting Kafka storage in " + settings.logDir() + " took over " + TIMEOUT.toSeconds() + " s",
                    tool.log());
        }
        tool.awaitStopped(Duration.ZERO);
        long code = tool.exitCode().orElse(-1);
        if (code != 0 || !isFormatted(settings)) {
            throw new StartupException(
                    "Formatting Kafka storage in " + settings.logDir() + " failed (exit code " + code + ")",
                    tool.log());
        }
    }
}
