package org.openbcs.fbft.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.openbcs.fbft.sim.SimConfig;
import org.openbcs.fbft.sim.SimResult;
import org.openbcs.fbft.sim.Simulation;

/**
 * Messages and bytes per committed block in simulation, happy path and with one replica crashed
 * from the start, against PBFT's n + 2n^2 messages per decision (pre-prepare, prepare, commit).
 */
public final class MessageScaling {
  public static final List<Integer> DEFAULT_SIZES = List.of(4, 7, 10, 16, 31, 64);

  public record Row(int n, double msgsHappy, double bytesHappy, double msgsCrashed, double bytesCrashed, long blocks) {
    public long pbft() {
      return n + 2L * n * n;
    }
  }

  /** Client envelope sizes of the payload comparison: the same load, with 8x the bytes. */
  public static final List<Integer> PAYLOAD_ENVELOPE_BYTES = List.of(512, 4096);

  /**
   * One n in one payload mode (spec section 9), at each of {@link #PAYLOAD_ENVELOPE_BYTES}: the
   * same seed and client load (one envelope every 10 ms, each to one replica), by value or as
   * certified batches referenced by digest. "Leader" bytes are the proposals' bytes per committed
   * block (what the leader of a block uploads for it); "busiest" is the replica that sent the most.
   */
  public record PayloadRow(int n, boolean batches, List<Mode> bySize) {}

  /** Measurements per committed block at one envelope size. */
  public record Mode(double payloadBytes, double leaderBytes, double busiestReplicaBytes, double totalBytes,
      double msgs, long blocks, double latencyMillis) {
    static Mode of(SimResult r) {
      return new Mode(r.payloadBytesPerBlock(), r.leaderBytesPerBlock(), r.maxSenderBytesPerBlock(),
          r.bytesPerBlock(), r.messagesPerBlock(), r.maxHonestHeight(), r.meanCommitLatencyMillis());
    }
  }

  private MessageScaling() {}

  /** Happy path, both payload modes, the same seed and client load at each envelope size. */
  public static List<PayloadRow> measurePayload(List<Integer> sizes) {
    List<PayloadRow> rows = new ArrayList<>();
    for (int n : sizes) {
      long duration = n >= 31 ? 600 : 1500;
      for (boolean batches : List.of(false, true)) {
        List<Mode> bySize = new ArrayList<>();
        for (int bytes : PAYLOAD_ENVELOPE_BYTES) {
          bySize.add(Mode.of(run(SimConfig.builder(300 + n, n).gst(0).livenessBound(duration).checkLiveness(false)
              .clientFanout(1).envelopeBytes(bytes).batches(batches).build())));
        }
        rows.add(new PayloadRow(n, batches, bySize));
      }
    }
    return rows;
  }

