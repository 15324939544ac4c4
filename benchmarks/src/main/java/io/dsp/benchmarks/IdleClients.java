package io.dsp.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs in a child JVM (its own file-descriptor budget): opens many idle app connections to the gateway, registers each
 * with a license, prints {@code HELD <n>}, then waits for {@code gpu.power.online} on every connection and prints
 * {@code ONLINE <count> <epoch micros of the last>}; exits when its stdin closes.
 *
 * <p>Arguments: websocket url, license key, connections.
 */
public final class IdleClients {

    private IdleClients() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String license = args[1];
        int count = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger registered = new AtomicInteger();
        AtomicInteger online = new AtomicInteger();
        AtomicLong lastOnline = new AtomicLong();
        String register = "{\"type\":\"register\",\"key\":\"" + license + "\",\"device_type\":\"mobile\"}";
        Semaphore opening = new Semaphore(64);
        List<WebSocket> sockets = new ArrayList<>();
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opening.acquire();
            CompletableFuture<WebSocket> socket = http.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create(url), new Idle(register, registered, online, lastOnline))
                    .whenComplete((ws, error) -> opening.release());
            pending.add(socket);
        }
        int failed = 0;
        for (CompletableFuture<WebSocket> socket : pending) {
            try {
                sockets.add(socket.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                failed++;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (registered.get() < sockets.size() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        System.out.println("HELD " + registered.get() + " " + failed);
        System.out.flush();
        int held = registered.get();
        Thread waiter = new Thread(() -> {
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (online.get() < held && System.nanoTime() < until) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                // a short settle: late copies would show as a count above held
                TimeUnit.MILLISECONDS.sleep(200);
                System.out.println("ONLINE " + online.get() + " " + lastOnline.get());
                System.out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.setDaemon(true);
        waiter.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for the parent to close stdin
        }
        System.exit(0);
    }

    private static final class Idle implements WebSocket.Listener {

        private final String register;
        private final AtomicInteger registered;
        private final AtomicInteger online;
        private final AtomicLong lastOnline;
        private final StringBuilder partial = new StringBuilder();

        Idle(String register, AtomicInteger registered, AtomicInteger online, AtomicLong lastOnline) {
            this.register = register;
            this.registered = registered;
            this.online = online;
            this.lastOnline = lastOnline;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.contains("\"type\":\"connected\"")) {
                    webSocket.sendText(register, true);
                } else if (frame.contains("\"type\":\"registered\"")) {
                    registered.incrementAndGet();
                } else if (frame.contains("\"type\":\"gpu.power.online\"")) {
                    Instant now = Instant.now();
                    lastOnline.accumulateAndGet(now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000, Math::max);
                    online.incrementAndGet();
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
