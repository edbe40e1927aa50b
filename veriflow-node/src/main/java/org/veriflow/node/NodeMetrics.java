package org.veriflow.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;

/** The node's Prometheus metrics: chain height, pool size, committed blocks and transactions, JVM. */
final class NodeMetrics {
  private NodeMetrics() {}

  static void bind(MeterRegistry registry, Ledger ledger, Mempool mempool) {
    Gauge.builder("veriflow_chain_height", ledger, l -> l.head().height()).description("height of the last committed block").register(registry);
    Gauge.builder("veriflow_log_size", ledger, l -> l.head().header().getLogSize()).description("transactions in the global log").register(registry);
    Gauge.builder("veriflow_mempool_size", mempool, Mempool::size).description("pending transactions").register(registry);
    Counter blocks = Counter.builder("veriflow_blocks_committed").description("blocks committed since start").register(registry);
    Counter committed = Counter.builder("veriflow_transactions").tag("status", "committed").description("transactions in committed blocks").register(registry);
    Counter failed = Counter.builder("veriflow_transactions").tag("status", "failed").description("transactions in committed blocks").register(registry);
    ledger.onCommit(b -> {
      blocks.increment();
      long ok = b.results().stream().filter(r -> r.getStatus() == TxStatus.COMMITTED).count();
      committed.increment(ok);
      failed.increment(b.results().size() - ok);
    });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }
}
