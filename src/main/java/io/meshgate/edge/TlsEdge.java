package io.meshgate.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * meshgate's HTTPS listener on {@code HTTPS_PORT}: started with the application when {@code
 * MESHGATE_TLS_CERT_DIR} names certificates, closed with it. See the package documentation and the
 * README, "TLS at the edge".
 */
@ApplicationScoped
public class TlsEdge {
  private static final Logger LOG = Logger.getLogger(TlsEdge.class.getName());

  /**
   * The largest header list of one HTTP/2 request (uncompressed). HPACK lets a few bytes on the
   * wire stand for many header bytes, and each of a connection's streams may hold a list, so it is
   * far below HTTP/1.1's limit; the gateway forwards at most 56 KiB of headers anyway.
   */
  static final int H2_MAX_HEADER_LIST_BYTES = 131_072;

  /** Readiness words for the edge. */
  public enum State {
    OFF,
    SERVING,
    FAILED
  }

  @Inject
  @ConfigProperty(name = "HTTPS_PORT", defaultValue = "-1")
  int port;

  @Inject
  @ConfigProperty(name = "HTTP_HOST", defaultValue = "*")
  String host;

  @Inject
  @ConfigProperty(name = "HTTP_PORT", defaultValue = "9080")
  int backendPort;

  @Inject
  @ConfigProperty(name = "meshgate.tls.cert-dir")
  Optional<String> certDir;

  @Inject
  @ConfigProperty(name = "meshgate.tls.default-cert")
  Optional<String> defaultCert;

  /** {@code request}: ask every client for a certificate (none is fine); {@code off}: never. */
  @Inject
  @ConfigProperty(name = "meshgate.tls.client-certificates", defaultValue = "request")
  String clientCertificates;

  @Inject
  @ConfigProperty(name = "meshgate.tls.reload-seconds", defaultValue = "2")
  int reloadSeconds;

  /** The Strict-Transport-Security value added to responses that have none; {@code off}: none. */
  @Inject
  @ConfigProperty(name = "meshgate.tls.hsts", defaultValue = "max-age=31536000")
  String hsts;

  @Inject
  @ConfigProperty(name = "meshgate.http2.enabled", defaultValue = "true")
  boolean http2;

  @Inject
  @ConfigProperty(name = "meshgate.http2.max-concurrent-streams", defaultValue = "100")
  int maxConcurrentStreams;

  /** RST_STREAM frames a client may send per 30 s before its connection is closed (rapid reset). */
  @Inject
  @ConfigProperty(name = "meshgate.http2.max-resets-per-30s", defaultValue = "200")
  int maxResets;

  @Inject
  @ConfigProperty(name = "HTTP_MAX_HEADER_FIELD_BYTES", defaultValue = "1114112")
  int maxHeaderFieldBytes;

  @Inject
  @ConfigProperty(name = "HTTP_KEEPALIVE_TIMEOUT", defaultValue = "30s")
  String keepAliveTimeout;

  @Inject
  @ConfigProperty(name = "HTTP_NEW_CONNECTION_TIMEOUT", defaultValue = "10s")
  String handshakeTimeout;

