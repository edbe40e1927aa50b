package org.veriflow.raft;

import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.Descriptors;
import org.apache.ratis.thirdparty.com.google.protobuf.Message;
import org.apache.ratis.thirdparty.io.grpc.ForwardingServerCallListener;
import org.apache.ratis.thirdparty.io.grpc.Grpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds every Raft request to the member whose certificate the TLS session holds: a request whose
 * requestor id (its {@code serverRequest} or {@code rpcRequest}, a {@code RaftRpcRequestProto}, found
 * through the message's descriptor) is not that member is refused with {@code PERMISSION_DENIED}
 * and the call closed, so that a member cannot vote or append as another.
 */
final class MemberInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(MemberInterceptor.class);
  private static final String RPC_REQUEST_TYPE = "RaftRpcRequestProto";
  private static final String REQUESTOR_FIELD = "requestorId";
  /** Per message type: the field holding its RaftRpcRequestProto, or empty if it has none. */
  private final Map<Descriptors.Descriptor, Optional<Descriptors.FieldDescriptor>> envelopes = new ConcurrentHashMap<>();

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String member = peerMember(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (member == null) {
      refuse(call, "the connection presents no member certificate");
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean closed;

      @Override
      public void onMessage(Q message) {
        if (closed) {
          return;
        }
        String requestor = requestor(message);
        if (!member.equals(requestor)) {
          closed = true;
          refuse(call, "member '" + member + "' sent a " + call.getMethodDescriptor().getBareMethodName() + " request as '" + requestor + "'");
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!closed) {
          super.onHalfClose();
        }
      }
    };
  }

  private static void refuse(ServerCall<?, ?> call, String why) {
    LOG.warn("refused a Raft request: {}", why);
    call.close(Status.PERMISSION_DENIED.withDescription(why), new Metadata());
  }

  private static String peerMember(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? MemberCertificates.memberIdOf(leaf) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** The requestor id of a Raft request, as text; null if the message carries none. */
  String requestor(Object message) {
    if (!(message instanceof Message m)) {
      return null;
    }
    Optional<Descriptors.FieldDescriptor> envelope = envelopes.computeIfAbsent(m.getDescriptorForType(), MemberInterceptor::envelope);
    if (envelope.isEmpty()) {
      return null;
    }
    Message rpc = (Message) m.getField(envelope.get());
    Descriptors.FieldDescriptor requestor = rpc.getDescriptorForType().findFieldByName(REQUESTOR_FIELD);
    if (requestor == null || !(rpc.getField(requestor) instanceof ByteString id)) {
      return null;
    }
    return id.toString(StandardCharsets.UTF_8);
  }

  private static Optional<Descriptors.FieldDescriptor> envelope(Descriptors.Descriptor type) {
    for (Descriptors.FieldDescriptor f : type.getFields()) {
      if (f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()
          && f.getMessageType().getName().equals(RPC_REQUEST_TYPE)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
