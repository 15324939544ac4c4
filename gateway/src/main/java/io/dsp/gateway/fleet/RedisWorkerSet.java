package io.dsp.gateway.fleet;

import io.dsp.gateway.GatewaySettings;
import io.dsp.gateway.RedisAccess;
import io.dsp.gateway.Timers;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The legacy Redis set {@code dsp:workers}, so that {@code redis-cli SCARD dsp:workers} still counts the legacy
 * workers connected to all gateway instances. Members are worker ids (the legacy set held fds, which were not unique
 * across instances). Each instance adds its workers when they register and removes them when they leave; every
 * presence interval it also reconciles the set with the live {@code LEGACY} presences of {@code dsp.workers}: members
 * missing from it in two rounds in a row (a crashed instance's workers, whose presence expired) are removed, and the
 * key itself expires three intervals after the last instance stopped refreshing it. So no member outlives its worker by
 * more than a few presence intervals, whichever instance crashed. While Redis is out the set is not kept (the workers
 * still connect and work); when Redis answers again each instance re-adds every worker connected to it at once, so a
 * restarted, empty Redis counts the fleet again without waiting for a worker to come or go (ADR 022).
 */
@Component
public class RedisWorkerSet implements SmartLifecycle {

    /** The key the legacy gateway and its monitoring scripts use. */
    public static final String KEY = "dsp:workers";

    private static final Logger log = LoggerFactory.getLogger(RedisWorkerSet.class);

    private final RedisAccess redis;
    private final FleetWatch fleet;
    private final GatewaySettings settings;
    private final Clock clock;
    private final Set<String> local = ConcurrentHashMap.newKeySet();
    private Set<String> suspects = Set.of();
    private final Timers timers;

    RedisWorkerSet(
            RedisAccess redis,
            FleetWatch fleet,
            GatewaySettings settings,
            Clock clock,
            @Qualifier("gatewayTimers") TaskScheduler scheduler) {
        this.timers = new Timers(scheduler);
        this.redis = redis;
        this.fleet = fleet;
        this.settings = settings;
        this.clock = clock;
        redis.onRestored(this::rebuild);
    }

    public void added(String workerId) {
        local.add(workerId);
        redis.call(r -> {
            r.sadd(KEY, workerId);
            return r.pexpire(KEY, ttlMillis());
        });
    }

    public void removed(String workerId) {
        local.remove(workerId);
        redis.call(r -> r.srem(KEY, workerId));
    }

    /** Redis answers again after an outage (perhaps restarted, empty): re-adds every worker connected here now. */
    synchronized void rebuild() {
        // Whatever was missing before the outage is judged afresh.
        suspects = Set.of();
        String[] connected = local.toArray(String[]::new);
        redis.call(r -> {
            if (connected.length > 0) {
                r.sadd(KEY, connected);
            }
            return r.pexpire(KEY, ttlMillis());
        });
        log.info("{} rebuilt after a Redis outage: {} workers of this instance", KEY, connected.length);
    }

    /** One reconciliation round. */
    synchronized void reconcile() {
        if (!redis.available()) {
            return;
        }
        Set<String> live = new HashSet<>(fleet.liveLegacyWorkers(clock.instant()));
        live.addAll(local);
        Set<String> members = redis.call(r -> r.smembers(KEY)).orElse(Set.of());
        Set<String> missing = new HashSet<>(members);
        missing.removeAll(live);
        Set<String> stale = new HashSet<>(missing);
        stale.retainAll(suspects);
        suspects = missing;
        redis.call(r -> {
            if (!stale.isEmpty()) {
                r.srem(KEY, stale.toArray(String[]::new));
            }
            if (!local.isEmpty()) {
                r.sadd(KEY, local.toArray(String[]::new));
            }
            return r.pexpire(KEY, ttlMillis());
        });
        if (!stale.isEmpty()) {
            log.info("removed {} stale members from {}", stale.size(), KEY);
        }
    }

    private long ttlMillis() {
        return settings.presenceInterval().toMillis() * 3;
    }

    @Override
    public void start() {
        timers.every(settings.presenceInterval(), KEY + " reconciliation", this::reconcile);
    }

    @Override
    public void stop() {
        timers.cancelAll();
    }

    @Override
    public boolean isRunning() {
        return timers.active();
    }
}
