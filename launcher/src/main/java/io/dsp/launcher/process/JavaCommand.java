package io.dsp.launcher.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM. Two marker system properties name the component and the data dir it belongs to:
 * they are how a later launcher recognises, from {@code /proc/<pid>/cmdline}, a child that a killed launcher left
 * running, without ever touching a process that merely reused the pid.
 *
 * @param component component name (kafka, asset-api, ...)
 * @param jvmOptions options before the main class or {@code -jar}
 * @param mainAndArgs main class or {@code -jar <jar>}, then program arguments
 */
public record JavaCommand(String component, List<String> jvmOptions, List<String> mainAndArgs) {

    static final String COMPONENT_MARKER = "-Ddsp.component=";
    static final String STACK_MARKER = "-Ddsp.stack=";

    public JavaCommand {
        jvmOptions = List.copyOf(jvmOptions);
        mainAndArgs = List.copyOf(mainAndArgs);
    }

    /** The full command: this JVM's own {@code java}, the markers, the options, the main class and arguments. */
    public List<String> toList(Path stack) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.add(COMPONENT_MARKER + component);
        command.add(STACK_MARKER + stack);
        command.addAll(jvmOptions);
        command.addAll(mainAndArgs);
        return command;
    }

    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Whether a running process's arguments say it is this component of this stack. */
    static boolean belongsTo(List<String> arguments, String component, Path stack) {
        return arguments.contains(COMPONENT_MARKER + component) && arguments.contains(STACK_MARKER + stack);
    }
}
