package io.dsp.gateway.session;

import static io.dsp.gateway.protocol.FrameFields.text;

import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.protocol.FrameFamily;
import io.dsp.gateway.protocol.FrameRoute;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Every family's routes by message type: the sender's role is checked here, once for all, before the family's
 * handler runs. A type no family routes is one only the gateway sends.
 */
@Component
class FrameRegistry {

    private final Map<MessageType, FrameRoute> routes = new EnumMap<>(MessageType.class);

    FrameRegistry(List<FrameFamily> families) {
        for (FrameFamily family : families) {
            for (FrameRoute route : family.routes()) {
                FrameRoute before = routes.putIfAbsent(route.type(), route);
                if (before != null) {
                    // two handlers of one type would make the answer depend on bean order
                    throw new IllegalStateException(route.type() + " is routed twice ("
                            + family.getClass().getName() + ")");
                }
            }
        }
    }

    void dispatch(Connection from, MessageType type, JsonNode frame) throws Exception {
        FrameRoute route = routes.get(type);
        if (route == null) {
            from.send(Frames.error("该消息类型只由网关发送: " + type.wireName(), text(frame, "request_id")));
        } else if (!route.allows(from)) {
            from.send(Frames.error(route.refusal(), text(frame, "request_id")));
        } else {
            route.handler().handle(from, type, frame);
        }
    }
}
