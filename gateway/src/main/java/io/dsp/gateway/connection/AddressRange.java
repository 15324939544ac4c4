package io.dsp.gateway.connection;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is a range of
 * one). Literal addresses only: a host name is refused, never looked up.
 */
public record AddressRange(byte[] network, int prefix) {

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException when it is not a literal address with a prefix that fits it
     */
    public static AddressRange parse(String cidr) {
        if (cidr == null || cidr.isBlank()) {
            throw new IllegalArgumentException("empty address range");
        }
        String[] parts = cidr.trim().split("/", 2);
        byte[] address = literal(parts[0]);
        int bits = address.length * 8;
        int prefix;
        try {
            prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: " + cidr);
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix length out of range: " + cidr);
        }
        return new AddressRange(address, prefix);
    }

    /** Whether this literal address lies in the range; {@code false} for anything that is not a literal address. */
    public boolean contains(String address) {
        byte[] candidate;
        try {
            candidate = literal(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (candidate.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[whole] & mask) == (network[whole] & mask);
    }

    private static byte[] literal(String text) {
        if (text == null || text.isBlank() || !text.matches("[0-9A-Fa-f:.%a-zA-Z]+") || !looksLiteral(text)) {
            throw new IllegalArgumentException("not a literal IP address: " + text);
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a literal IP address: " + text);
        }
    }

    /** An IPv4 dotted quad or anything with a colon (IPv6); never a name that would be resolved. */
    private static boolean looksLiteral(String text) {
        return text.contains(":") || text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange r && r.prefix == prefix && java.util.Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefix;
    }
}
