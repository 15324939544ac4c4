package io.dsp.assetapi;

import static io.dsp.assetapi.AssetCatalogueIT.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dsp.assetapi.Http.Part;
import io.dsp.testkit.ApiClient;
import io.dsp.testkit.KafkaTestBroker;
import io.dsp.testkit.Licenses;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile HTTP input against every endpoint (issue 7.3): malformed JSON, wrong types, huge bodies, odd and injected
 * headers, non-ASCII license keys, auth bypass attempts, other licenses' ids, path traversal. Every answer must be
 * below 500 and, when the application answered, the legacy envelope refusing the input; and no {@code dsp.*} topic may
 * gain a record (end offsets before and after). Inputs come from jqwik generators (new ones each run; a failure names
 * its input).
 */
@AssetApiIntegrationTest
class HostileInputIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LICENSES = 24;
    private static final int SAMPLES = 60;

    @LocalServerPort
    int port;

    private final AtomicInteger tried = new AtomicInteger();
    private final AtomicInteger refusedByContainer = new AtomicInteger();
    private final Map<String, AtomicInteger> byKind = new TreeMap<>();
    private final List<String> fuzzLicenses = new ArrayList<>();
    private int next;

    @Test
    void hostileRequestsAreRefusedCleanlyInTheEnvelopeAndWriteNothing() {
        // Setup (writes allowed): a victim license with a task and an asset, and fuzz licenses bound on pc and mobile.
        String victim = "victim-" + UUID.randomUUID();
        ApiClient owner = provision(victim);
        String victimTask = owner.postJson("/api/v1/tasks", "{\"task_type\":\"echo_test\",\"payload\":{}}")
                .data()
                .path("request_id")
                .asString();
        byte[] content = randomBytes(500);
        JsonNode asset = Http.multipart(
                        base() + "/api/asset/upload",
                        Http.licenseHeaders(victim, "m1"),
                        Part.file("file", "v.wav", content),
                        Part.field("asset_type", "voice"))
                .data();
        long victimAsset = asset.path("id").asLong();
        String victimMd5 = asset.path("file_hash").asString();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                owner.get("/api/v1/tasks/" + victimTask).status())
                        .isEqualTo(200));
        for (int i = 0; i < LICENSES; i++) {
            String key = "fuzz-" + UUID.randomUUID();
            provision(key);
            assertThat(ApiClient.forLicense(base(), key, "m1")
                            .withHeader("X-Device-Type", "mobile")
                            .get("/api/asset/list")
                            .code())
                    .isZero();
            fuzzLicenses.add(key);
        }
        // Everything the setup wrote is acknowledged already; two equal reads in a row make the snapshot.
        AtomicReference<Map<String, Long>> last = new AtomicReference<>(Map.of());
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    Map<String, Long> now = endOffsets();
                    return now.equals(last.getAndSet(now));
                });
        Map<String, Long> before = last.get();

        malformedBodies();
        malformedQueriesAndIds();
        multipartGarbage();
        authBypass(victim, victimTask, victimAsset, victimMd5);
        rawHeadersAndPaths(victimMd5);

        Map<String, Long> after = endOffsets();
        System.out.printf(
                "[hostile-input] %d inputs tried over %d endpoints' kinds %s; %d refused by the servlet container before"
                        + " the application; 0 answered 5xx; %d dsp.* partitions unchanged%n",
                tried.get(), byKind.size(), byKind, refusedByContainer.get(), after.size());
        assertThat(after).as("no record written by a hostile input").isEqualTo(before);
    }

    // ---- categories ---------------------------------------------------------------------------------------------

    private void malformedBodies() {
        List<String> junk = junkJson().sampleStream().limit(SAMPLES).collect(Collectors.toList());
        junk.add("[".repeat(20_000) + "]".repeat(20_000));
        junk.add("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000));
        junk.add("{\"task_type\":\"" + "x".repeat(2_000_000) + "\"}");
        junk.add("\u0000\u0001\u0002");
        for (String path : List.of(
                "/api/v1/tasks",
                "/api/heygem/task/submit",
                "/api/asset/delete",
                "/api/dsp/asset/delete",
                "/api/heygem/check_files")) {
            for (String body : junk) {
                expectRefused(path, postJson(path, body, licensed()));
            }
        }
        for (String body : wrongTypedTasks().sampleStream().limit(SAMPLES * 3).toList()) {
            expectRefused("/api/v1/tasks", postJson("/api/v1/tasks", body, licensed()));
        }
        for (String body : wrongTypedHeyGem().sampleStream().limit(SAMPLES).toList()) {
            expectRefused("/api/heygem/task/submit", postJson("/api/heygem/task/submit", body, licensed()));
        }
        for (String id : invalidAssetIds().sampleStream().limit(SAMPLES).toList()) {
            expectRefused("/api/asset/delete", postJson("/api/asset/delete", "{\"id\":" + id + "}", licensed()));
        }
        for (String contentType : List.of("text/plain", "application/xml", "application/json; charset=bogus", "")) {
            HttpRequest.Builder request = licensedRequest("/api/v1/tasks", licensed())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"task_type\":\"echo_test\",\"payload\":{}}"));
            if (!contentType.isEmpty()) {
                request.header("Content-Type", contentType);
            }
            expectRefused("/api/v1/tasks content-type", Http.raw(request));
        }
        // Admin with the right token but bodies that are no JSON object: refused, nothing created.
        for (String body : junk.subList(0, 20)) {
            if (!body.strip().startsWith("{")) {
                expectRefused(
                        "/admin/v1/licenses",
                        Http.raw(admin("/admin/v1/licenses", AssetApiIntegrationTest.ADMIN_TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))));
            }
        }
    }

    private void malformedQueriesAndIds() {
        for (String id : Arbitraries.strings()
                .ofMinLength(1)
                .ofMaxLength(80)
                .sampleStream()
                .limit(SAMPLES)
                .toList()) {
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
            String key = licensed();
            expectRefused("/api/v1/tasks/{id}", get("/api/v1/tasks/" + encoded, key));
            expectRefused("/api/v1/tasks/{id}/events", get("/api/v1/tasks/" + encoded + "/events", key));
            expectRefused("/api/v1/tasks/{id}/cancel", postJson("/api/v1/tasks/" + encoded + "/cancel", "", key));
            expectRefused("/api/heygem/task/status", get("/api/heygem/task/status?task_id=" + encoded, key));
        }
        for (String wait : List.of("-1", "61", "abc", "1e3", "99999999999", "%00", "0x10", "")) {
            expectRefused("?wait", get("/api/v1/tasks/nope?wait=" + wait, licensed()));
        }
        for (String type : Arbitraries.strings()
                .ofMinLength(1)
                .ofMaxLength(30)
                .sampleStream()
                .limit(20)
                .toList()) {
            // A read: refused or an empty list, never another license's assets.
            expectEnvelope(
                    "/api/asset/list?asset_type",
                    get("/api/asset/list?asset_type=" + URLEncoder.encode(type, StandardCharsets.UTF_8), licensed()),
                    false);
        }
    }

    private void multipartGarbage() {
        byte[] tooBig = randomBytes((AssetApiIntegrationTest.MAX_FILE_KB + 1) * 1024);
        for (String path : List.of("/api/asset/upload", "/api/dsp/asset/upload", "/api/heygem/upload_file")) {
            String key = licensed();
            Map<String, String> headers = Http.licenseHeaders(key, "m1");
            tried(path);
            expectAnswer(path, Http.multipart(base() + path, headers, Part.field("asset_type", "voice")), true);
            tried(path);
            expectAnswer(
                    path,
                    Http.multipart(
                            base() + path,
                            headers,
                            Part.file("file", "big.wav", tooBig),
                            Part.field("asset_type", "voice"),
                            Part.field("hash", "0".repeat(32))),
                    true);
            for (String assetType : List.of("video", "", "../voice", "声音")) {
                if (path.contains("asset")) {
                    tried(path);
                    expectAnswer(
                            path,
                            Http.multipart(
                                    base() + path,
                                    headers,
                                    Part.file("file", "a.wav", randomBytes(10)),
                                    Part.field("asset_type", assetType)),
                            true);
                }
            }
            for (String body : junkJson().sampleStream().limit(10).toList()) {
                for (String type :
                        List.of("multipart/form-data", "multipart/form-data; boundary=zz", "application/json")) {
                    expectRefused(
                            path,
                            Http.raw(licensedRequest(path, key)
                                    .header("Content-Type", type)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))));
                }
            }
        }
    }

    private void authBypass(String victim, String victimTask, long victimAsset, String victimMd5) {
        List<String[]> licensedCalls = List.of(
                new String[] {"GET", "/api/asset/list"},
                new String[] {"GET", "/api/dsp/asset/list"},
                new String[] {"POST", "/api/asset/delete"},
                new String[] {"POST", "/api/dsp/asset/delete"},
                new String[] {"POST", "/api/asset/upload"},
                new String[] {"POST", "/api/dsp/asset/upload"},
                new String[] {"POST", "/api/heygem/check_files"},
                new String[] {"POST", "/api/heygem/upload_file"},
                new String[] {"POST", "/api/heygem/task/submit"},
                new String[] {"GET", "/api/heygem/task/status?task_id=" + victimTask},
                new String[] {"POST", "/api/heygem/health/proxy"},
                new String[] {"POST", "/api/v1/tasks"},
                new String[] {"GET", "/api/v1/tasks/" + victimTask},
                new String[] {"GET", "/api/v1/tasks/" + victimTask + "/events"},
                new String[] {"POST", "/api/v1/tasks/" + victimTask + "/cancel"});
        // Printable ASCII here (HttpClient sends nothing else); raw UTF-8 keys go over the socket below.
        List<String> unknownKeys = Arbitraries.strings()
                .withCharRange('!', '~')
                .ofMinLength(1)
                .ofMaxLength(200)
                .sampleStream()
                .limit(8)
                .collect(Collectors.toList());
        unknownKeys.add(victim.toUpperCase());
        unknownKeys.add(victim + "x");
        unknownKeys.add(victim.substring(1));
        for (String[] call : licensedCalls) {
            String body = call[0].equals("GET")
                    ? null
                    : "{\"id\":" + victimAsset + ",\"task_type\":\"echo_test\",\"payload\":{}}";
            List<Map<String, String>> identities = new ArrayList<>();
            identities.add(Map.of());
            identities.add(Map.of("X-Machine-Code", "m1"));
            identities.add(Map.of("Authorization", "Bearer", "X-Machine-Code", "m1"));
            identities.add(Map.of("Authorization", "Basic " + victim, "X-Machine-Code", "m1"));
            identities.add(Map.of("Authorization", "Bearer " + victim));
            identities.add(Map.of("Authorization", "Bearer " + victim, "X-Machine-Code", "another-machine"));
            identities.add(Map.of("Authorization", "Bearer " + victim, "X-Machine-Code", "m1", "X-Device-Type", "tv"));
            identities.add(
                    Map.of("Authorization", "Bearer " + AssetApiIntegrationTest.ADMIN_TOKEN, "X-Machine-Code", "m1"));
            identities.add(
                    Map.of("Authorization", "Bearer " + AssetApiIntegrationTest.FLEET_TOKEN, "X-Machine-Code", "m1"));
            for (String key : unknownKeys) {
                if (key.strip().isEmpty()) {
                    continue;
                }
                identities.add(Map.of("Authorization", "Bearer " + key, "X-Machine-Code", "m1"));
            }
            for (Map<String, String> identity : identities) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + call[1]));
                identity.forEach(request::header);
                if (body == null) {
                    request.GET();
                } else {
                    request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                }
                expectRefused("auth " + call[1], Http.raw(request));
            }
        }
        // Another license's task and asset: answered like unknown ones, never shown, never changed.
        for (int i = 0; i < 5; i++) {
            String other = licensed();
            expectRefused("foreign task", get("/api/v1/tasks/" + victimTask, other));
            expectRefused("foreign task events", get("/api/v1/tasks/" + victimTask + "/events", other));
            expectRefused("foreign task cancel", postJson("/api/v1/tasks/" + victimTask + "/cancel", "", other));
            expectRefused("foreign heygem status", get("/api/heygem/task/status?task_id=" + victimTask, other));
            expectRefused("foreign asset delete", postJson("/api/asset/delete", "{\"id\":" + victimAsset + "}", other));
            expectRefused(
                    "foreign asset delete",
                    postJson("/api/dsp/asset/delete", "{\"id\":\"" + victimAsset + "\"}", other));
            expectRefused(
                    "foreign asset task",
                    postJson(
                            "/api/v1/tasks",
                            "{\"task_type\":\"delete_asset\",\"payload\":{\"id\":" + victimAsset + "}}",
                            other));
            HttpResponse<String> list = get("/api/asset/list", other);
            expectEnvelope("foreign list", list, false);
            assertThat(list.body()).doesNotContain(victimMd5);
        }
        // Admin endpoints without, with a wrong, a license's or the fleet's token.
        List<String[]> adminCalls = List.of(
                new String[] {"GET", "/admin/v1/workers"},
                new String[] {"GET", "/admin/v1/workers/w1"},
                new String[] {"POST", "/admin/v1/workers/w1/drain"},
                new String[] {"POST", "/admin/v1/workers/w1/undrain"},
                new String[] {"POST", "/admin/v1/licenses"},
                new String[] {"GET", "/admin/v1/licenses/" + victim},
                new String[] {"PUT", "/admin/v1/licenses/" + victim},
                new String[] {"POST", "/admin/v1/licenses/" + victim + "/disable"},
                new String[] {"DELETE", "/admin/v1/licenses/" + victim + "/devices/pc"});
        for (String[] call : adminCalls) {
            for (String token : new String[] {
                null,
                "",
                "wrong",
                victim,
                AssetApiIntegrationTest.FLEET_TOKEN,
                AssetApiIntegrationTest.ADMIN_TOKEN + "x",
                " " + AssetApiIntegrationTest.ADMIN_TOKEN.substring(1)
            }) {
                HttpRequest.Builder request = admin(call[1], token)
                        .header("Content-Type", "application/json")
                        .method(call[0], HttpRequest.BodyPublishers.ofString("{\"status\":\"active\"}"));
                expectRefused("admin " + call[1], Http.raw(request));
            }
        }
        // Blob downloads and instance-to-instance reads without the fleet token.
        for (String token : new String[] {null, "wrong", victim, AssetApiIntegrationTest.ADMIN_TOKEN}) {
            for (String path : List.of(
                    "/api/v1/blobs/" + victimMd5,
                    "/internal/v1/stores/task-lives?key=" + victimTask,
                    "/internal/v1/stores/in-flight-tasks?key="
                            + URLEncoder.encode(victim + "|echo_test", StandardCharsets.UTF_8))) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path));
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                expectRefused("fleet-only " + path.substring(0, 15), Http.raw(request.GET()));
            }
        }
        // Nor any store but the partitioned ones read by key: not the retired list-valued "in-flight", nor the by-age
        // half of the in-flight index.
        for (String store : List.of(
                "licenses", "..%2Ftask-lives", "task-lives%00", "assets", "x", "in-flight", "in-flight-tasks-by-age")) {
            expectRefused(
                    "internal store name",
                    Http.raw(HttpRequest.newBuilder(URI.create(base() + "/internal/v1/stores/" + store + "?key=a"))
                            .header("Authorization", "Bearer " + AssetApiIntegrationTest.FLEET_TOKEN)));
        }
    }

    private void rawHeadersAndPaths(String victimMd5) {
        String key = licensed();
        String ok = "Authorization: Bearer " + key + "\r\nX-Machine-Code: m1\r\n";
        String json = "Content-Type: application/json\r\n";
        byte[] task =
                "{\"task_type\":\"echo_test\",\"payload\":{},\"priority\":\"urgent\"}".getBytes(StandardCharsets.UTF_8);
        List<byte[]> requests = new ArrayList<>();
        // Non-ASCII and odd license keys, raw on the wire.
        for (String odd : List.of("卡密测试", "ключ", "😀😀😀😀", "key\u00ff\u00fe", "\u202e" + key)) {
            requests.add(concat(
                    ("GET /api/asset/list HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ")
                            .getBytes(StandardCharsets.ISO_8859_1),
                    odd.getBytes(StandardCharsets.UTF_8),
                    "\r\nX-Machine-Code: m1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        }
        // Bare CR / LF / NUL inside header values, obs-fold, very long and very many headers.
        for (String header : List.of(
                "Authorization: Bearer " + key + "\rX-Injected: 1\r\n",
                "Authorization: Bearer " + key + "\u0000\r\n",
                "Authorization: Bearer\r\n " + key + "\r\n",
                "X-Machine-Code: m1\nAuthorization: Bearer " + key + "\r\n",
                "Authorization: Bearer " + "k".repeat(6_000) + "\r\nX-Machine-Code: m1\r\n",
                "Authorization: Bearer " + "k".repeat(20_000) + "\r\nX-Machine-Code: m1\r\n",
                "X-Machine-Code: " + "m".repeat(7_000) + "\r\nAuthorization: Bearer " + key + "\r\n",
                "Authorization: Bearer " + key + "\r\nX-Machine-Code: m1\r\n" + "X-Pad: 1\r\n".repeat(300),
                ok + "Idempotency-Key: a\u00e9b\r\n",
                ok + "Idempotency-Key: " + "i".repeat(5_000) + "\r\n",
                ok + "traceparent: 00-" + "0".repeat(32) + "-" + "0".repeat(16) + "-01\r\n",
                ok + "traceparent: \u00ff\u00fe garbage\r\n",
                ok + "X-Device-Type: MOBILE\u0000\r\n",
                ok + "Content-Length: 5\r\n")) {
            requests.add(RawHttp.request("POST", "/api/v1/tasks", header + json, task));
        }
        // Traversal and odd encodings in paths.
        for (String target : List.of(
                "/api/v1/blobs/../../../../etc/passwd",
                "/api/v1/blobs/..%2f..%2f..%2fetc%2fpasswd",
                "/api/v1/blobs/%2e%2e/%2e%2e/etc/passwd",
                "/api/v1/blobs/" + victimMd5 + "%00.txt",
                "/api/v1/blobs/" + victimMd5 + "/../" + victimMd5,
                "/api/v1/blobs/" + victimMd5.toUpperCase(),
                "/api/v1/blobs/%zz",
                "//api//v1//blobs//" + victimMd5,
                "/api/v1/tasks/..%2F..%2Fadmin%2Fv1%2Fworkers",
                "/api/v1/tasks/../../admin/v1/workers",
                "/api/v1/tasks/%00",
                "/admin/v1/../v1/workers",
                "/api/asset/..;/..;/admin/v1/workers",
                "/internal/v1/stores/..%2F..%2Fadmin?key=a",
                "/api/v1/tasks/a b",
                "/api/v1/tasks/\u00e9")) {
            requests.add(concat(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + ok + "\r\n")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        requests.add("NOTAMETHOD /api/asset/list HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        requests.add("GET /api/asset/list HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        requests.add(concat(("POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + ok + json
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
        for (byte[] request : requests) {
            String what = new String(request, 0, Math.min(90, request.length), StandardCharsets.ISO_8859_1)
                    .replace("\r", "\\r")
                    .replace("\n", "\\n");
            RawHttp.Answer answer = RawHttp.send(port, request);
            tried("raw");
            if (what.contains("HTTP/9.9")) {
                // The protocol's own answer to an unknown version (RFC 9110 15.6.6), not a failure of the server.
                assertThat(answer.status()).as(what).isEqualTo(505);
                refusedByContainer.incrementAndGet();
                continue;
            }
            assertThat(answer.status()).as(what).isLessThan(500);
            if (isEnvelope(answer.body())) {
                JsonNode body = JSON.readTree(answer.body());
                assertThat(body.path("code").asInt())
                        .as(what + " " + answer.body())
                        .isNotZero();
                assertThat(answer.body()).as(what).doesNotContain("root:");
            } else {
                // Refused by Tomcat itself (bad request line, header too large, illegal characters): no app involved.
                assertThat(answer.status()).as(what + " -> " + answer.body()).isIn(0, 400, 404, 405, 505);
                refusedByContainer.incrementAndGet();
            }
        }
    }

    // ---- generators ---------------------------------------------------------------------------------------------

    private static Arbitrary<String> junkJson() {
        Arbitrary<String> truncated = Arbitraries.of(
                        "{\"task_type\":\"echo_test\",\"payload\":{}}",
                        "{\"audio_hash\":\"a\",\"video_hash\":\"b\"}",
                        "{\"id\":1}",
                        "{\"files\":[{\"hash\":\"a\"}]}")
                .flatMap(valid ->
                        Arbitraries.integers().between(0, valid.length() - 1).map(cut -> valid.substring(0, cut)));
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200).filter(s -> !s.strip().startsWith("{\"")),
                truncated,
                jsonValues().filter(v -> !v.startsWith("{")),
                Arbitraries.of(
                        "null", "true", "[]", "\"{}\"", "{\"id\":}", "{,}", "{'id':1}", "{\"id\":1,,}", "\uFEFF{"));
    }

    /** Submissions of a type that cannot be accepted: unknown or non-string types, bad payloads or fields. */
    private static Arbitrary<String> wrongTypedTasks() {
        Arbitrary<String> unknownType =
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(s -> "\"zz_" + s + "\"");
        Arbitrary<String> nonString = jsonValues().filter(v -> !v.startsWith("\"") && !v.equals("null"));
        return Arbitraries.oneOf(
                Arbitraries.oneOf(unknownType, nonString).map(t -> "{\"task_type\":" + t + ",\"payload\":{}}"),
                jsonValues()
                        .filter(v -> !v.startsWith("{") && !v.equals("null"))
                        .map(p -> "{\"task_type\":\"echo_test\",\"payload\":" + p + "}"),
                Arbitraries.strings()
                        .ofMinLength(1)
                        .ofMaxLength(20)
                        .filter(p -> !p.isBlank()
                                && !p.strip().equalsIgnoreCase("high")
                                && !p.strip().equalsIgnoreCase("normal"))
                        .map(p -> "{\"task_type\":\"echo_test\",\"payload\":{},\"priority\":" + quote(p) + "}"),
                jsonValues()
                        .filter(v -> !v.startsWith("\"") && !v.equals("null"))
                        .map(p -> "{\"task_type\":\"echo_test\",\"payload\":{},\"priority\":" + p + "}"),
                Arbitraries.strings()
                        .ofMinLength(1)
                        .ofMaxLength(40)
                        .filter(k -> !k.isBlank() && !k.strip().matches("[A-Za-z0-9_.:-]{1,128}"))
                        .map(k -> "{\"task_type\":\"echo_test\",\"payload\":{},\"request_id\":" + quote(k) + "}"),
                invalidAssetIds().map(id -> "{\"task_type\":\"delete_asset\",\"payload\":{\"id\":" + id + "}}"),
                Arbitraries.of("upload_asset", "heygem_submit")
                        .map(t -> "{\"task_type\":\"" + t + "\",\"payload\":{\"audio_hash\":\"" + UUID.randomUUID()
                                + "\"}}"));
    }

    private static Arbitrary<String> wrongTypedHeyGem() {
        Arbitrary<String> hash = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(HostileInputIT::quote),
                Arbitraries.of("\"../../etc/passwd\"", "\"" + "f".repeat(32) + "\"", "1", "[]", "{}", "null", "true"));
        return Arbitraries.oneOf(
                hash.flatMap(a -> hash.map(v -> "{\"audio_hash\":" + a + ",\"video_hash\":" + v + "}")),
                hash.map(e -> "{\"audio_hash\":\"a\",\"video_hash\":\"b\",\"audio_ext\":" + e + "}"),
                Arbitraries.strings()
                        .ofMinLength(1)
                        .ofMaxLength(10)
                        .filter(p -> !p.isBlank())
                        .map(p -> "{\"audio_hash\":\"a\",\"video_hash\":\"b\",\"priority\":" + quote(p + "!") + "}"));
    }

    /** Asset ids that are never valid: not positive, not integers, too large, not numbers. */
    private static Arbitrary<String> invalidAssetIds() {
        return Arbitraries.oneOf(
                Arbitraries.longs().lessOrEqual(0).map(String::valueOf),
                Arbitraries.longs().greaterOrEqual(1L << 53).map(String::valueOf),
                Arbitraries.doubles()
                        .map(d -> String.valueOf(d + 0.5))
                        .filter(s -> !s.contains("Infinity") && !s.contains("NaN")),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(HostileInputIT::quote),
                Arbitraries.of(
                        "\"-1\"",
                        "\"0\"",
                        "\"１２\"",
                        "\"12345678901234567\"",
                        "[1]",
                        "{\"id\":1}",
                        "true",
                        "null",
                        "\"\""));
    }

    private static Arbitrary<String> jsonValues() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("Infinity") && !s.contains("NaN")),
                Arbitraries.of("true", "false", "null", "[]", "[1,\"a\",{}]", "{}", "{\"a\":[{\"b\":null}]}"),
                Arbitraries.strings().ofMaxLength(30).map(HostileInputIT::quote));
    }

    private static String quote(String text) {
        return JSON.writeValueAsString(text);
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    private void expectRefused(String what, HttpResponse<String> response) {
        expectEnvelope(what, response, true);
    }

    private void expectEnvelope(String what, HttpResponse<String> response, boolean refused) {
        tried(what);
        String request = response.request().method() + " " + response.request().uri();
        assertThat(response.statusCode()).as(request).isLessThan(500);
        assertThat(isEnvelope(response.body()))
                .as(request + " -> " + response.body())
                .isTrue();
        if (refused) {
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("code").asInt())
                    .as(request + " -> " + response.body())
                    .isNotZero();
        }
    }

    private void expectAnswer(String what, ApiClient.Answer answer, boolean refused) {
        assertThat(answer.status()).as(what).isLessThan(500);
        assertThat(answer.body().has("code") && answer.body().has("msg"))
                .as(what + " " + answer.body())
                .isTrue();
        if (refused) {
            assertThat(answer.code()).as(what + " " + answer.body()).isNotZero();
        }
    }

    private void tried(String what) {
        tried.incrementAndGet();
        String kind = what.replaceAll("[?].*", "");
        byKind.computeIfAbsent(kind.length() > 40 ? kind.substring(0, 40) : kind, k -> new AtomicInteger())
                .incrementAndGet();
    }

    private static boolean isEnvelope(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.isObject() && node.has("code") && node.path("msg").isString();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The next fuzz license, in turn, so no one license reaches its rate limit. */
    private String licensed() {
        return fuzzLicenses.get(next++ % fuzzLicenses.size());
    }

    private HttpRequest.Builder licensedRequest(String path, String key) {
        return HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + key)
                .header("X-Machine-Code", "m1");
    }

    private HttpResponse<String> get(String path, String key) {
        return Http.raw(licensedRequest(path, key).GET());
    }

    private HttpResponse<String> postJson(String path, String body, String key) {
        return Http.raw(licensedRequest(path, key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder admin(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private ApiClient provision(String key) {
        Licenses.provisionActive(key);
        ApiClient app = ApiClient.forLicense(base(), key, "m1");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(app.get("/api/asset/list").code()).isZero());
        return app;
    }

    /** End offsets of every partition of every {@code dsp.*} topic (tenant topics included). */
    private Map<String, Long> endOffsets() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestBroker.get().bootstrapServers()))) {
            List<String> topics = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith("dsp."))
                    .toList();
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (TopicDescription topic :
                    admin.describeTopics(topics).allTopicNames().get().values()) {
                topic.partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
            }
            Map<String, Long> offsets = new TreeMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> offsets.put(tp.toString(), info.offset()));
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
