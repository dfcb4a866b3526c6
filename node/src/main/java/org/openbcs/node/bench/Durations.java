package org.openbcs.node.bench;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/** Parses the short durations of the command line: {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h}; a bare number is seconds. */
final class Durations implements ITypeConverter<Duration> {
  private static final Pattern SHAPE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    Matcher m = SHAPE.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: '" + value + "' (examples: 30s, 2m, 500ms)");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> n;
      case "s" -> n * 1_000;
      case "m" -> n * 60_000;
      case "h" -> n * 3_600_000;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
    return Duration.ofMillis(Math.round(millis));
  }
}