  public static String payloadToMarkdown(List<PayloadRow> rows) {
    int small = PAYLOAD_ENVELOPE_BYTES.get(0);
    int large = PAYLOAD_ENVELOPE_BYTES.get(1);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "| n | mode | payload B/block (%d B env) | leader B/block (%d B env) "
        + "| payload B/block (%d B env) | leader B/block (%d B env) | leader growth | busiest replica B/block (%d B env) "
        + "| total B/block (%d B env) | msgs/block | blocks | mean submit-to-commit ms |%n", small, small, large, large,
        large, large));
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (PayloadRow r : rows) {
      Mode s = r.bySize().get(0);
      Mode l = r.bySize().get(1);
      sb.append(String.format(Locale.ROOT,
          "| %d | %s | %.0f | %.0f | %.0f | %.0f | %.2fx | %.0f | %.0f | %.1f | %d | %.1f |%n",
          r.n(), r.batches() ? "batches" : "by value", s.payloadBytes(), s.leaderBytes(), l.payloadBytes(),
          l.leaderBytes(), l.leaderBytes() / s.leaderBytes(), l.busiestReplicaBytes(), l.totalBytes(), l.msgs(),
          l.blocks(), l.latencyMillis()));
    }
    return sb.toString();
  }

  public static List<Row> measure(List<Integer> sizes) {
    List<Row> rows = new ArrayList<>();
    for (int n : sizes) {
      long duration = n >= 31 ? 600 : 1500;
      SimResult happy = run(SimConfig.builder(100 + n, n).gst(0).livenessBound(duration).checkLiveness(false).build());
      SimResult crashed = run(SimConfig.builder(200 + n, n).gst(0).livenessBound(duration).checkLiveness(false)
          .crash(n - 1, 0, -1, false).build());
      rows.add(new Row(n, happy.messagesPerBlock(), happy.bytesPerBlock(), crashed.messagesPerBlock(),
          crashed.bytesPerBlock(), happy.maxHonestHeight()));
    }
    return rows;
  }


  private static SimResult run(SimConfig cfg) {
    SimResult r = Simulation.run(cfg);
    if (!r.ok()) {
      throw new IllegalStateException("scaling run broke an invariant: " + r.failure().get());
    }
    return r;
  }

  public static String toMarkdown(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| n | f | FBFT msgs/block | FBFT bytes/block | msgs/block, 1 crashed | bytes/block, 1 crashed | PBFT msgs/decision (n+2n^2) | blocks (happy run) |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.0f | %.1f | %.0f | %d | %d |%n", r.n(), (r.n() - 1) / 3,
          r.msgsHappy(), r.bytesHappy(), r.msgsCrashed(), r.bytesCrashed(), r.pbft(), r.blocks()));
    }
    return sb.toString();
  }

  /** Log-scale line chart; java.awt in headless mode. */
  public static void plot(List<Row> rows, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int w = 900;
    int h = 600;
    int left = 90;
    int right = 30;
    int top = 50;
    int bottom = 70;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    int maxN = rows.stream().mapToInt(Row::n).max().orElse(64);
    double maxY = rows.stream().mapToDouble(r -> r.pbft()).max().orElse(10000) * 1.5;
    double minY = 1;
    java.util.function.DoubleUnaryOperator ys = v -> top + (h - top - bottom) * (1 - Math.log10(Math.max(v, minY)) / Math.log10(maxY));
    java.util.function.DoubleUnaryOperator xs = n -> left + (w - left - right) * (n / (double) maxN);
    g.setColor(new Color(230, 230, 230));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (double v = 1; v <= maxY; v *= 10) {
      int y = (int) ys.applyAsDouble(v);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left, y, w - right, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", v), 10, y + 4);
    }
    for (Row r : rows) {
      int x = (int) xs.applyAsDouble(r.n());
      g.setColor(new Color(230, 230, 230));
      g.drawLine(x, top, x, h - bottom);
      g.setColor(Color.DARK_GRAY);
      g.drawString("n=" + r.n(), x - 14, h - bottom + 18);
    }
    g.setColor(Color.BLACK);
    g.drawLine(left, h - bottom, w - right, h - bottom);
    g.drawLine(left, top, left, h - bottom);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString("Messages per committed block (log scale) vs replicas n", left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString("replicas n", w / 2 - 30, h - 20);
    series(g, rows, xs, ys, Row::msgsHappy, new Color(0, 110, 200), "FBFT, all replicas up", 0);
    series(g, rows, xs, ys, Row::msgsCrashed, new Color(0, 160, 90), "FBFT, one replica crashed", 1);
    series(g, rows, xs, ys, r -> (double) r.pbft(), new Color(200, 40, 40), "PBFT, n + 2n^2", 2);
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(img, "png", png.toFile());
  }

  private static void series(Graphics2D g, List<Row> rows, java.util.function.DoubleUnaryOperator xs,
      java.util.function.DoubleUnaryOperator ys, java.util.function.ToDoubleFunction<Row> value, Color color,
      String label, int legendIndex) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2.5f));
    int px = -1;
    int py = -1;
    for (Row r : rows) {
      int x = (int) xs.applyAsDouble(r.n());
      int y = (int) ys.applyAsDouble(value.applyAsDouble(r));
      g.fillOval(x - 4, y - 4, 8, 8);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      px = x;
      py = y;
    }
    int ly = 70 + legendIndex * 22;
    g.drawLine(120, ly, 150, ly);
    g.setColor(Color.BLACK);
    g.drawString(label, 158, ly + 5);
  }

  public static void main(String[] args) throws IOException {
    List<Row> rows = measure(DEFAULT_SIZES);
    System.out.print(toMarkdown(rows));
    System.out.println();
    System.out.print(payloadToMarkdown(measurePayload(DEFAULT_SIZES)));
    if (args.length > 0) {
      plot(rows, Path.of(args[0]));
    }
  }
}
