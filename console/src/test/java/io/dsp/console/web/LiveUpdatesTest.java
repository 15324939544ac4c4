package io.dsp.console.web;

import static io.dsp.console.board.Records.presence;
import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.console.ConsoleSettings;
import io.dsp.console.board.Board;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/** The push loop's decisions, one tick at a time (each tick is one push interval apart in the service). */
class LiveUpdatesTest {

    private static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");

    private final Board board = new Board(10, 10, 10, Duration.ofHours(1));
    private final LiveUpdates live = new LiveUpdates(
            board,
            Clock.fixed(NOW, ZoneOffset.UTC),
            new ConsoleSettings(null, 10, 10, 10, 100, Duration.ofHours(1), Duration.ofMillis(500), 5),
            JsonMapper.builder().build(),
            new SimpleMeterRegistry(),
            new ConcurrentTaskScheduler());
    private final Recording client = new Recording();

    @Test
    void aNewClientGetsTheBoardAtOnce() throws IOException {
        board.presence("w-1", presence("w-1", "gpu", 3, 0, false, NOW));

        live.register(client);

        assertThat(client.boards).singleElement().asString().contains("\"workerId\":\"w-1\"");
    }

    @Test
    void manyChangesBetweenTwoTicksMakeOnePush() throws IOException {
        live.register(client);

        for (int i = 0; i < 20; i++) {
            board.presence("w-" + i, presence("w-" + i, "gpu", 3, 0, false, NOW));
        }
        live.tick();

        assertThat(client.boards).hasSize(2);
        assertThat(client.boards.get(1)).contains("\"workerId\":\"w-19\"");
    }

    @Test
    void anUnchangedBoardIsPushedOnlyEveryTenthTickSoAgesMoveOn() throws IOException {
        live.register(client);
        live.tick(); // the first tick sends what the client already has: the loop starts without a pushed version

        for (int tick = 1; tick <= 9; tick++) {
            live.tick();
        }
        assertThat(client.boards).hasSize(2);

        live.tick();
        assertThat(client.boards).hasSize(3);
    }

    @Test
    void aClientThatWentAwayIsDroppedAndTheOthersStillGetTheirPushes() throws IOException {
        Recording gone = new Recording();
        gone.failing = true;
        live.register(client);
        live.register(gone);

        board.presence("w-1", presence("w-1", "gpu", 3, 0, false, NOW));
        live.tick();
        board.presence("w-2", presence("w-2", "gpu", 3, 0, false, NOW));
        live.tick();

        assertThat(client.boards).hasSize(3);
        assertThat(gone.attempts).isEqualTo(2); // its board on connect, then the one failed push
    }

    /** An emitter that keeps the data of every event instead of writing to a response. */
    private static final class Recording extends SseEmitter {

        final List<String> boards = new ArrayList<>();
        int attempts;
        boolean failing;

        @Override
        public void send(SseEventBuilder event) throws IOException {
            attempts++;
            if (failing && attempts > 1) {
                throw new IOException("broken pipe");
            }
            Set<ResponseBodyEmitter.DataWithMediaType> parts = event.build();
            StringBuilder text = new StringBuilder();
            parts.forEach(p -> text.append(p.getData()));
            boards.add(text.toString());
        }
    }
}
