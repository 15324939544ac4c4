package io.dsp.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Idle app connections on one gateway: the clients run in a child JVM ({@link IdleClients}) so that only the gateway's
 * side counts in this JVM's heap and file descriptors. Measures the heap used after GC before and while they are held,
 * and the time from a legacy worker's register to the last connection's {@code gpu.power.online}.
 */
final class Connections {

    /** Connections held, heap growth per the whole set, and the broadcast time. */
    record Result(
            int asked,
            int held,
            int failed,
            double heapMib,
            double heapKibPerConnection,
            double broadcastMs,
            int online) {}

    private final StackUnderTest stack;

    Connections(StackUnderTest stack) {
        this.stack = stack;
    }

    Result run(String license, int count) throws Exception {
        long heapBefore = heapAfterGc();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:+UseSerialGC",
                "-cp",
                classpath(),
                IdleClients.class.getName(),
                stack.wsUrl(),
                license,
                String.valueOf(count)));
        Process child = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String[] held = expect(out, "HELD");
            int heldCount = Integer.parseInt(held[1]);
            int failed = Integer.parseInt(held[2]);
            long heapHeld = heapAfterGc();
            long t0 = epochMicros();
            try (BenchWorker worker = new BenchWorker(stack.wsUrl(), 1, stack.fleetToken())) {
                String[] online = expect(out, "ONLINE");
                int onlineCount = Integer.parseInt(online[1]);
                double broadcastMs = (Long.parseLong(online[2]) - t0) / 1000.0;
                double heapMib = (heapHeld - heapBefore) / (1024.0 * 1024.0);
                Result result = new Result(
                        count,
                        heldCount,
                        failed,
                        heapMib,
                        heldCount == 0 ? Double.NaN : (heapHeld - heapBefore) / 1024.0 / heldCount,
                        broadcastMs,
                        onlineCount);
                System.out.println("[bench] connections: " + result);
                return result;
            }
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static String[] expect(BufferedReader out, String word) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(word + " ")) {
                return line.split(" ");
            }
        }
        throw new IllegalStateException("the client process ended before " + word);
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** This program's classpath: exec:java's class loader URLs, or the JVM's own (surefire's manifest jar works too). */
    static String classpath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
            return String.join(
                    File.pathSeparator,
                    Arrays.stream(urls.getURLs())
                            .map(u -> {
                                try {
                                    return Path.of(u.toURI()).toString();
                                } catch (Exception e) {
                                    return u.getPath();
                                }
                            })
                            .toList());
        }
        return System.getProperty("java.class.path");
    }
}
