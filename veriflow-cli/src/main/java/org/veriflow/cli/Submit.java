package org.veriflow.cli;

import java.io.PrintWriter;
import java.util.function.Function;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.TransactionStatus;

/** Submits a transaction, waits for its block, prints its id; a failed transaction is an error. */
final class Submit {
  private Submit() {}

  /** The JSON result of a command that submits one transaction: its id and the height of its block. */
  record Submitted(String transaction, long height) {}

  /** As {@link #andWait(Session, Function, PrintWriter)}, printing the id as text or as a {@link Submitted} object. */
  static Responses.TxInfo andWait(Session session, Function<TransactionBuilder, SignedTransaction> call, PrintWriter out, OutputOptions output) {
    Responses.TxInfo info = andWait(session, call, output.json() ? new PrintWriter(java.io.Writer.nullWriter()) : out);
    output.printJson(out, submitted(info));
    return info;
  }

  static Submitted submitted(Responses.TxInfo info) {
    return new Submitted(info.id(), info.height().orElse(-1L));
  }

  static Responses.TxInfo andWait(Session session, Function<TransactionBuilder, SignedTransaction> call, PrintWriter out) {
    Responses.TxInfo info = session.submit(call, true);
    if (TransactionStatus.failed(info)) {
      throw new IllegalStateException("transaction " + info.id() + " failed at height " + info.height().orElse(-1L) + ": "
          + info.code().orElse("") + ": " + info.message().orElse(""));
    }
    if (!info.committed()) {
      throw new IllegalStateException("transaction " + info.id() + " is still " + info.status() + "; check it later with 'veriflow tx get " + info.id() + "'");
    }
    out.println(info.id());
    return info;
  }
}
