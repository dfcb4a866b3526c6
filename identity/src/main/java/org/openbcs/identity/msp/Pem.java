package org.openbcs.identity.msp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text: splitting bundles into blocks, and encoding DER as PEM. */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

  private Pem() {}

  /** One PEM block: its type (e.g. {@code CERTIFICATE}) and DER content. */
  public record Block(String type, byte[] der) {
    /** Canonical PEM text of this block (64-column base64, trailing newline). */
    public String text() {
      return encode(type, der);
    }
  }

  /** Every PEM block in {@code text}, in order; empty when there is none. */
  public static List<Block> blocks(byte[] text) {
    Matcher m = BLOCK.matcher(new String(text, StandardCharsets.US_ASCII));
    List<Block> out = new ArrayList<>();
    while (m.find()) {
      String body = m.group(2).replaceAll("\\s", "");
      try {
        out.add(new Block(m.group(1), Base64.getDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid base64 in PEM block " + m.group(1), e);
      }
    }
    return out;
  }

  public static String encode(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
