package org.veriflow.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Loopback ports for the nodes a test starts, chosen below the kernel's ephemeral range. A port inside
 * that range can be taken, between being chosen and being bound by the node, by any outgoing connection
 * on the machine, the members' own Raft and HTTP clients among them; a port below it is only ever taken
 * by a bind.
 */
final class LoopbackPorts {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** Linux's default start of the ephemeral range, used where the kernel does not say. */
  private static final int DEFAULT_EPHEMERAL_LOW = 32_768;
  private static final int LOWEST = 10_000;

  private LoopbackPorts() {
  }

  /** A port that binds now. */
  static int free() throws IOException {
    return freeBase(0);
  }

  /**
   * A base port P such that P + each offset binds now. All the ports are held together while checked,
   * so that no two offsets land on the same port.
   */
  static int freeBase(int... offsets) throws IOException {
    int span = 0;
    for (int o : offsets) {
      span = Math.max(span, o);
    }
    int high = ephemeralLow() - 1 - span;
    int low = LOWEST;
    if (high - low < 1_000) {
      // A machine whose ephemeral range starts low: nothing is safe from clients, so take the old range.
      low = 20_000;
      high = 50_000;
    }
    Random random = new Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = low + random.nextInt(high - low);
      List<ServerSocket> held = new ArrayList<>();
      try {
        for (int o : offsets) {
          held.add(new ServerSocket(base + o));
        }
        return base;
      } catch (IOException taken) {
        // try another base
      } finally {
        for (ServerSocket s : held) {
          s.close();
        }
      }
    }
    throw new IOException("no free ports below " + (high + span + 1) + " for offsets of up to " + span);
  }

  /** The first port of the kernel's ephemeral range. */
  static int ephemeralLow() {
    try {
      // Read by lines: Files.readString trusts the size a /proc file reports (0) and returns a fragment.
      String[] range = Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).get(0).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException unreadable) {
      return DEFAULT_EPHEMERAL_LOW;
    }
  }
}
