package orgs.gephi;

import com.google.gson.GsonBuilder;
import java.io.File;
import java.io.FileWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gephi.filters.api.FilterController;
import org.gephi.filters.api.Query;
import org.gephi.filters.api.Range;
import org.gephi.filters.plugin.dynamic.DynamicRangeBuilder.DynamicRangeFilter;
import org.gephi.graph.api.AttributeUtils;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Element;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.GraphView;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.Node;
import org.gephi.io.exporter.api.ExportController;
import org.gephi.io.exporter.spi.Exporter;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.joda.time.DateTimeZone;
import org.openide.util.Lookup;

/**
 * What Gephi sees in a file: opens it with the Gephi Toolkit's own importer and default
 * processor (as File > Open does), then writes JSON: every node and edge with its label, kind,
 * colour, position, time intervals and attributes (a dynamic one as its [start, end, value]
 * periods); on each --at day, the nodes and edges Gephi's timeline filter keeps and the values
 * of the dynamic attributes Gephi gives that day; and the importer's issues. --export-gexf and
 * --export-graphml write Gephi's own re-export of what it read, --export-svg its drawing (the
 * Preview, as File > Export > SVG makes it).
 *
 * Usage: Probe FILE OUT.json [--at YYYY-MM-DD]... [--export-gexf FILE] [--export-graphml FILE]
 *        [--export-svg FILE]
 */
