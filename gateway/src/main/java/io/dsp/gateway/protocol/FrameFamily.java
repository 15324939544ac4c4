package io.dsp.gateway.protocol;

import java.util.List;

/**
 * One family of the protocol (client tasks, workers, monitors, sync, automation, the session itself), handled in its
 * own feature package and registered with the endpoint: each message type has exactly one route.
 */
public interface FrameFamily {

    List<FrameRoute> routes();
}
