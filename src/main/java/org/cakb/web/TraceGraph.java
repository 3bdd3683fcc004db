package org.cakb.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Server-side layout of a record's traceability neighbourhood as SVG: one column per kind, in the chain order
 * threats → countermeasures → requirements → recommendations → platform defaults → probes (then platforms and
 * sources), nodes as links, edges from the link table. Coordinates only; the template writes the (escaped) SVG.
 */
public record TraceGraph(int width, int height, List<ColumnHead> heads, List<Node> nodes, List<Edge> edges) {

    public static final List<String> ORDER = List.of("threat", "countermeasure", "requirement", "recommendation",
            "platform-default", "probe", "platform", "source");
    static final int COL_WIDTH = 230;
    static final int COL_GAP = 60;
    static final int NODE_HEIGHT = 30;
    static final int NODE_GAP = 8;
    static final int TOP = 40;
    static final int MAX_PER_COLUMN = 40;
    static final int LABEL_CHARS = 30;

    public record ColumnHead(int x, int y, String label, int shown, int total) {
        public boolean truncated() {
            return shown < total;
        }
    }

    public record Node(String id, String kind, String title, String label, String href, int x, int y, int w, int h,
                       boolean focus, boolean withdrawn) {
        public int textX() {
            return x + 10;
        }

        public int textY() {
            return y + h / 2 + 5;
        }
    }

    public record Edge(String path, String relation, boolean touchesFocus) {
    }

    public record Link(String from, String relation, String to) {
    }

    public static TraceGraph layout(Views.RecordRef focus, List<Views.RecordRef> neighbours, List<Link> links) {
        Map<String, List<Views.RecordRef>> byKind = new LinkedHashMap<>();
        for (String kind : ORDER) {
            byKind.put(kind, new ArrayList<>());
        }
        byKind.computeIfAbsent(focus.kind(), k -> new ArrayList<>()).add(focus);
        for (Views.RecordRef ref : neighbours) {
            if (!ref.id().equals(focus.id())) {
                byKind.computeIfAbsent(ref.kind(), k -> new ArrayList<>()).add(ref);
            }
        }
        List<ColumnHead> heads = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        Map<String, Node> placed = new HashMap<>();
        int column = 0;
        int maxRows = 0;
        for (Map.Entry<String, List<Views.RecordRef>> entry : byKind.entrySet()) {
            List<Views.RecordRef> refs = entry.getValue();
            if (refs.isEmpty()) {
                continue;
            }
            int x = 10 + column * (COL_WIDTH + COL_GAP);
            int shown = Math.min(refs.size(), MAX_PER_COLUMN);
            heads.add(new ColumnHead(x, 22, Views.Kind.ofCode(entry.getKey()).heading(), shown, refs.size()));
            for (int i = 0; i < shown; i++) {
                Views.RecordRef ref = refs.get(i);
                int y = TOP + i * (NODE_HEIGHT + NODE_GAP);
                Node node = new Node(ref.id(), ref.kind(), ref.title(), shorten(ref.title()), ref.href(), x, y, COL_WIDTH,
                        NODE_HEIGHT, ref.id().equals(focus.id()), ref.withdrawn());
                nodes.add(node);
                placed.put(ref.id(), node);
            }
            maxRows = Math.max(maxRows, shown);
            column++;
        }
        List<Edge> edges = new ArrayList<>();
        for (Link link : links) {
            Node a = placed.get(link.from());
            Node b = placed.get(link.to());
            if (a == null || b == null || a == b) {
                continue;
            }
            edges.add(new Edge(curve(a, b), link.relation(), a.focus() || b.focus()));
        }
        int width = Math.max(COL_WIDTH + 20, 10 + column * (COL_WIDTH + COL_GAP) - COL_GAP + 10);
        int height = TOP + Math.max(1, maxRows) * (NODE_HEIGHT + NODE_GAP) + 10;
        return new TraceGraph(width, height, heads, nodes, edges);
    }

    private static String curve(Node a, Node b) {
        if (a.x() == b.x()) {
            // same column: a bracket on the right-hand side
            int x = a.x() + a.w();
            int ya = a.y() + a.h() / 2;
            int yb = b.y() + b.h() / 2;
            int bulge = x + 24 + Math.min(30, Math.abs(yb - ya) / 10);
            return "M" + x + "," + ya + " C" + bulge + "," + ya + " " + bulge + "," + yb + " " + x + "," + yb;
        }
        Node left = a.x() < b.x() ? a : b;
        Node right = left == a ? b : a;
        int x1 = left.x() + left.w();
        int y1 = left.y() + left.h() / 2;
        int x2 = right.x();
        int y2 = right.y() + right.h() / 2;
        int mid = (x1 + x2) / 2;
        return "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2;
    }

    static String shorten(String title) {
        return title.length() <= LABEL_CHARS ? title : title.substring(0, LABEL_CHARS - 1).stripTrailing() + "…";
    }
}
