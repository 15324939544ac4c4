package io.dsp.gateway.routing;

import io.dsp.gateway.GatewayNode;
import io.dsp.gateway.connection.Connection;
import io.dsp.gateway.connection.Connections;
import io.dsp.gateway.connection.Role;
import io.dsp.gateway.protocol.Frames;
import io.dsp.gateway.protocol.MessageType;
import io.dsp.schemas.avro.TaskChannel;
import io.dsp.schemas.avro.TaskEvent;
import io.dsp.schemas.avro.TaskOrigin;
import io.dsp.schemas.avro.TaskProgress;
import io.dsp.schemas.avro.TaskRequested;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns {@code dsp.task-events} into frames, whichever instance or worker produced them: results (terminal steps)
 * and progress go to the submitting connection if it is on this instance and open, else to every connection of the
 * license here (legacy {@code _replyToClient}); a task accepted by another gateway is that gateway's to deliver.
 * Every accepted task is announced to monitors (the legacy per-task notice the power manager counts as work).
 */
@Component
public class EventRouter {

    private static final Logger log = LoggerFactory.getLogger(EventRouter.class);

    private final Connections connections;
    private final Origins origins;
    private final GatewayNode node;
    private final JsonMapper json;

    EventRouter(Connections connections, Origins origins, GatewayNode node, JsonMapper json) {
        this.connections = connections;
        this.origins = origins;
        this.node = node;
        this.json = json;
    }

    public void route(TaskEvent event) {
        switch (event.getType()) {
            case ACCEPTED ->
                connections.sendToRole(
                        Role.MONITOR, Frames.monitorJobNotice(event.getTaskType(), event.getLicenseKey()));
            case PROGRESS -> {
                TaskProgress p = event.getProgress();
                if (p != null) {
                    Map<String, Object> frame = Frames.progress(
                            event.getRequestId(),
                            p.getStatus(),
                            p.getPercent(),
                            p.getMessage(),
                            p.getTotalFrames(),
                            p.getCurrentFrame(),
                            event.getAt());
                    targets(event).forEach(c -> c.send(frame));
                }
            }
            case SUCCEEDED, FAILED, DEAD_LETTERED, CANCELLED -> deliverResult(event);
            default -> {
                // QUEUED, DISPATCHED, STARTED: no legacy frame
            }
        }
    }

    private void deliverResult(TaskEvent event) {
        List<Connection> targets = targets(event);
        if (targets.isEmpty()) {
            return;
        }
        Object result = null;
        String error = null;
        if (event.getType() == io.dsp.schemas.avro.TaskEventType.SUCCEEDED) {
            result = parse(event.getResultJson());
        } else {
            error = event.getError() != null ? event.getError().getMessage() : "未知错误";
        }
        Map<String, Object> modern =
                Frames.result(MessageType.GPU_JOB_RESULT, event.getTaskType(), event.getRequestId(), result, error);
        Map<String, Object> old =
                Frames.result(MessageType.GPU_TASK_RESULT, event.getTaskType(), event.getRequestId(), result, error);
        for (Connection target : targets) {
            target.send(modern);
            target.send(old);
        }
        log.debug("result of requestId={} sent to {} connections", event.getRequestId(), targets.size());
    }

    /** The connections of this instance that should see this task's result or progress. */
    List<Connection> targets(TaskEvent event) {
        Optional<TaskOrigin> origin = origins.find(event.getRequestId()).map(TaskRequested::getOrigin);
        if (origin.isPresent() && origin.get().getChannel() == TaskChannel.WEBSOCKET) {
            if (!node.id().equals(origin.get().getNodeId())) {
                return List.of(); // the accepting gateway routes it
            }
            Optional<Connection> sender = fd(origin.get().getConnectionId())
                    .flatMap(connections::byFd)
                    .filter(c ->
                            c.role() == Role.CLIENT && event.getLicenseKey().equals(c.key()));
            if (sender.isPresent()) {
                return List.of(sender.get());
            }
        }
        return connections.clientsOf(event.getLicenseKey());
    }

    private static Optional<Long> fd(String connectionId) {
        try {
            return connectionId == null ? Optional.empty() : Optional.of(Long.parseLong(connectionId));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Object parse(String resultJson) {
        if (resultJson == null) {
            return Map.of();
        }
        try {
            return json.readTree(resultJson);
        } catch (JacksonException e) {
            return resultJson;
        }
    }
}
