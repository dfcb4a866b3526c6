package org.openbcs.transport;

import com.google.protobuf.Message;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * Makes request bytes that do not parse an INVALID_ARGUMENT (the client sent garbage) instead of
 * grpc-java's default, which reports UNKNOWN and logs a server-side SEVERE as if the server were
 * at fault. Each method receives the raw stream and parses it itself. On a stream (Broadcast,
 * Deliver, the chaincode Register stream) garbage ends the stream: there is no message whose own
 * status could be reported. Every node wraps every service it serves with this.
 */
public final class StrictParsing {
  private static final MethodDescriptor.Marshaller<InputStream> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  private StrictParsing() {}

  public static ServerServiceDefinition wrap(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder builder =
        ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      add(builder, method);
    }
    return builder.build();
  }

  private static <Q, R> void add(
      ServerServiceDefinition.Builder builder, ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> typed = method.getMethodDescriptor();
    MethodDescriptor<InputStream, R> raw = typed.toBuilder(RAW, typed.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> handler = method.getServerCallHandler();
    builder.addMethod(
        raw,
        (call, headers) -> {
          TypedCall<Q, R> typedCall = new TypedCall<>(call, typed);
          return new ParsingListener<>(handler.startCall(typedCall, headers), typed, call);
        });
  }

  /** Parses each message; on garbage closes the call with INVALID_ARGUMENT and stops forwarding. */
  private static final class ParsingListener<Q> extends ServerCall.Listener<InputStream> {
    private final ServerCall.Listener<Q> delegate;
    private final MethodDescriptor<Q, ?> method;
    private final ServerCall<InputStream, ?> call;
    private boolean failed;

    ParsingListener(ServerCall.Listener<Q> delegate, MethodDescriptor<Q, ?> method, ServerCall<InputStream, ?> call) {
      this.delegate = delegate;
      this.method = method;
      this.call = call;
    }

    @Override
    public void onMessage(InputStream message) {
      if (failed) {
        return;
      }
      Q parsed;
      try {
        parsed = method.parseRequest(message);
      } catch (StatusRuntimeException e) {
        failed = true;
        call.close(Status.INVALID_ARGUMENT.withDescription(describe(method, e)), new Metadata());
        // Closing from the server side completes the call without cancelling it, so a streaming
        // handler (Deliver) would wait for requests forever and keep its stream slot: tell it the
        // call is over the way a client cancellation would.
        delegate.onCancel();
        return;
      }
      delegate.onMessage(parsed);
    }

    @Override
    public void onHalfClose() {
      if (!failed) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!failed) {
        delegate.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!failed) {
        delegate.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!failed) {
        delegate.onReady();
      }
    }
  }

  /** Names the method, the message type expected and what the protobuf parser objected to. */
  static String describe(MethodDescriptor<?, ?> method, StatusRuntimeException e) {
    String expected = "";
    if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof Message prototype) {
      expected = " (not a " + prototype.getDescriptorForType().getFullName() + ")";
    }
    // grpc's marshaller reports "Invalid protobuf byte sequence"; the parser's reason is the cause.
    String reason =
        e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause().getMessage()
            : e.getStatus().getDescription();
    return "malformed " + method.getFullMethodName() + " request" + expected + ": " + reason;
  }

  /** The raw call seen with the typed method descriptor the service's handler expects. */
  private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, R> raw;
    private final MethodDescriptor<Q, R> method;

    TypedCall(ServerCall<InputStream, R> raw, MethodDescriptor<Q, R> method) {
      this.raw = raw;
      this.method = method;
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      raw.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      raw.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return method;
    }
  }
}
