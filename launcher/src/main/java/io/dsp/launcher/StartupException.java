package io.dsp.launcher;

import java.nio.file.Path;
import java.util.Optional;

/** The stack could not start; the message says which component and why, in one sentence for the terminal. */
public class StartupException extends RuntimeException {

    private final transient Path log;

    public StartupException(String message) {
        this(message, null, null);
    }

    public StartupException(String message, Path log) {
        this(message, log, null);
    }

    public StartupException(String message, Path log, Throwable cause) {
        super(message, cause);
        this.log = log;
    }

    /** The log of the component that failed, whose tail the launcher shows under the message. */
    public Optional<Path> log() {
        return Optional.ofNullable(log);
    }
}
