package io.meshgate.edge;

import io.meshgate.support.Problem;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One client conversation at the edge, HTTP/1.1 connection or HTTP/2 stream, relayed to Liberty one
 * request at a time: a request is handed to a pooled loopback connection and streamed on, and the
 * answer streamed back. Reading from one side stops while the other cannot take more (so a slow
 * client or a slow gateway holds no unbounded buffer), and a pipelined request waits until the
 * answer to the previous one is complete.
 */
final class EdgeExchange extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = Logger.getLogger(EdgeExchange.class.getName());
  private static final AttributeKey<AtomicInteger> IN_FLIGHT =
      AttributeKey.valueOf("meshgate.inFlight");
  private static final io.netty.util.AsciiString HSTS =
      io.netty.util.AsciiString.cached("strict-transport-security");
  static final String BACKEND_UNAVAILABLE = "EDGE_BACKEND_UNAVAILABLE";
  static final String BAD_REQUEST = "REQUEST_MALFORMED";

  /** What every exchange of one edge shares. */
  record Settings(BackendPool backends, String hsts) {}

  private final Settings settings;
  private final Channel connection;
  private final String protocol;
  private ChannelHandlerContext ctx;
  private Channel backend;
  private int backendPort;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean responseKeepAlive;

  /** Liberty sent the whole answer: its connection may close now without loss. */
  private boolean responseReceived;

  /** The rest of an interim (1xx) answer Liberty sent, which the edge drops. */
  private boolean droppingInterim;

  /** Most messages read from a client and not yet forwarded (a pipelining client). */
  private static final int MAX_PENDING = 64;

  EdgeExchange(Settings settings, Channel connection, String protocol) {
    this.settings = settings;
    this.connection = connection;
    this.protocol = protocol;
  }

  /** Requests in flight on a client connection (HTTP/2: over all its streams). */
  static int inFlight(Channel connection) {
    AtomicInteger n = connection.attr(IN_FLIGHT).get();
    return n == null ? 0 : n.get();
  }

  private AtomicInteger counter() {
    AtomicInteger n = connection.attr(IN_FLIGHT).get();
    if (n == null) {
      n = new AtomicInteger();
      connection.attr(IN_FLIGHT).set(n);
    }
    return n;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * What the client sent that is not yet forwarded: a request waiting for its turn or a connection.
   */
  private final java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>();

  private boolean acquiring;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    pending.add(msg);
    if (pending.size() > MAX_PENDING) {
      // Requests pipelined far ahead of the answers: a client that does not read.
      releasePending();
      abort();
      return;
    }
    drain();
  }

  /**
   * Forwards what can be forwarded now, in order: a request when no other is in flight, its body
   * while Liberty's connection takes it. Reading from the client stops while something waits.
   */
  private void drain() {
    while (!pending.isEmpty()) {
      Object msg = pending.peek();
      if (msg instanceof HttpRequest request) {
        if (backend != null || acquiring) {
          break;
        }
        pending.poll();
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
          ReferenceCountUtil.release(msg);
          releasePending();
          refuseMalformed(result.cause());
          return;
        }
        begin(request);
        continue;
      }
      if (msg instanceof HttpContent content) {
        if (acquiring || backend != null && !backend.isWritable()) {
          break;
        }
        pending.poll();
        if (backend == null) {
          // The body of a request already answered (or refused).
          ReferenceCountUtil.release(msg);
          continue;
        }
        if (content.decoderResult().isFailure()) {
          ReferenceCountUtil.release(msg);
          abort();
          return;
        }
        toBackend(content, content instanceof LastHttpContent);
        continue;
      }
      pending.poll();
      ReferenceCountUtil.release(msg);
    }
    ctx.channel().config().setAutoRead(pending.isEmpty());
  }

  private void releasePending() {
    for (Object o; (o = pending.poll()) != null; ) {
      ReferenceCountUtil.release(o);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (backend != null) {
      backend.config().setAutoRead(ctx.channel().isWritable());
    }
    super.channelWritabilityChanged(ctx);
  }

  /** Liberty's connection can take more of the request body. */
  void backendWritable() {
    drain();
  }

  private void begin(HttpRequest request) {
    for (HttpConversionUtil.ExtensionHeaderNames name :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      request.headers().remove(name.text());
    }
    EdgeClients.Client client = client();
    counter().incrementAndGet();
    requestDone = false;
    responseStarted = false;
    responseReceived = false;
    responseKeepAlive = true;
    droppingInterim = false;
    // 100-continue was answered by the edge (HttpServerExpectContinueHandler); any other
    // expectation is not one Liberty should answer on the edge's connection.
    request.headers().remove(io.netty.handler.codec.http.HttpHeaderNames.EXPECT);
    boolean full = request instanceof LastHttpContent;
    acquiring = true;
    Future<Channel> acquired = settings.backends().acquire(ctx.channel().eventLoop());
    acquired.addListener(
        f -> {
          acquiring = false;
          if (!f.isSuccess()) {
            ReferenceCountUtil.release(request);
            counter().decrementAndGet();
            releasePending();
            LOG.log(
                Level.WARNING,
                "MESHGATE-TLS: cannot reach Liberty's HTTP port: " + f.cause().getMessage());
            respondAndClose(
                503, BACKEND_UNAVAILABLE, "The gateway is not ready to serve this request");
            return;
          }
          Channel b = acquired.getNow();
          if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(request);
            counter().decrementAndGet();
            settings.backends().release(b);
            return;
          }
          backend = b;
          backend.attr(BackendPool.EXCHANGE).set(this);
          backend.config().setAutoRead(ctx.channel().isWritable());
          backendPort = ((InetSocketAddress) backend.localAddress()).getPort();
          EdgeClients.register(backendPort, client);
          toBackend(request, full);
          drain();
        });
  }

  /** Writes part of the request to Liberty; {@code last}: the request is then complete. */
  private void toBackend(HttpObject part, boolean last) {
    backend
        .writeAndFlush(part)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    abort();
                  } else if (last) {
                    requestDone = true;
                    maybeFinish();
                  }
                });
  }

  /** Something Liberty sent on this exchange's connection. */
  void fromBackend(Object msg) {
    if (msg instanceof HttpResponse response
        && response.status().codeClass()
            == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
      // An interim answer (a 100 the edge already gave, a 103): dropped with the empty end
      // Netty's decoder adds to it, which would otherwise end the client's answer.
      ReferenceCountUtil.release(msg);
      droppingInterim = !(msg instanceof LastHttpContent);
      return;
    }
    if (droppingInterim && msg instanceof HttpContent) {
      droppingInterim = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      responseStarted = true;
      // A 101 would turn the connection into something else: never back to the pool.
      responseKeepAlive = HttpUtil.isKeepAlive(response) && response.status().code() != 101;
      if (settings.hsts() != null && !response.headers().contains(HSTS)) {
        response.headers().set(HSTS, settings.hsts());
      }
    }
    if (msg instanceof LastHttpContent) {
      responseReceived = true;
    }
    boolean last = msg instanceof LastHttpContent;
    Channel from = backend;
    ctx.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    abort();
                  } else if (last) {
                    responseDone(from);
                  }
                });
    if (from != null && !ctx.channel().isWritable()) {
      // The client reads slower than the gateway answers: stop reading the answer until it
      // catches up (channelWritabilityChanged).
      from.config().setAutoRead(false);
    }
  }

  private boolean responseComplete;

  private void responseDone(Channel from) {
    if (from != backend) {
      return;
    }
    responseComplete = true;
    maybeFinish();
  }

  /** Both directions complete: give the connection back and go on with the next request. */
  private void maybeFinish() {
    if (!responseComplete) {
      return;
    }
    Channel b = backend;
    detach();
    if (!requestDone) {
      // The gateway answered before the whole request arrived: the rest of it has nowhere to go.
      releasePending();
      settings.backends().discard(b);
      closeFrontend();
      return;
    }
    if (responseKeepAlive) {
      b.config().setAutoRead(true);
      settings.backends().release(b);
    } else {
      settings.backends().discard(b);
    }
    if (ctx.channel().isActive()) {
      drain();
    }
  }

  private void detach() {
    if (backend != null) {
      EdgeClients.remove(backendPort);
      backend.attr(BackendPool.EXCHANGE).set(null);
      backend = null;
      counter().decrementAndGet();
    }
    responseComplete = false;
  }

  /** Liberty's connection closed (or failed) under this exchange. */
  void backendClosed(Throwable cause) {
    if (backend == null || responseReceived) {
      // The whole answer is in: it goes on to the client, the exchange ends when it is written.
      return;
    }
    Channel b = backend;
    detach();
    settings.backends().discard(b);
    if (!responseStarted) {
      respondAndClose(
          502, BACKEND_UNAVAILABLE, "The gateway closed the connection before it answered");
    } else {
      closeFrontend();
    }
  }

  private void abort() {
    if (backend != null) {
      Channel b = backend;
      detach();
      settings.backends().discard(b);
    }
    closeFrontend();
  }

  /** Closes the client's connection (HTTP/2: this stream) after what is queued for it. */
  private void closeFrontend() {
    if ("http/1.1".equals(protocol)) {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.channel().close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releasePending();
    if (backend != null) {
      Channel b = backend;
      detach();
      settings.backends().discard(b);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(Level.FINE, "edge exchange failed", cause);
    abort();
  }

  private void refuseMalformed(Throwable cause) {
    if (cause instanceof TooLongHttpHeaderException) {
      respondAndClose(431, "REQUEST_HEADERS_TOO_LARGE", "The request's header block is too large");
    } else if (cause instanceof TooLongHttpLineException) {
      respondAndClose(414, "REQUEST_LINE_TOO_LONG", "The request line is too long");
    } else if (cause instanceof TooLongFrameException) {
      respondAndClose(400, BAD_REQUEST, "A part of the request is too long");
    } else {
      respondAndClose(400, BAD_REQUEST, "The request is not valid HTTP");
    }
  }

  private void respondAndClose(int status, String errorKey, String detail) {
    FullHttpResponse response = problem(status, errorKey, detail);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private FullHttpResponse problem(int status, String errorKey, String detail) {
    byte[] body =
        new Problem(status, errorKey, detail)
            .toJson(UUID.randomUUID().toString())
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (settings.hsts() != null) {
      response.headers().set(HSTS, settings.hsts());
    }
    return response;
  }

  /** Who this conversation's client is, from its TLS session. */
  private EdgeClients.Client client() {
    SslHandler ssl = connection.pipeline().get(SslHandler.class);
    SSLSession session = ssl.engine().getSession();
    X509Certificate[] certs = new X509Certificate[0];
    try {
      Certificate[] peer = session.getPeerCertificates();
      certs = new X509Certificate[peer.length];
      for (int i = 0; i < peer.length; i++) {
        certs[i] = (X509Certificate) peer[i];
      }
    } catch (SSLPeerUnverifiedException e) {
      // No client certificate.
    }
    String sni = null;
    if (session instanceof javax.net.ssl.ExtendedSSLSession ext) {
      for (var name : ext.getRequestedServerNames()) {
        if (name instanceof javax.net.ssl.SNIHostName host) {
          sni = host.getAsciiName();
        }
      }
    }
    return new EdgeClients.Client(
        (InetSocketAddress) connection.remoteAddress(),
        certs,
        protocol,
        session.getProtocol(),
        session.getCipherSuite(),
        sni);
  }
}
