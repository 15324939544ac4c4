package io.dsp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.dsp.testkit.Services;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code wss://} through a Spring Boot SSL bundle, with a self-signed key pair made by the JDK's keytool at test time. */
class SecureWebSocketIT {

    static final String PASSWORD = "test-secret";

    static Path keystore;
    static ConfigurableApplicationContext gateway;

    @BeforeAll
    static void startWithTls() throws Exception {
        keystore = Files.createTempDirectory("dsp-gateway-tls-").resolve("gateway.p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(List.of(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "gateway",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        gateway = Services.start(
                GatewayApplication.builder(),
                Map.of(
                        "server.ssl.bundle",
                        "gateway",
                        "spring.ssl.bundle.jks.gateway.keystore.location",
                        keystore.toUri().toString(),
                        "spring.ssl.bundle.jks.gateway.keystore.password",
                        PASSWORD,
                        "spring.ssl.bundle.jks.gateway.keystore.type",
                        "PKCS12"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    int port() {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    @Test
    void aClientTrustingTheGatewaysCertificateTalksTheLegacyProtocolOverWss() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newBuilder()
                .sslContext(trusting(keystore))
                .build()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("wss://127.0.0.1:" + port() + "/dsp"), collector(frames))
                .join();
        try {
            assertThat(frames.poll(10, TimeUnit.SECONDS)).contains("\"type\":\"connected\"");
            socket.sendText("{\"type\":\"ping\"}", true).join();
            assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"type\":\"pong\"}");
        } finally {
            socket.abort();
        }
    }

    @Test
    void aPlainWebSocketIsNotServedOnTheTlsPortAndAnUntrustedCertificateIsRefused() {
        Throwable untrusted = org.assertj.core.api.Assertions.catchThrowable(() -> HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("wss://127.0.0.1:" + port() + "/dsp"), collector(new LinkedBlockingQueue<>()))
                .join());
        assertThat(untrusted).hasStackTraceContaining(SSLHandshakeException.class.getName());
        Throwable plain = org.assertj.core.api.Assertions.catchThrowable(() -> HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + port() + "/dsp"), collector(new LinkedBlockingQueue<>()))
                .join());
        assertThat(plain).isNotNull();
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static WebSocket.Listener collector(BlockingQueue<String> frames) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
    }
}
