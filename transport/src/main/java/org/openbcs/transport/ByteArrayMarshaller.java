package org.openbcs.transport;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * gRPC messages as plain bytes: for methods whose payload is our own framing (FBFT) and for tests
 * that must send what no typed stub would.
 */
public final class ByteArrayMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  public static final ByteArrayMarshaller INSTANCE = new ByteArrayMarshaller();

  private ByteArrayMarshaller() {}

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a gRPC message", e);
    }
  }
}
