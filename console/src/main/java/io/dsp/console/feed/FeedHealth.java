package io.dsp.console.feed;

import io.dsp.console.board.Board;
import io.dsp.core.view.TopicView;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * The board's view: DOWN while it is stalled (the board is no longer current), OUT_OF_SERVICE until the board has
 * caught up with the topics, then UP; with the board's version and how far the view is.
 */
@Component("boardHealthIndicator")
class FeedHealth extends AbstractHealthIndicator {

    private final TopicView view;
    private final Board board;

    FeedHealth(TopicView view, Board board) {
        this.view = view;
        this.board = board;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        Health ofView = view.health();
        health.status(ofView.getStatus()).withDetails(ofView.getDetails()).withDetail("version", board.version());
    }
}
