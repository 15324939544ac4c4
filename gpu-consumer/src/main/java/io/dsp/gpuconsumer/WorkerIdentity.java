package io.dsp.gpuconsumer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/** The id this worker is known by in presence, task events and logs. */
@Component
public class WorkerIdentity {

    private final String id;
    private final String host;

    WorkerIdentity(WorkerSettings settings) {
        this.host = hostName();
        this.id = settings.workerId().isBlank()
                ? "gpu-" + host + "-"
                        + HexFormat.of()
                                .toHexDigits(ThreadLocalRandom.current().nextInt())
                                .substring(0, 6)
                : settings.workerId();
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
