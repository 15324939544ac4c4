package io.dsp.console.feed;

import io.dsp.console.board.Board;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** DOWN while the feed keeps failing, OUT_OF_SERVICE until the board has caught up with the topics, then UP. */
@Component("boardHealthIndicator")
class FeedHealth extends AbstractHealthIndicator {

    private final BoardFeed feed;
    private final Board board;

    FeedHealth(BoardFeed feed, Board board) {
        this.feed = feed;
        this.board = board;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        health.withDetail("version", board.version());
        if (feed.failure().isPresent()) {
            health.down(feed.failure().get());
        } else if (!board.caughtUp()) {
            health.outOfService().withDetail("reason", "reading the topics the board is built from");
        } else {
            health.up();
        }
    }
}