  private final AtomicReference<EdgeCertificates> certificates = new AtomicReference<>();
  private volatile State state = State.OFF;
  private volatile String loadedStamp;
  private volatile String failedStamp;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel server;
  private BackendPool backends;
  private java.util.concurrent.ScheduledExecutorService reloader;

  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    if (certDir.isEmpty() || certDir.get().isBlank()) {
      return;
    }
    if (port <= 0) {
      LOG.warning(
          "MESHGATE-TLS: MESHGATE_TLS_CERT_DIR is set but HTTPS_PORT is not: the TLS edge is off");
      return;
    }
    try {
      Path dir = Path.of(certDir.get());
      loadedStamp = EdgeCertificates.stamp(dir);
      certificates.set(load(dir));
      start(dir);
      state = State.SERVING;
      EdgeCertificates current = certificates.get();
      LOG.info(
          "MESHGATE-TLS: serving HTTPS on port "
              + port
              + " with "
              + describe(current)
              + (http2 ? "; HTTP/2 and HTTP/1.1" : "; HTTP/1.1 only"));
    } catch (RuntimeException e) {
      state = State.FAILED;
      LOG.log(Level.SEVERE, "MESHGATE-TLS: the TLS edge did not start: " + e.getMessage(), e);
      stop();
    }
  }

  /** Whether the edge serves, failed to start, or is not configured. */
  public State state() {
    return state;
  }

  private EdgeCertificates load(Path dir) {
    return EdgeCertificates.load(
        dir, defaultCert.orElse(null), !"off".equalsIgnoreCase(clientCertificates.trim()));
  }

  private static String describe(EdgeCertificates certs) {
    StringBuilder b = new StringBuilder();
    for (EdgeCertificates.Entry e : certs.entries()) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(e.name()).append(" ").append(e.hosts());
      if (e == certs.defaultEntry()) {
        b.append(" (default)");
      }
    }
    return b.toString();
  }

  private void start(Path dir) {
    boss = new NioEventLoopGroup(1, new DefaultThreadFactory("meshgate-tls-accept", true));
    workers = new NioEventLoopGroup(0, new DefaultThreadFactory("meshgate-tls", true));
    backends = new BackendPool(new InetSocketAddress(EdgeRequest.EDGE_ADDRESS, backendPort));
    EdgeExchange.Settings settings =
        new EdgeExchange.Settings(backends, "off".equalsIgnoreCase(hsts.trim()) ? null : hsts);
    long handshakeMillis = seconds(handshakeTimeout, 10) * 1000;
    long idleSeconds = seconds(keepAliveTimeout, 30);
    int maxHeaderBytes = maxHeaderFieldBytes + 65_536;
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.AUTO_READ, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS),
                            new IdleCloser(),
                            new SniHandler(
                                hostName -> certificates.get().forHost(hostName),
                                16_384,
                                handshakeMillis),
                            new Negotiation(settings, maxHeaderBytes));
                  }
                });
    InetSocketAddress bind =
        "*".equals(host.trim()) ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    server = bootstrap.bind(bind).syncUninterruptibly().channel();
    // File reads and key parsing off the event loops, which must never block.
    reloader =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            new DefaultThreadFactory("meshgate-tls-reload", true));
    reloader.scheduleWithFixedDelay(
        () -> reload(dir), reloadSeconds, Math.max(1, reloadSeconds), TimeUnit.SECONDS);
  }

  /**
   * Re-reads the certificates when their files changed. New handshakes get the new ones at once;
   * connections already open keep theirs. A half-written or broken set is reported once and the old
   * one kept until the files are whole again.
   */
  private void reload(Path dir) {
    String stamp = EdgeCertificates.stamp(dir);
    try {
      if (stamp.equals(loadedStamp) || stamp.equals(failedStamp)) {
        return;
      }
      EdgeCertificates next = load(dir);
      certificates.set(next);
      loadedStamp = stamp;
      failedStamp = null;
      LOG.info("MESHGATE-TLS: certificates re-read: " + describe(next));
    } catch (RuntimeException e) {
      failedStamp = stamp;
      LOG.warning(
          "MESHGATE-TLS: the certificates under "
              + dir
              + " changed but cannot be used, still serving the previous ones: "
              + e.getMessage());
    }
  }

  private static long seconds(String duration, long fallback) {
    String d = duration.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      if (d.endsWith("ms")) {
        return Math.max(1, Long.parseLong(d.substring(0, d.length() - 2)) / 1000);
      }
      if (d.endsWith("s")) {
        return Long.parseLong(d.substring(0, d.length() - 1));
      }
      if (d.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(d.substring(0, d.length() - 1))).toSeconds();
      }
      return Long.parseLong(d);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  @PreDestroy
  void stop() {
    if (reloader != null) {
      reloader.shutdownNow();
      reloader = null;
    }
    if (server != null) {
      server.close().syncUninterruptibly();
      server = null;
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      boss = null;
    }
  }

  /** After the handshake: HTTP/2 or HTTP/1.1, as ALPN chose. */
  private final class Negotiation extends ApplicationProtocolNegotiationHandler {
    private final EdgeExchange.Settings settings;
    private final int maxHeaderBytes;

    Negotiation(EdgeExchange.Settings settings, int maxHeaderBytes) {
      super(ApplicationProtocolNames.HTTP_1_1);
      this.settings = settings;
      this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      ChannelPipeline p = ctx.pipeline();
      if (http2 && ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        p.addLast(
            Http2FrameCodecBuilder.forServer()
                .initialSettings(
                    Http2Settings.defaultSettings()
                        .maxConcurrentStreams(maxConcurrentStreams)
                        .maxHeaderListSize(H2_MAX_HEADER_LIST_BYTES))
                .decoderEnforceMaxRstFramesPerWindow(maxResets, 30)
                .validateHeaders(true)
                .build(),
            new Http2MultiplexHandler(
                new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream
                        .pipeline()
                        .addLast(
                            new Http2StreamFrameToHttpObjectCodec(true),
                            new Http2ExpectContinue(),
                            new EdgeExchange(settings, ctx.channel(), "h2"));
                  }
                }));
        return;
      }
      if (!ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
        ctx.close();
        return;
      }
      p.addLast(
          new HttpServerCodec(
              new HttpDecoderConfig()
                  .setMaxInitialLineLength(65_536)
                  .setMaxHeaderSize(maxHeaderBytes)
                  .setMaxChunkSize(65_536)),
          new HttpServerKeepAliveHandler(),
          new HttpServerExpectContinueHandler(),
          new EdgeExchange(settings, ctx.channel(), "http/1.1"));
    }
  }

  /**
   * Answers {@code expect: 100-continue} on an HTTP/2 stream. Netty's handler adds {@code
   * content-length: 0} to its 100, which HTTP/2 forbids on an interim answer (clients reset the
   * stream): this one sends a bare 100.
   */
  private static final class Http2ExpectContinue extends HttpServerExpectContinueHandler {
    @Override
    protected io.netty.handler.codec.http.HttpResponse acceptMessage(
        io.netty.handler.codec.http.HttpRequest request) {
      return new io.netty.handler.codec.http.DefaultFullHttpResponse(
          io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
          io.netty.handler.codec.http.HttpResponseStatus.CONTINUE,
          io.netty.buffer.Unpooled.EMPTY_BUFFER);
    }
  }

  /** Closes a connection idle for the keep-alive timeout, unless a request is in flight on it. */
  private static final class IdleCloser extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        if (EdgeExchange.inFlight(ctx.channel()) == 0) {
          ctx.close();
        }
        return;
      }
      super.userEventTriggered(ctx, evt);
    }
  }
}
