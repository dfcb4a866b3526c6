package org.openbcs.fbft.ordering;

import org.openbcs.transport.ByteArrayMarshaller;
import io.grpc.MethodDescriptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The orderer-to-orderer FBFT method, without protoc: a unary {@code openbcs.fbft.FbftTransport/Send}
 * whose request is a frame {@code channelLen(u16) channel(utf8) from(i32) message} and whose
 * response is empty. The message is {@code MessageCodec} bytes; the replica decodes and verifies it.
 */
public final class FbftWire {
  public static final String SERVICE = "openbcs.fbft.FbftTransport";
  /** Longest channel id in a frame (Fabric limits channel names to 249 characters). */
  static final int MAX_CHANNEL_BYTES = 255;

  public static final MethodDescriptor<byte[], byte[]> SEND =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Send"))
          .setRequestMarshaller(ByteArrayMarshaller.INSTANCE)
          .setResponseMarshaller(ByteArrayMarshaller.INSTANCE)
          .build();

  private FbftWire() {}

  public record Frame(String channelId, int from, byte[] message) {}

  public static byte[] encode(Frame f) {
    byte[] ch = f.channelId().getBytes(StandardCharsets.UTF_8);
    if (ch.length > MAX_CHANNEL_BYTES) {
      throw new IllegalArgumentException("channel id longer than " + MAX_CHANNEL_BYTES + " bytes");
    }
    return ByteBuffer.allocate(2 + ch.length + 4 + f.message().length)
        .putShort((short) ch.length).put(ch).putInt(f.from()).put(f.message()).array();
  }

  /** Empty for a malformed frame; never throws on wire input. */
  public static Optional<Frame> decode(byte[] bytes) {
    if (bytes.length < 6) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int len = Short.toUnsignedInt(b.getShort());
    if (len > MAX_CHANNEL_BYTES || b.remaining() < len + 4) {
      return Optional.empty();
    }
    byte[] ch = new byte[len];
    b.get(ch);
    int from = b.getInt();
    byte[] msg = new byte[b.remaining()];
    b.get(msg);
    return Optional.of(new Frame(new String(ch, StandardCharsets.UTF_8), from, msg));
  }

}
