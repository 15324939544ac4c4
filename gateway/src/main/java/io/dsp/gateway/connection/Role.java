package io.dsp.gateway.connection;

/** What a connection registered as; {@link #NONE} until its {@code register} frame. */
public enum Role {
    NONE,
    WORKER,
    MONITOR,
    CLIENT,
    /**
     * Registered with a key that is no license (the PC boot helper's {@code gradio_client} or HeyGem API secret): hears
     * the fleet's power and status broadcasts, nothing else; cannot submit.
     */
    OBSERVER
}
