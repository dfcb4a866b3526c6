package org.openbcs.ordering.solo;

import org.openbcs.ordering.spi.ChainSupport;
import org.openbcs.ordering.spi.Consenter;
import org.openbcs.ordering.spi.ConsenterFactory;

/** Consensus type "solo". */
public final class SoloConsenterFactory implements ConsenterFactory {
  public static final String TYPE = "solo";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Consenter create(ChainSupport chain) {
    return new SoloConsenter(chain);
  }
}
