package io.dsp.launcher.cli;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.process.PidFiles;
import io.dsp.launcher.process.Ports;
import io.dsp.launcher.process.ProcessMemory;
import io.dsp.launcher.stack.HealthProbe;
import io.dsp.launcher.stack.Service;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./dsp status}: which components answer, and what each costs in memory. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows which components of the stack answer, with their pid and resident memory.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    StackOptions stack;

    @Override
    public Integer call() {
        stack.validatePorts();
        DataDir dataDir = stack.dataDir();
        Map<String, ProcessHandle> running = PidFiles.running(dataDir.run(), dataDir.root()).stream()
                .collect(Collectors.toMap(PidFiles.Running::component, PidFiles.Running::process));
        HealthProbe health = new HealthProbe();

        boolean kafkaUp = Ports.isListening(stack.kafkaPort);
        long total = line("kafka", kafkaUp, "127.0.0.1:" + stack.kafkaPort, running.get("kafka"));
        for (Service service : Service.values()) {
            total += line(service.id(), health.isUp(service), service.url(), running.get(service.id()));
        }
        System.out.printf("%-13s %s%n", "total RSS", ProcessMemory.megabytes(total));
        return kafkaUp ? 0 : 1;
    }

    private static long line(String name, boolean up, String address, ProcessHandle process) {
        OptionalLong rss = process == null ? OptionalLong.empty() : ProcessMemory.rssBytes(process.pid());
        String state = up ? "up" : (process != null ? "starting" : "down");
        String detail = process == null
                ? ""
                : "pid %-7d %s"
                        .formatted(process.pid(), rss.isPresent() ? ProcessMemory.megabytes(rss.getAsLong()) : "");
        System.out.printf("%-13s %-9s %-26s %s%n", name, state, up || process != null ? address : "", detail);
        return rss.orElse(0);
    }
}
