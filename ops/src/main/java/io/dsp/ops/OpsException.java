package io.dsp.ops;

/** A failure with one sentence for the operator and no stack trace: nothing was changed, or what was is said. */
public class OpsException extends RuntimeException {

    private final int exitCode;

    public OpsException(String message) {
        this(message, 1);
    }

    public OpsException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
