package io.dsp.systemtests.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy against an echo server on 127.0.0.1: each fault does what its name says, and heals. */
class FaultProxyTest {

    private ServerSocket echo;
    private final AtomicInteger echoEnds = new AtomicInteger();
    private FaultProxy proxy;

    @BeforeEach
    void startEchoAndProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // the proxy went away
                        }
                        echoEnds.incrementAndGet();
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = new FaultProxy("test", 0, echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void passesBytesBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
        }
        // counted once written on: the echo can reach the client just before the proxy adds its last chunk (CI)
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(proxy.bytes()).isEqualTo(10));
    }

    @Test
    void latencyDelaysEveryByteAndHealRemovesIt() throws IOException {
        proxy.latency(Duration.ofMillis(200));
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            // 200 ms each way at least; a lower bound cannot fail on a slow machine
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            proxy.heal();
            assertThat(roundTrip(s, "fast")).isEqualTo("fast");
        }
    }

    @Test
    void aPartitionHoldsBytesWithoutLosingThemUntilItHeals() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "before")).isEqualTo("before");
            proxy.partition();
            s.getOutputStream().write("held".getBytes());
            s.setSoTimeout(500);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.heal();
            s.setSoTimeout(10_000);
            assertThat(new String(s.getInputStream().readNBytes(4))).isEqualTo("held");
        }
    }

    @Test
    void aCutResetsOpenConnectionsAndNewOnesPass() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            assertThat(proxy.cut()).isEqualTo(1);
            s.setSoTimeout(10_000);
            assertThatThrownBy(() -> {
                        // a reset shows as an exception, at the latest on the second write
                        for (int i = 0; i < 3; i++) {
                            s.getOutputStream().write('y');
                            if (s.getInputStream().read() < 0) {
                                throw new IOException("closed");
                            }
                        }
                    })
                    .isInstanceOf(IOException.class);
        }
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
    }

    @Test
    void halfOpenClosesTheBrokerSideAndLeavesTheClientHanging() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            assertThat(proxy.halfOpen()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> echoEnds.get() == 1);
            s.getOutputStream().write("into the void".getBytes());
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes());
        return new String(s.getInputStream().readNBytes(text.length()));
    }
}
