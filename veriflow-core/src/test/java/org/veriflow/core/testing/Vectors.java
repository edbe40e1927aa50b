package org.veriflow.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the test vectors under {@code src/test/resources/vectors} from the test class path, never
 * from outside the module, so a fresh clone runs the same tests.
 */
public final class Vectors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "/vectors/";

  private Vectors() {}

  /** Parses {@code vectors/<name>}. */
  public static JsonNode json(String name) {
    try (InputStream in = open(name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read test vector " + name, e);
    }
  }

  /**
   * The names, relative to {@code vectors/}, of every {@code .json} file below {@code vectors/<dir>},
   * sorted so that failures are reported in a stable order.
   */
  public static List<String> jsonFilesUnder(String dir) {
    URL url = Vectors.class.getResource(ROOT + dir);
    if (url == null || !"file".equals(url.getProtocol())) {
      throw new IllegalStateException("test vector folder " + dir + " is not a directory on the test class path: " + url);
    }
    Path base;
    try {
      base = Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad resource URL " + url, e);
    }
    try (Stream<Path> files = Files.walk(base)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json"))
          .map(p -> dir + "/" + base.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + base, e);
    }
  }

  private static InputStream open(String name) {
    InputStream in = Vectors.class.getResourceAsStream(ROOT + name);
    if (in == null) {
      throw new IllegalStateException("missing test vector " + ROOT + name);
    }
    return in;
  }
}