public final class Probe {
    private static final DateTimeZone UTC = DateTimeZone.UTC;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Probe FILE OUT.json [--at YYYY-MM-DD]... "
                    + "[--export-gexf FILE] [--export-graphml FILE] [--export-svg FILE]");
            System.exit(2);
        }
        List<String> days = new ArrayList<>();
        String gexfOut = null;
        String graphmlOut = null;
        String svgOut = null;
        for (int i = 2; i < args.length; i += 2) {
            switch (args[i]) {
                case "--at": days.add(args[i + 1]); break;
                case "--export-gexf": gexfOut = args[i + 1]; break;
                case "--export-graphml": graphmlOut = args[i + 1]; break;
                case "--export-svg": svgOut = args[i + 1]; break;
                default: System.err.println("unknown option " + args[i]); System.exit(2);
            }
        }
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        Workspace workspace = projects.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(new File(args[0]));
        if (container == null) {
            System.err.println("Gephi could not import " + args[0]);
            System.exit(1);
        }
        List<String> issues = new ArrayList<>();
        for (Issue issue : container.getReport().getIssuesList(1000)) {
            issues.add(issue.getLevel() + ": " + issue.getMessage());
        }
        importer.process(container, new DefaultProcessor(), workspace);
        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        Graph graph = model.getGraph();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("issues", issues);
        out.put("directed", model.isDirected());
        out.put("dynamic", model.isDynamic());
        out.put("node_columns", columns(model.getNodeTable()));
        out.put("edge_columns", columns(model.getEdgeTable()));
        List<Object> nodes = new ArrayList<>();
        for (Node node : graph.getNodes()) {
            Map<String, Object> record = element(node);
            record.put("x", node.x());
            record.put("y", node.y());
            nodes.add(record);
        }
        out.put("nodes", nodes);
        List<Object> edges = new ArrayList<>();
        for (Edge edge : graph.getEdges()) {
            Map<String, Object> record = element(edge);
            record.put("source", edge.getSource().getId());
            record.put("target", edge.getTarget().getId());
            record.put("kind", edge.getTypeLabel() == null ? null : edge.getTypeLabel().toString());
            record.put("weight", edge.getWeight());
            edges.add(record);
        }
        out.put("edges", edges);
        Map<String, Object> at = new LinkedHashMap<>();
        for (String day : days) {
            at.put(day, alive(model, AttributeUtils.parseDateTime(day, UTC)));
        }
        out.put("at", at);
        ExportController exports = Lookup.getDefault().lookup(ExportController.class);
        export(exports, "gexf", gexfOut, workspace);
        export(exports, "graphml", graphmlOut, workspace);
        export(exports, "svg", svgOut, workspace);
        try (Writer writer = new FileWriter(args[1])) {
            new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(out, writer);
        }
        System.exit(0);  // the toolkit leaves non-daemon threads behind
    }

    private static List<Object> columns(Iterable<Column> table) {
        List<Object> found = new ArrayList<>();
        for (Column column : table) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("id", column.getId());
            record.put("title", column.getTitle());
            record.put("type", column.getTypeClass().getSimpleName());
            record.put("dynamic", column.isDynamic());
            found.add(record);
        }
        return found;
    }

    private static Map<String, Object> element(Element element) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", element.getId());
        record.put("label", element.getLabel());
        java.awt.Color colour = ((org.gephi.graph.api.ElementProperties) element).getColor();
        record.put("colour", String.format("#%02x%02x%02x", colour.getRed(), colour.getGreen(),
                colour.getBlue()));
        List<Object> spans = new ArrayList<>();
        for (Interval interval : element.getIntervals()) {
            spans.add(span(interval));
        }
        record.put("intervals", spans);
        Map<String, Object> attributes = new TreeMap<>();
        for (Column column : element.getAttributeColumns()) {
            if (column.isProperty()) {
                continue;  // id, label, timeset, weight: reported above
            }
            if (column.isDynamic()) {
                List<Object> periods = new ArrayList<>();
                for (Map.Entry entry : element.getAttributes(column)) {
                    List<Object> period = new ArrayList<>(span((Interval) entry.getKey()));
                    period.add(entry.getValue());
                    periods.add(period);
                }
                attributes.put(column.getTitle(), periods);
            } else {
                Object value = element.getAttribute(column);
                attributes.put(column.getTitle(), value == null ? null
                        : value instanceof Number || value instanceof Boolean ? value
                        : value.toString());
            }
        }
        record.put("attributes", attributes);
        return record;
    }

    private static List<Object> span(Interval interval) {
        List<Object> pair = new ArrayList<>();
        pair.add(day(interval.getLow()));
        pair.add(day(interval.getHigh()));
        return pair;
    }

    private static String day(double time) {
        return Double.isInfinite(time) ? null : AttributeUtils.printDate(time, UTC);
    }

    /** What Gephi's timeline filter (the Dynamic Range filter) keeps at one instant. */
    private static Map<String, Object> alive(GraphModel model, double time) {
        FilterController filters = Lookup.getDefault().lookup(FilterController.class);
        DynamicRangeFilter filter = new DynamicRangeFilter(model);
        filter.setRange(new Range(time, time));
        Query query = filters.createQuery(filter);
        GraphView view = filters.filter(query);
        Graph seen = model.getGraph(view);
        // the values the Data Laboratory and the labels show with the timeline at that instant
        GraphView moment = model.createView();
        model.setTimeInterval(moment, new Interval(time, time));
        List<Object> nodes = new ArrayList<>();
        Map<String, Object> values = new TreeMap<>();
        for (Node node : seen.getNodes()) {
            nodes.add(node.getId());
            Map<String, Object> dynamic = new TreeMap<>();
            for (Column column : node.getAttributeColumns()) {
                if (column.isDynamic() && !column.isProperty()) {
                    Object value = node.getAttribute(column, moment);
                    dynamic.put(column.getTitle(), value == null ? null : value.toString());
                }
            }
            values.put(node.getId().toString(), dynamic);
        }
        List<Object> edges = new ArrayList<>();
        for (Edge edge : seen.getEdges()) {
            edges.add(edge.getId());
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("nodes", nodes);
        record.put("edges", edges);
        record.put("node_values", values);
        return record;
    }

    private static void export(ExportController exports, String format, String path,
                               Workspace workspace) throws Exception {
        if (path == null) {
            return;
        }
        Exporter exporter = exports.getExporter(format);
        exporter.setWorkspace(workspace);
        exports.exportFile(new File(path), exporter);
    }
}
