package org.veriflow.contracts;

import java.util.List;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.decisions.Decisions;
import org.veriflow.contracts.fl.Fl;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.ledger.exec.ContractRegistry;

/** The contracts every Veriflow chain runs, and the identities contract as the ledger's sender registry. */
public final class SystemContracts {
  private final Identities identities = new Identities();
  private final ContractRegistry registry = new ContractRegistry(
      List.of(identities, new Credits(), new Streams(), new Models(), new Decisions(), new Datasets(), new Fl()));

  public ContractRegistry registry() {
    return registry;
  }

  public Identities identities() {
    return identities;
  }
}
