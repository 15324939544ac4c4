package io.dsp.benchmarks;

import io.dsp.schemas.tenant.TenantTopics;
import io.dsp.schemas.topic.Groups;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ShareGroupDescription;

/**
 * The stack the families measure, whichever it is: started in this JVM ({@link InJvmStack}) or already running
 * somewhere, e.g. under {@code ./dsp up} ({@link RunningStack}). A family asks it for asset-api's URL, the gateway's
 * {@code /dsp}, the broker (where the raw clients run too, on topics and groups of their own) and the licenses it
 * submits under, and never learns which of the two it runs against. What only one of them can do (the in-JVM stack's
 * gateway heap, its own gpu-consumer workers) it says through {@link #unsupported}.
 */
abstract class StackUnderTest implements AutoCloseable {

    /** The no-op task type the bench submits and its legacy worker runs; asset-api must accept it as generic. */
    static final String TASK_TYPE = "bench_noop";

    /** The machine code the bench's HTTP calls send unless told otherwise. */
    static final String MACHINE_CODE = "bench-machine";

    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final AtomicInteger rateLimited = new AtomicInteger();

    /** asset-api's base URL, e.g. {@code http://127.0.0.1:8080}. */
    abstract String baseUrl();

    /** The gateway's legacy endpoint, e.g. {@code ws://127.0.0.1:9501/dsp}. */
    abstract String wsUrl();

    /**
     * The stack's broker and the settings every client the bench makes there starts from (admin, producers,
     * consumers, the raw side's too).
     */
    abstract Broker broker();

    /** An admin client on the stack's broker, owned by the stack (do not close it). */
    Admin admin() {
        return broker().admin();
    }

    /** {@code X-Machine-Code} of the bench's HTTP calls: a license binds the first machine code it sees. */
    String machineCode() {
        return MACHINE_CODE;
    }

    /** The fleet token the bench's legacy worker registers with; empty: none (a tokenless network such as loopback). */
    Optional<String> fleetToken() {
        return Optional.empty();
    }

    /**
     * How many tasks the stack's dispatcher keeps released and not yet done with {@code slots} slots online: the slots
     * plus its prefetch ({@code dsp.dispatcher.prefetch}, {@code prefetch-per-slot}); the raw forwarders use the same
     * window. Here the dispatcher's defaults (1 and 1.0); a stack that knows its own says so.
     */
    int releaseWindow(int slots) {
        return window(slots, 1, 1.0);
    }

    /** The dispatcher's rule ({@code FleetView}): the slots, plus the larger of the fixed and the per-slot prefetch. */
    static int window(int slots, int prefetch, double prefetchPerSlot) {
        return slots + Math.max(prefetch, (int) Math.ceil(slots * prefetchPerSlot));
    }

    /** What the report says the stack is (the machine table's "stack" entry). */
    abstract String describe();

    /** Why {@code scenario} cannot run against this stack with this profile; empty when it can. */
    abstract Optional<String> unsupported(Bench.Scenario scenario, Profile profile);

    /**
     * {@code count} licenses a family submits under: active, known to asset-api and the gateway, each with its tenant
     * topic owned by the dispatcher. {@code purpose} names them where the stack makes new ones.
     */
    abstract List<String> licenses(String purpose, int count) throws Exception;

    /**
     * Called after a family that left tasks of {@link #TASK_TYPE} waiting under {@code license} (intake: nothing runs
     * them while it measures): a stack that outlives the bench runs them out, so that the next family, or the next run,
     * does not find them ahead of its own. {@code requestIds} are the tasks the family knows it left.
     */
    abstract void leaveAsFound(String license, Collection<String> requestIds, Profile profile) throws Exception;

