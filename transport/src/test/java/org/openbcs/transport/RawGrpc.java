package org.openbcs.transport;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * gRPC calls whose requests and responses are plain bytes, so a test can send what no typed stub
 * would: bytes that are not a protobuf, or a message larger than the server accepts. Shared with
 * other modules' tests through this module's test jar.
 */
public final class RawGrpc {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = ByteArrayMarshaller.INSTANCE;

  /** How the server answered: every response message, then the status it closed the call with. */
  public record Outcome(List<byte[]> responses, Status status) {
    public Status.Code code() {
      return status.getCode();
    }

    public String description() {
      return status.getDescription();
    }
  }

  private RawGrpc() {}

  /** Full protobuf name of the request type a generated method descriptor expects. */
  public static String requestType(MethodDescriptor<?, ?> method) {
    if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof Message prototype) {
      return prototype.getDescriptorForType().getFullName();
    }
    throw new IllegalArgumentException(method.getFullMethodName() + " has no protobuf request marshaller");
  }

  /**
   * Sends {@code requests} on {@code method} (same name and type as the generated descriptor),
   * half-closes, and collects what comes back until the server closes the call. The deadline
   * bounds the call; waiting longer than it plus a margin fails the test.
   */
  public static Outcome call(
      Channel channel, MethodDescriptor<?, ?> method, List<byte[]> requests, Duration deadline)
      throws Exception {
    MethodDescriptor<byte[], byte[]> raw = method.toBuilder(BYTES, BYTES).build();
    ClientCall<byte[], byte[]> call =
        channel.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    List<byte[]> responses = new CopyOnWriteArrayList<>();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            responses.add(message);
            call.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(1);
    for (byte[] request : requests) {
      call.sendMessage(request);
    }
    call.halfClose();
    Status status = closed.get(deadline.toMillis() + 10_000, TimeUnit.MILLISECONDS);
    return new Outcome(List.copyOf(responses), status);
  }

  public static Outcome call(Channel channel, MethodDescriptor<?, ?> method, Message request, Duration deadline)
      throws Exception {
    return call(channel, method, List.of(request.toByteArray()), deadline);
  }
}
