package io.meshgate.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive HTTP/1.1 connections from the edge to Liberty's HTTP port over the loopback, one pool
 * per event loop so an exchange and its connection share a thread. A connection carries one
 * exchange at a time; an idle one is closed after 20 s, before Liberty's keep-alive timeout (30 s)
 * would close it under a new request.
 */
final class BackendPool {
  static final AttributeKey<EdgeExchange> EXCHANGE = AttributeKey.valueOf("meshgate.exchange");
  private static final int IDLE_SECONDS = 20;

  private final InetSocketAddress target;

  /**
   * Loopback connections per event loop (there are 2 × cores loops): with more requests in flight
   * the next ones wait, up to {@link #MAX_WAITING_PER_LOOP}, then get 503. Bounds the edge's use of
   * loopback ports and of Liberty's connections.
   */
  static final int MAX_CONNECTIONS_PER_LOOP = 256;

  static final int MAX_WAITING_PER_LOOP = 1024;
  static final long ACQUIRE_TIMEOUT_MILLIS = 10_000;

  private final Map<EventLoop, FixedChannelPool> pools = new ConcurrentHashMap<>();

  BackendPool(InetSocketAddress target) {
    this.target = target;
  }

  Future<Channel> acquire(EventLoop loop) {
    return pools.computeIfAbsent(loop, this::pool).acquire();
  }

  /** Gives a connection back for the next exchange (closed instead when it is not healthy). */
  void release(Channel backend) {
    backend.attr(EXCHANGE).set(null);
    FixedChannelPool pool = pools.get(backend.eventLoop());
    if (pool == null) {
      backend.close();
      return;
    }
    // Always through the pool, which counts its connections: it closes an inactive one itself.
    pool.release(backend);
  }

  /** Closes a connection whose exchange broke off (its state is unknown) and frees its slot. */
  void discard(Channel backend) {
    backend.attr(EXCHANGE).set(null);
    backend.close();
    release(backend);
  }

  private FixedChannelPool pool(EventLoop loop) {
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
            .remoteAddress(target);
    return new FixedChannelPool(
        bootstrap,
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel ch) {
            ch.pipeline()
                .addLast(
                    new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                    new HttpClientCodec(65_536, 1_114_112 + 65_536, 65_536),
                    new FromLiberty());
          }
        },
        ChannelHealthChecker.ACTIVE,
        FixedChannelPool.AcquireTimeoutAction.FAIL,
        ACQUIRE_TIMEOUT_MILLIS,
        MAX_CONNECTIONS_PER_LOOP,
        MAX_WAITING_PER_LOOP,
        true,
        true);
  }

  /** Hands what Liberty answers to the exchange the connection serves now. */
  private static final class FromLiberty extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      EdgeExchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange == null) {
        io.netty.util.ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      exchange.fromBackend(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      EdgeExchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null && ctx.channel().isWritable()) {
        exchange.backendWritable();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      EdgeExchange exchange = ctx.channel().attr(EXCHANGE).get();
      if (exchange != null) {
        exchange.backendClosed(null);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      EdgeExchange exchange = ctx.channel().attr(EXCHANGE).get();
      ctx.close();
      if (exchange != null) {
        exchange.backendClosed(cause);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent && ctx.channel().attr(EXCHANGE).get() == null) {
        ctx.close();
      }
    }
  }
}
