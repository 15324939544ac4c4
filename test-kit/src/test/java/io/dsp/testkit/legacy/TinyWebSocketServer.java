package io.dsp.testkit.legacy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A minimal RFC 6455 server on a loopback port, standing in for the {@code /dsp} gateway: it records the text
 * frames each connection sends and lets a test send frames, whole or split into continuation frames. The JDK has
 * no WebSocket server and test-kit has no servlet container, so this is the smallest real peer.
 */
final class TinyWebSocketServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** One accepted connection. */
    static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        private volatile boolean closed;

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        /** Text frames received, parsed, in order. */
        List<JsonNode> frames() {
            return List.copyOf(frames);
        }

        /** Frames received of one type. */
        List<JsonNode> frames(String type) {
            return frames.stream()
                    .filter(frame -> type.equals(frame.path("type").asString()))
                    .toList();
        }

        boolean closed() {
            return closed;
        }

        /** Sends one text frame. */
        void send(String text) {
            write(0x81, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Sends a text message split into two frames (text, then continuation), as a proxy may. */
        void sendSplit(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            int half = bytes.length / 2;
            write(0x01, java.util.Arrays.copyOfRange(bytes, 0, half));
            write(0x80, java.util.Arrays.copyOfRange(bytes, half, bytes.length));
        }

        private synchronized void write(int head, byte[] payload) {
            try {
                out.write(head);
                if (payload.length < 126) {
                    out.write(payload.length);
                } else if (payload.length < 65536) {
                    out.write(126);
                    out.write(payload.length >>> 8);
                    out.write(payload.length & 0xff);
                } else {
                    out.write(127);
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        out.write((int) ((long) payload.length >>> shift) & 0xff);
                    }
                }
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                closed = true;
            }
        }

        private void read() {
            try (socket) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                while (true) {
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    long length = b1 & 0x7f;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    byte[] mask = new byte[4];
                    if ((b1 & 0x80) != 0) {
                        in.readFully(mask);
                    }
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                    int opcode = b0 & 0x0f;
                    if (opcode == 0x8) {
                        write(0x88, new byte[0]);
                        return;
                    }
                    if (opcode == 0x9) {
                        write(0x8A, payload);
                        continue;
                    }
                    if (opcode == 0x1 || opcode == 0x0) {
                        message.write(payload);
                        if ((b0 & 0x80) != 0) {
                            frames.add(JSON.readTree(message.toString(StandardCharsets.UTF_8)));
                            message.reset();
                        }
                    }
                }
            } catch (IOException e) {
                // the peer went away
            } finally {
                closed = true;
            }
        }
    }

    private final ServerSocket server;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();

    TinyWebSocketServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tiny-ws-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI url() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/dsp");
    }

    List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** The latest connection (fails if none yet). */
    Connection last() {
        if (connections.isEmpty()) {
            throw new AssertionError("no connection yet");
        }
        return connections.get(connections.size() - 1);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                if (handshake(socket)) {
                    Connection connection = new Connection(socket);
                    connections.add(connection);
                    Thread reader = new Thread(connection::read, "tiny-ws-read");
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static boolean handshake(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                socket.close();
                return false;
            }
            head.write(b);
        }
        String key = null;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                key = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        if (key == null) {
            socket.close();
            return false;
        }
        String accept;
        try {
            accept = Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-1")
                            .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return true;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Connection connection : connections) {
            connection.socket.close();
        }
    }
}
