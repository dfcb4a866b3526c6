package org.openbcs.crypto.encoding;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openbcs.crypto.CryptoException;

/** PEM armour (RFC 7468): suite-independent, so every suite shares it. */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----", Pattern.DOTALL);
  private static final int LINE_LENGTH = 64;

  private Pem() {}

  /** One decoded PEM block: its label (e.g. {@code CERTIFICATE}) and DER body. */
  public record Block(String label, byte[] der) {
    /** Canonical PEM text of this block (64-column base64, trailing newline). */
    public String text() {
      return encode(label, der);
    }
  }

  /** Every PEM block in {@code text}, in order (certificate bundles, CRL files); empty when none. */
  public static java.util.List<Block> decodeAll(byte[] text) {
    Matcher m = BLOCK.matcher(new String(text, StandardCharsets.US_ASCII));
    java.util.List<Block> out = new java.util.ArrayList<>();
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new CryptoException("bad base64 in PEM block " + m.group(1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** True when {@code bytes} look like PEM text rather than DER (DER starts with a SEQUENCE tag). */
  public static boolean isPem(byte[] bytes) {
    return bytes.length > 0 && bytes[0] != 0x30 && new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN ");
  }

  /** The first PEM block in {@code text}; throws if there is none or its base64 is broken. */
  public static Block decodeFirst(byte[] text) {
    Matcher m = BLOCK.matcher(new String(text, StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new CryptoException("no PEM block found (expected -----BEGIN ...----- / -----END ...-----)");
    }
    try {
      return new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2)));
    } catch (IllegalArgumentException e) {
      throw new CryptoException("bad base64 in PEM block " + m.group(1) + ": " + e.getMessage(), e);
    }
  }

  /** DER bytes of {@code pemOrDer}: decoded if PEM, returned unchanged otherwise. */
  public static byte[] toDer(byte[] pemOrDer) {
    return isPem(pemOrDer) ? decodeFirst(pemOrDer).der() : pemOrDer;
  }

  /** PEM text with 64-character lines and a trailing newline, as OpenSSL and Fabric write it. */
  public static String encode(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(LINE_LENGTH, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }
}
