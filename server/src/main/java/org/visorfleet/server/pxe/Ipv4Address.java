package org.visorfleet.server.pxe;

/**
 * An IPv4 address held as 32 bits (first octet most significant), read only from dotted-quad
 * literals: a host name is never resolved, because a configuration that depends on the resolver
 * of the machine that generated it is wrong on the machine that runs it.
 *
 * <p>Literal form: four decimal numbers 0-255 separated by dots, without signs, spaces or leading
 * zeros ({@code 010} is octal to {@code inet_aton} and an error to {@code inet_pton}, so it is
 * refused rather than guessed).
 */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    /** Parses a dotted-quad literal; throws IllegalArgumentException naming the text otherwise. */
    public static Ipv4Address parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("missing IPv4 address");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw notAnAddress(text);
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                throw notAnAddress(text);
            }
            int octet = 0;
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c < '0' || c > '9') {
                    throw notAnAddress(text);
                }
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) {
                throw notAnAddress(text);
            }
            bits = (bits << 8) | octet;
        }
        return new Ipv4Address(bits);
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("not an IPv4 address: " + Quote.of(text)
                + " (expected four numbers 0-255 like 192.168.10.1; host names are not resolved)");
    }

    /**
     * The prefix length of this address read as a netmask; throws IllegalArgumentException unless
     * its one bits are contiguous from the top ({@code 255.255.255.0} is 24, {@code 255.0.255.0}
     * is not a netmask).
     */
    public int prefixLength() {
        int ones = Integer.numberOfLeadingZeros(~bits);
        if (ones < 32 && (bits << ones) != 0) {
            throw new IllegalArgumentException("not a netmask: " + this + " (its one bits must be contiguous)");
        }
        return ones;
    }

    /** This address with the host bits of {@code netmask} cleared. */
    public Ipv4Address network(Ipv4Address netmask) {
        return new Ipv4Address(bits & netmask.bits);
    }

    /** This address with the host bits of {@code netmask} set. */
    public Ipv4Address broadcast(Ipv4Address netmask) {
        return new Ipv4Address(bits | ~netmask.bits);
    }

    /** 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 (multicast) and 240.0.0.0/4 (reserved, broadcast): never a host. */
    public boolean isUnicastHost() {
        int first = bits >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    @Override
    public int compareTo(Ipv4Address other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }
}
