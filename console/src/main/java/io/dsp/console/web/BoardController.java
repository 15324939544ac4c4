package io.dsp.console.web;

import io.dsp.console.board.Board;
import io.dsp.console.board.BoardSnapshot;
import io.dsp.console.board.DeadLetterRow;
import io.dsp.console.board.TaskRow;
import io.dsp.console.board.TenantRow;
import io.dsp.console.board.WorkerRow;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The board as JSON: all of it at once, or one part. License keys are masked in every answer. */
@RestController
@RequestMapping("/console/api")
class BoardController {

    private final Board board;
    private final Clock clock;

    BoardController(Board board, Clock clock) {
        this.board = board;
        this.clock = clock;
    }

    @GetMapping("/board")
    BoardSnapshot board() {
        return board.snapshot(clock.instant());
    }

    @GetMapping("/workers")
    List<WorkerRow> workers() {
        return board.snapshot(clock.instant()).workers();
    }

    /** Tenants with something waiting or in flight. */
    @GetMapping("/tenants")
    List<TenantRow> tenants() {
        return board.snapshot(clock.instant()).tenants();
    }

    @GetMapping("/tasks")
    List<TaskRow> tasks() {
        return board.snapshot(clock.instant()).tasks();
    }

    @GetMapping("/tasks/{requestId}")
    TaskRow task(@PathVariable String requestId) {
        return board.task(requestId, clock.instant())
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND, "No task " + requestId + " among the console's recent tasks"));
    }

    @GetMapping("/dead-letters")
    List<DeadLetterRow> deadLetters() {
        return board.snapshot(clock.instant()).deadLetters();
    }
}
