package io.dsp.gateway.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Results of licenses with no client connection on this instance, kept for a while for the license's next client
 * here: a client whose connection was cut, or whose gateway restarted, gets the results that ended meanwhile when it
 * registers again. Bounded per license and in time.
 */
final class UnclaimedResults {

    private record Held(List<Map<String, Object>> frames, Instant at) {}

    private final Duration holdFor;
    private final int perLicense;
    private final Map<String, Deque<Held>> byLicense = new HashMap<>();

    UnclaimedResults(Duration holdFor, int perLicense) {
        this.holdFor = holdFor;
        this.perLicense = perLicense;
    }

    synchronized void hold(String licenseKey, List<Map<String, Object>> frames, Instant now) {
        Deque<Held> held = byLicense.computeIfAbsent(licenseKey, k -> new ArrayDeque<>());
        held.addLast(new Held(frames, now));
        while (held.size() > perLicense) {
            held.removeFirst();
        }
    }

    /** The frames held for the license that are still fresh, oldest first; they are no longer held. */
    synchronized List<Map<String, Object>> claim(String licenseKey, Instant now) {
        Deque<Held> held = byLicense.remove(licenseKey);
        List<Map<String, Object>> frames = new ArrayList<>();
        if (held != null) {
            held.stream().filter(h -> fresh(h, now)).forEach(h -> frames.addAll(h.frames()));
        }
        return frames;
    }

    synchronized void expire(Instant now) {
        byLicense.values().forEach(held -> held.removeIf(h -> !fresh(h, now)));
        byLicense.values().removeIf(Deque::isEmpty);
    }

    synchronized int size() {
        return byLicense.values().stream().mapToInt(Deque::size).sum();
    }

    private boolean fresh(Held held, Instant now) {
        return held.at().plus(holdFor).isAfter(now);
    }
}
