package io.dsp.gateway.connection;

/** What a connection registered as; {@link #NONE} until its {@code register} frame. */
public enum Role {
    NONE,
    WORKER,
    MONITOR,
    CLIENT
}
