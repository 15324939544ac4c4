package io.dsp.launcher.broker;

import io.dsp.launcher.DataDir;
import io.dsp.launcher.process.ChildProcess;
import io.dsp.launcher.process.JavaCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts JVMs on the broker classpath (the broker itself and its storage tool), logging to the broker's log. */
final class BrokerProcessFactory {

    static final String COMPONENT = "kafka";

    private final DataDir dataDir;
    private final List<Path> classpath;

    BrokerProcessFactory(DataDir dataDir, List<Path> classpath) {
        this.dataDir = dataDir;
        this.classpath = List.copyOf(classpath);
    }

    List<Path> classpath() {
        return classpath;
    }

    ChildProcess start(String component, List<String> jvmOptions, List<String> mainAndArgs) throws IOException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-cp");
        options.add(BrokerClasspath.join(classpath));
        // slf4j-simple is the broker's logger here: timestamps for the log file, INFO as Kafka's own scripts.
        options.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        options.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        options.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS");
        List<String> command = new JavaCommand(component, options, mainAndArgs).toList(dataDir.root());
        return ChildProcess.start(
                component, command, dataDir.root(), dataDir.log(COMPONENT), dataDir.pidFile(component));
    }
}
