package io.dsp.launcher.cli;

import io.dsp.launcher.DataDir;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options every command that looks at a running stack shares. */
final class StackOptions {

    /** Set by ./dsp to the repository root, against which relative paths resolve whatever the caller's directory. */
    static final String HOME_PROPERTY = "dsp.home";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = ".dsp-data",
            description = "Where the broker's data, logs and the demo license live, relative to the repository root"
                    + " (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description = "Kafka's client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    static Path repoRoot() {
        return Path.of(System.getProperty(HOME_PROPERTY, System.getProperty("user.dir")))
                .toAbsolutePath()
                .normalize();
    }

    DataDir dataDir() {
        return new DataDir(repoRoot().resolve(dataDir));
    }

    void validatePorts() {
        requirePort("--kafka-port", kafkaPort);
    }

    void requirePort(String option, int port) {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), option + " must be a port between 1 and 65535: " + port);
        }
    }
}
