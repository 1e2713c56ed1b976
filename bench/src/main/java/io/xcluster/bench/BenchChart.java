package io.xcluster.bench;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The benchmark chart: p50 latency per variant, and throughput against concurrency, for each stack;
 * one PNG, drawn headless.
 */
final class BenchChart {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;

  private BenchChart() {}

  static void write(List<StackResult> results, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<BufferedImage> panels = new ArrayList<>();
    for (StackResult result : results) {
      String stack =
          switch (result.clusters()) {
            case REAL -> "start-dev servers";
            case POSTGRES -> "production-like servers";
            case EMBEDDED -> "embedded servers";
          };
      panels.add(BitmapEncoder.getBufferedImage(latency(result, stack)));
      if (!result.throughput().isEmpty()) {
        panels.add(BitmapEncoder.getBufferedImage(throughput(result, stack)));
      }
    }
    BufferedImage sheet =
        new BufferedImage(2 * WIDTH, HEIGHT * results.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    for (int i = 0; i < panels.size(); i++) {
      g.drawImage(panels.get(i), (i % 2) * WIDTH, (i / 2) * HEIGHT, null);
    }
    g.dispose();
    ImageIO.write(sheet, "png", png.toFile());
  }

  private static CategoryChart latency(StackResult result, String stack) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("Latency per fulfillment, " + stack)
            .xAxisTitle("variant")
            .yAxisTitle("ms")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    List<String> names = new ArrayList<>(result.latency().keySet());
    chart.addSeries(
        "p50", names, names.stream().map(n -> result.latency().get(n).millis(50)).toList());
    chart.addSeries(
        "p99", names, names.stream().map(n -> result.latency().get(n).millis(99)).toList());
    return chart;
  }

  private static XYChart throughput(StackResult result, String stack) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("Throughput, " + stack)
            .xAxisTitle("concurrency (log)")
            .yAxisTitle("fulfillments / s")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    for (Map.Entry<String, Map<Integer, Double>> variant : result.throughput().entrySet()) {
      List<Integer> levels = new ArrayList<>(variant.getValue().keySet());
      chart.addSeries(
          variant.getKey(), levels, levels.stream().map(variant.getValue()::get).toList());
    }
    return chart;
  }
}
