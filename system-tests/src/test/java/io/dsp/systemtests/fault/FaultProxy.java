package io.dsp.systemtests.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 between a group of clients and one port of the broker, injecting the network faults Kafka's
 * own system tests use (partitions, latency, resets, half-open connections):
 *
 * <ul>
 *   <li>{@link #latency}: every byte, either way, arrives that much later, in order;
 *   <li>{@link #partition}: nothing passes either way and nothing is lost: bytes wait, as packets a link drops are
 *       sent again, until {@link #heal}; a new connection is accepted and hangs;
 *   <li>{@link #cut}: every open connection is reset (RST) at once; new ones pass;
 *   <li>{@link #halfOpen}: every open connection's broker side is closed while the client's side stays open and
 *       silent, as after a peer's crash: the client learns only from its own timeouts; new ones pass.
 * </ul>
 *
 * Threads are daemons; {@link #close} resets everything.
 */
final class FaultProxy implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    final String name;
    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object partitionLock = new Object();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean partitioned;
    private volatile long latencyNanos;
    private volatile boolean closed;

    /** Listens on {@code port} (0: any free one) and forwards to {@code upstreamPort}, both on 127.0.0.1. */
    FaultProxy(String name, int port, int upstreamPort) throws IOException {
        this.name = name;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        daemon("fault-proxy-" + name + "-accept", this::acceptLoop).start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Bytes forwarded so far, both ways. */
    long bytes() {
        return bytes.get();
    }

    void latency(Duration latency) {
        latencyNanos = latency.toNanos();
    }

    void partition() {
        partitioned = true;
    }

    /** Everything passes again, without added latency; what waited in a partition is delivered first. */
    void heal() {
        latencyNanos = 0;
        synchronized (partitionLock) {
            partitioned = false;
            partitionLock.notifyAll();
        }
    }

    /** Resets every open connection; returns how many. */
    int cut() {
        int n = 0;
        for (Link link : links) {
            link.reset();
            n++;
        }
        return n;
    }

    /** Closes every open connection's broker side and leaves the client's side open and silent; returns how many. */
    int halfOpen() {
        int n = 0;
        for (Link link : links) {
            link.dropUpstream();
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        heal();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        links.forEach(Link::reset);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            connections.incrementAndGet();
            daemon("fault-proxy-" + name + "-connect", () -> connect(client)).start();
        }
    }

    private void connect(Socket client) {
        try {
            awaitNoPartition();
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        } catch (IOException | InterruptedException e) {
            closeQuietly(client); // the broker is down: the client sees its connection closed, as it would
        }
    }

    private void awaitNoPartition() throws InterruptedException {
        synchronized (partitionLock) {
            while (partitioned && !closed) {
                partitionLock.wait();
            }
        }
    }

    /** One client connection and its broker connection: each way a reader and a writer, so latency keeps throughput. */
    private final class Link {

        private final Socket client;
        private final Socket upstream;
        private volatile boolean upstreamDropped;
        private volatile boolean done;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() throws IOException {
            pipe("up", client.getInputStream(), upstream.getOutputStream(), true);
            pipe("down", upstream.getInputStream(), client.getOutputStream(), false);
        }

        private void pipe(String direction, InputStream in, OutputStream out, boolean towardsBroker) {
            BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            daemon("fault-proxy-" + name + "-" + direction + "-read", () -> {
                        byte[] buffer = new byte[CHUNK];
                        try {
                            int n;
                            while ((n = in.read(buffer)) >= 0) {
                                queue.put(new Chunk(System.nanoTime() + latencyNanos, Arrays.copyOf(buffer, n)));
                            }
                        } catch (IOException | InterruptedException e) {
                            // the connection ended; the writer finishes below
                        }
                        queue.add(Chunk.END);
                    })
                    .start();
            daemon("fault-proxy-" + name + "-" + direction + "-write", () -> {
                        try {
                            for (Chunk chunk = queue.take(); chunk != Chunk.END; chunk = queue.take()) {
                                long wait = chunk.due - System.nanoTime();
                                if (wait > 0) {
                                    TimeUnit.NANOSECONDS.sleep(wait); // the injected latency
                                }
                                awaitNoPartition();
                                if (towardsBroker && upstreamDropped) {
                                    continue; // half-open: the client talks into the void
                                }
                                out.write(chunk.bytes);
                                out.flush();
                                bytes.addAndGet(chunk.bytes.length);
                            }
                        } catch (IOException | InterruptedException e) {
                            // one side is gone
                        }
                        if (!(upstreamDropped && !towardsBroker)) {
                            end();
                        }
                    })
                    .start();
        }

        /** Both sides closed normally once either way ends. */
        private void end() {
            if (!done) {
                done = true;
                links.remove(this);
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }

        void reset() {
            try {
                client.setSoLinger(true, 0);
                upstream.setSoLinger(true, 0);
            } catch (IOException e) {
                // already closed
            }
            end();
        }

        void dropUpstream() {
            if (!upstreamDropped) {
                upstreamDropped = true;
                closeQuietly(upstream);
            }
        }
    }

    private record Chunk(long due, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
