package io.dsp.launcher;

import java.nio.file.Path;

/**
 * Where the embedded stack keeps its state, by default {@code .dsp-data/} in the repository root (git-ignored). One
 * place names every path so that a second {@code ./dsp up} finds what the first one left: the broker's log dir, the
 * demo license key, each service's own data dir, the logs and the pid files.
 */
public record DataDir(Path root) {

    public DataDir {
        root = root.toAbsolutePath().normalize();
    }

    /** The broker's log and metadata dir; {@code meta.properties} in it means "already formatted". */
    public Path kafka() {
        return root.resolve("kafka");
    }

    /** The broker's generated {@code server.properties}, rewritten on every start (ports may change). */
    public Path brokerConfig() {
        return run().resolve("server.properties");
    }

    /** Class-data-sharing archives that make the next broker JVM start faster. */
    public Path classArchives() {
        return root.resolve("cds");
    }

    public Path demoLicenseKey() {
        return root.resolve("demo-license-key");
    }

    /** Passed to a service as {@code --dsp.data-dir}: whatever it keeps on disk (Streams state) lives there. */
    public Path service(String name) {
        return root.resolve(name);
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path log(String component) {
        return logs().resolve(component + ".log");
    }

    /** Pid files let the next launcher stop children that a killed launcher left behind. */
    public Path pidFile(String component) {
        return run().resolve(component + ".pid");
    }

    public Path run() {
        return root.resolve("run");
    }

    /** Held (file lock) by the running launcher so that two of them never share one data dir. */
    public Path lockFile() {
        return run().resolve("launcher.lock");
    }
}
