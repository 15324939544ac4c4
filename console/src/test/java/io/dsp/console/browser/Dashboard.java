package io.dsp.console.browser;

import io.dsp.testkit.NodeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard open in headless Chromium, driven by {@code src/test/js/dashboard.js} through npm
 * {@code playwright-core}: one JSON command per line in, one JSON answer per line out. A machine without Chromium,
 * Node or npm fails the test with what to install; it never skips.
 */
final class Dashboard implements AutoCloseable {

    static final String PLAYWRIGHT_VERSION = "1.65.1";
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long ANSWER_SECONDS = 180;

    private final Process node;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;

    private Dashboard(Process node, Path log) {
        this.node = node;
        this.log = log;
        this.commands = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readAnswers, "dashboard-answers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Checks the tools, installs playwright-core if missing, and starts the driver for this URL. */
    static Dashboard start(String url, Path log) {
        requireTools();
        Path playwright = NodeTools.install("playwright-core", PLAYWRIGHT_VERSION);
        Path script = Path.of("src", "test", "js", "dashboard.js").toAbsolutePath();
        ProcessBuilder builder =
                new ProcessBuilder("node", script.toString(), url, CHROMIUM.toString()).redirectError(log.toFile());
        builder.environment().put("NODE_PATH", playwright.getParent().toString());
        try {
            return new Dashboard(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start node " + script, e);
        }
    }

    static void requireTools() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("The dashboard test needs Debian's chromium at " + CHROMIUM
                    + " (apt-get install -y chromium; .ci/run installs it)");
        }
        try {
            Process version = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            if (!version.waitFor(60, TimeUnit.SECONDS) || version.exitValue() != 0) {
                throw new IllegalStateException("node --version failed; the dashboard test needs Node.js 20 and npm");
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The dashboard test needs Node.js 20 and npm on the PATH (apt-get install -y nodejs npm)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens the page; with a token, signs in through the page's own form. Returns the page's marker. */
    String open(String token) {
        JsonNode value = call(token == null ? Map.of("cmd", "open") : Map.of("cmd", "open", "token", token));
        return value.path("marker").asString();
    }

    /** What the page shows now. */
    JsonNode read() {
        return call(Map.of("cmd", "read"));
    }

    void screenshot(Path path) {
        call(Map.of("cmd", "screenshot", "path", path.toAbsolutePath().toString()));
    }

    private synchronized JsonNode call(Map<String, String> command) {
        try {
            commands.write(JSON.writeValueAsString(command) + "\n");
            commands.flush();
            String line = answers.poll(ANSWER_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("No answer to " + command.get("cmd") + " within " + ANSWER_SECONDS
                        + " s; node said: " + tail());
            }
            JsonNode answer = JSON.readTree(line);
            if (!answer.path("ok").asBoolean()) {
                throw new AssertionError("The browser failed " + command.get("cmd") + ": "
                        + answer.path("error").asString() + "\nnode said: " + tail());
            }
            return answer.path("value");
        } catch (IOException e) {
            throw new AssertionError("The browser driver died; node said: " + tail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void readAnswers() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                answers.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private String tail() {
        try {
            String text = Files.readString(log);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (node.isAlive()) {
            try {
                call(Map.of("cmd", "close"));
            } catch (AssertionError e) {
                // closing anyway
            }
        }
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            node.destroyForcibly();
        }
    }
}
