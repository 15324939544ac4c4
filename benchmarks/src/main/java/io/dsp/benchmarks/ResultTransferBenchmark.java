package io.dsp.benchmarks;

import io.dsp.core.store.FileSystemResultStore;
import io.dsp.core.store.ResultStore;
import io.dsp.schemas.avro.StoredResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast a result goes into the store and comes out again, next to a plain file copy of the same size on the same
 * disk in the same run (the floor: the store adds a SHA-256 pass and a rename on the way in). Runs each side
 * alternately, several times, and prints every run and the median in MB/s.
 */
@Command(
        name = "result-transfer",
        mixinStandardHelpOptions = true,
        description = "Result store write/read throughput next to a plain file copy of the same size.")
public final class ResultTransferBenchmark implements Callable<Integer> {

    @Option(names = "--mb", defaultValue = "256", description = "result size in MiB (default ${DEFAULT-VALUE})")
    int megabytes;

    @Option(names = "--runs", defaultValue = "3", description = "runs of each side (default ${DEFAULT-VALUE})")
    int runs;

    @Option(
            names = "--dir",
            defaultValue = "benchmarks/target/result-transfer",
            description = "scratch directory on the disk to measure (default ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(dir);
        Path source = dir.resolve("source.mp4");
        write(source, (long) megabytes << 20);
        ResultStore store = new FileSystemResultStore(dir.resolve("store"), Duration.ofHours(1), 0);
        List<Double> copy = new ArrayList<>();
        List<Double> put = new ArrayList<>();
        List<Double> read = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            Path copyTarget = dir.resolve("copy.mp4");
            copy.add(rate(() -> {
                try {
                    Files.copy(source, copyTarget, StandardCopyOption.REPLACE_EXISTING);
                    return Files.size(copyTarget);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            Files.delete(copyTarget);
            StoredResult[] stored = new StoredResult[1];
            put.add(rate(() -> {
                try {
                    stored[0] = store.put(source, "video/mp4");
                    return stored[0].getSize();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            Path readTarget = dir.resolve("read.mp4");
            read.add(rate(() -> {
                try (InputStream in = store.open(stored[0].getSha256(), 0)) {
                    return Files.copy(in, readTarget, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            Files.delete(readTarget);
            store.delete(stored[0].getSha256());
        }
        Files.delete(source);
        System.out.printf("result transfer, %d MiB, %d runs (MB/s per run; median)%n", megabytes, runs);
        print("plain file copy", copy);
        print("store put (sha256 + rename)", put);
        print("store read", read);
        return 0;
    }

    private static double rate(LongSupplier transfer) {
        long start = System.nanoTime();
        long bytes = transfer.getAsLong();
        return bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    private static void print(String name, List<Double> rates) {
        List<Double> sorted = rates.stream().sorted().toList();
        System.out.printf(
                "  %-30s %s  median %.0f%n",
                name, rates.stream().map(r -> String.format("%.0f", r)).toList(), sorted.get(sorted.size() / 2));
    }

    private static void write(Path file, long bytes) throws IOException {
        byte[] block = new byte[1 << 20];
        new Random(1).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block);
            }
        }
    }
}