    /** A request of {@code license} to asset-api, with the license's headers. */
    HttpRequest.Builder request(String license, String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + license)
                .header("X-Machine-Code", machineCode());
    }

    /** {@code POST /api/v1/tasks} of one {@link #TASK_TYPE} task with this JSON payload. */
    HttpRequest submit(String license, String payload) {
        return request(license, "/api/v1/tasks")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"task_type\":\"" + TASK_TYPE + "\",\"payload\":" + payload + "}"))
                .build();
    }

    /**
     * Notes an answer of asset-api to a submission: a 429 means the license's rate limit throttled the run, which then
     * measured the limiter, not the system ({@link #requireNotRateLimited}).
     */
    void answered(HttpResponse<?> answer) {
        if (answer.statusCode() == 429) {
            rateLimited.incrementAndGet();
        }
    }

    /** Fails the family when asset-api refused any of its submissions for the license's rate. */
    void requireNotRateLimited(String family) {
        int refused = rateLimited.getAndSet(0);
        if (refused > 0) {
            throw new IllegalStateException(family + ": asset-api refused " + refused + " submission(s) with 429 (the"
                    + " license's rate limit), so the run measured the limiter: raise"
                    + " dsp.asset-api.limits.requests-per-window (DSP_ASSET_API_LIMITS_REQUESTS_PER_WINDOW=100000000"
                    + " in asset-api's environment)");
        }
    }

    /** Waits until the fleet's share group has exactly {@code members} members, each with the dispatch partition. */
    void awaitFleetMembers(int members) throws InterruptedException {
        await("the fleet group has " + members + " assigned members", Duration.ofMinutes(3), () -> {
            Optional<ShareGroupDescription> group = fleetGroup();
            if (group.isEmpty()) {
                // the group does not exist until its first member joins
                return members == 0;
            }
            long assigned = group.get().members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty())
                    .count();
            return group.get().members().size() == members && assigned == members;
        });
    }

    /** The fleet's share group as the broker describes it now; empty when it cannot be described. */
    Optional<ShareGroupDescription> fleetGroup() {
        try {
            return Optional.of(admin().describeShareGroups(List.of(Groups.GPU_FLEET))
                    .describedGroups()
                    .get(Groups.GPU_FLEET)
                    .get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Waits until the dispatcher owns every tenant topic of {@code licenses} and asset-api knows the last one. */
    void awaitKnown(List<String> licenses) throws InterruptedException {
        Set<String> topics = new HashSet<>();
        licenses.forEach(l -> topics.add(TenantTopics.topicName(l)));
        String last = licenses.get(licenses.size() - 1);
        await(
                "the dispatcher owns " + topics.size() + " tenant topics and asset-api knows the licenses",
                Duration.ofMinutes(5),
                () -> dispatcherOwns(topics) && licenseKnown(last));
    }

    /** Whether the dispatcher's group has every one of {@code topics} assigned to a member. */
    boolean dispatcherOwns(Collection<String> topics) {
        try {
            ConsumerGroupDescription group = admin().describeConsumerGroups(List.of(Groups.DISPATCHER))
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .get(Groups.DISPATCHER);
            Set<String> owned = new HashSet<>();
            group.members().forEach(m -> m.assignment().topicPartitions().forEach(tp -> owned.add(tp.topic())));
            return owned.containsAll(topics);
        } catch (Exception e) {
            return false;
        }
    }

    /** Whether asset-api takes this license: a task it does not have is then a 404, not 401 or 403. */
    boolean licenseKnown(String license) {
        return lookup(license).map(a -> a.statusCode() == 404).orElse(false);
    }

    /** {@code GET /api/v1/tasks/none} as this license: 404 when asset-api takes the license. */
    Optional<HttpResponse<String>> lookup(String license) {
        try {
            return Optional.of(http.send(
                    request(license, "/api/v1/tasks/none").GET().build(), HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** New license keys, unique to this run: {@code <prefix>-<run>-<i>}. */
    static List<String> newLicenseKeys(String prefix, int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> licenses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            licenses.add(prefix + "-" + run + "-" + i);
        }
        return licenses;
    }

    static void await(String what, Duration timeout, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready after " + timeout.toSeconds() + " s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    @Override
    public abstract void close();
}
