package io.dsp.gateway.relay;

import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.schemas.avro.RelayTarget;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Answers a worker addresses to a client by license and {@code sender_fd}, wherever that client is connected. */
@Component
public class Replies {

    private final Connections connections;
    private final Relay relay;

    Replies(Connections connections, Relay relay) {
        this.connections = connections;
        this.relay = relay;
    }

    /**
     * To the sender if it is a client of this license on this instance, else to every connection of the license on
     * every instance (legacy {@code _replyToClient}).
     */
    public void toSenderOrLicense(String key, long senderFd, Map<String, Object> frame) {
        Optional<Connection> sender =
                connections.byFd(senderFd).filter(c -> c.role() == Role.CLIENT && key.equals(c.key()));
        if (sender.isPresent()) {
            sender.get().send(frame);
        } else {
            relay.everywhere(RelayTarget.LICENSE, key, frame);
        }
    }
}
