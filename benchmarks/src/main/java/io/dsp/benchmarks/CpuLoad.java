package io.dsp.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * How busy the machine's CPUs were over a stretch of a run: the whole machine's load ({@code
 * com.sun.management.OperatingSystemMXBean#getCpuLoad}) sampled every 250 ms on a daemon thread, averaged. On a small
 * machine that runs the broker and the services beside the bench, a side that finds the CPUs busy pays for it in every
 * step it waits on.
 */
final class CpuLoad implements AutoCloseable {

    private static final long EVERY_MS = 250;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Thread sampler;
    private volatile boolean running = true;
    private double sum;
    private int samples;

    CpuLoad() {
        os.getCpuLoad(); // the first reading only starts the count
        sampler = new Thread(this::sample, "bench-cpu-load");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        while (running) {
            try {
                Thread.sleep(EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
            double load = os.getCpuLoad();
            if (load >= 0) {
                synchronized (this) {
                    sum += load;
                    samples++;
                }
            }
        }
    }

    /** The mean load so far (0..1), NaN before the first sample. */
    synchronized double mean() {
        return samples == 0 ? Double.NaN : sum / samples;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join(1_000);
    }
}
