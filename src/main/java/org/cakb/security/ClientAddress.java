package org.cakb.security;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client address that throttling, the audit trail and HSTS go by. Only a proxy named in
 * {@code CAKB_TRUSTED_PROXIES} (config {@code cakb.trusted-proxies}: IPv4/IPv6 addresses or CIDR ranges) is believed:
 * walking {@code X-Forwarded-For} from the right (the entry the nearest proxy appended), the first address that is
 * not a trusted proxy is the client. Entries further left were written by the client and are never used, so rotating
 * or faking them changes nothing. Never null: without a usable entry, the connection's own peer address.
 */
@ApplicationScoped
public class ClientAddress {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private final List<Range> trusted;

    @jakarta.inject.Inject
    ClientAddress(@ConfigProperty(name = "cakb.trusted-proxies", defaultValue = "127.0.0.1") String trustedProxies) {
        this.trusted = parse(trustedProxies);
    }

    /** The client's address for this request. */
    public String of(RoutingContext rc) {
        return resolve(peer(rc), rc.request().headers().getAll("X-Forwarded-For"));
    }

    /** Whether the client reached us over TLS: directly, or through a trusted proxy that says so. */
    public boolean overTls(RoutingContext rc) {
        if (rc.request().connection() != null && rc.request().connection().isSsl()) {
            return true;
        }
        String proto = rc.request().getHeader("X-Forwarded-Proto");
        if (proto == null || !isTrusted(peer(rc))) {
            return false;
        }
        String[] hops = proto.split(",");
        return hops[hops.length - 1].strip().equalsIgnoreCase("https");
    }

    private static String peer(RoutingContext rc) {
        // the connection's address, not request().remoteAddress(): with Quarkus' own proxy forwarding on, the latter
        // is already taken from the (leftmost, client-controlled) forwarded header
        SocketAddress a = rc.request().connection() == null ? rc.request().remoteAddress() : rc.request().connection().remoteAddress();
        return a == null || a.hostAddress() == null ? "unknown" : a.hostAddress();
    }

    String resolve(String peer, List<String> forwardedHeaders) {
        if (!isTrusted(peer) || forwardedHeaders == null || forwardedHeaders.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedHeaders) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        String last = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = stripPort(hops.get(i));
            InetAddress address = literal(hop);
            if (address == null) {
                return last; // a trusted proxy would not write this: the nearest trusted hop is all we know
            }
            String normal = address.getHostAddress();
            if (!isTrusted(normal)) {
                return normal;
            }
            last = normal;
        }
        return last;
    }

    public boolean isTrusted(String address) {
        InetAddress a = literal(address);
        if (a == null) {
            return false;
        }
        for (Range r : trusted) {
            if (r.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private static String stripPort(String hop) {
        if (hop.startsWith("[") && hop.contains("]")) {
            return hop.substring(1, hop.indexOf(']'));
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':') && hop.contains(".")) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    /** An IP literal, or null; never a name lookup. */
    static InetAddress literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45 || !(IPV4.matcher(s).matches() || (s.contains(":") && IPV6.matcher(s).matches()))) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    static List<Range> parse(String spec) {
        List<Range> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            String[] cidr = p.split("/", 2);
            InetAddress base = literal(cidr[0]);
            if (base == null) {
                throw new IllegalArgumentException("CAKB_TRUSTED_PROXIES: '" + p + "' is not an IP address or CIDR range");
            }
            int bits = cidr.length == 2 ? Integer.parseInt(cidr[1]) : base.getAddress().length * 8;
            ranges.add(new Range(base.getAddress(), bits));
        }
        return ranges;
    }

    record Range(byte[] base, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != base.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (base[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
