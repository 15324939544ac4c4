package io.dsp.kafkauiserde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro single-object encoding read and written with generic data: {@code C3 01}, the writer schema's 8-byte
 * little-endian fingerprint, then the binary body. Done by hand rather than with Avro's {@code BinaryMessageDecoder}
 * so that each way a record can be undecodable gets its own sentence in Kafka UI.
 */
final class SingleObjectCodec {

    static final int HEADER_BYTES = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    /** A record that cannot be shown; the message is what the operator reads. */
    static final class UndecodableException extends Exception {
        UndecodableException(String message) {
            super(message);
        }
    }

    /** What was decoded: the datum, resolved to the current schema, and its writer. */
    record Decoded(Object datum, WriterSchemas.Writer writer) {}

    private final WriterSchemas schemas;

    SingleObjectCodec(WriterSchemas schemas) {
        this.schemas = schemas;
    }

    static boolean looksEncoded(byte[] bytes) {
        return bytes.length >= HEADER_BYTES && bytes[0] == MARKER_0 && bytes[1] == MARKER_1;
    }

    static long fingerprintOf(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * Decodes a value; {@code expected} is the record the topic carries, or {@code null} on a topic outside the
     * catalogue, where any known record is shown.
     */
    Decoded decode(byte[] bytes, String expected) throws UndecodableException {
        if (!looksEncoded(bytes)) {
            throw new UndecodableException("not an Avro single-object encoded record (it must start with C3 01 and"
                    + " an 8-byte schema fingerprint); " + preview(bytes));
        }
        long fingerprint = fingerprintOf(bytes);
        WriterSchemas.Writer writer = schemas.find(fingerprint)
                .orElseThrow(() -> new UndecodableException("unknown schema fingerprint " + hex(fingerprint)
                        + ": written with a schema that is neither released in this build's schema history nor"
                        + " current (a newer producer? upgrade the plug-in jar); " + preview(bytes)));
        if (expected != null && !writer.recordName().equals(expected)) {
            throw new UndecodableException("a " + writer.recordName() + " record (" + writer.version()
                    + ") where this topic carries " + expected + "; " + preview(bytes));
        }
        try {
            BinaryDecoder decoder =
                    DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
            Object datum = new GenericDatumReader<>(writer.writer(), writer.current()).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableException(remaining(decoder) + " bytes left over after a " + writer.recordName()
                        + " body (" + writer.version() + "): not one record; " + preview(bytes));
            }
            return new Decoded(datum, writer);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new UndecodableException("corrupt " + writer.recordName() + " body (" + writer.version() + "): "
                    + e.getMessage() + "; " + preview(bytes));
        }
    }

    /** Encodes a generic datum with this (current) schema. */
    static byte[] encode(Object datum, Schema schema) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(MARKER_0);
            out.write(MARKER_1);
            out.write(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(WriterSchemas.fingerprint(schema))
                    .array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<>(schema).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode " + schema.getFullName(), e);
        }
    }

    static String hex(long fingerprint) {
        return "0x" + HexFormat.of().toHexDigits(fingerprint);
    }

    /** The size and first bytes in hex, so an operator can tell garbage, JSON or a foreign format apart. */
    static String preview(byte[] bytes) {
        int shown = Math.min(bytes.length, 32);
        String head = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown);
        return bytes.length + " bytes: " + head + (bytes.length > shown ? " ..." : "");
    }

    private static long remaining(BinaryDecoder decoder) throws IOException {
        long count = 0;
        while (!decoder.isEnd()) {
            decoder.readFixed(new byte[1]);
            count++;
        }
        return count;
    }
}
