/*
 * Outbound HTTP/1.1 client benchmark for meshgate's hot path (see bench/clients/run.sh).
 *
 *   java -cp <httpclient5, httpcore5, slf4j-api jars> bench/clients/ClientBench.java \
 *        --client apache5|urlconnection|urlconnection-maxconn|jdkhttp [--port 18080] [--threads 16]
 *        [--warmup 20] [--window 20] [--nginx-pids 123,124]
 *
 * Each client sends GETs with 8 typical gateway headers to a local nginx (1 KiB body), reads the body
 * fully and walks every response header (what UpstreamClient does before copying them), from T
 * threads: a warm-up, then a measurement window. Reported: requests/s, process CPU µs per request
 * (OperatingSystemMXBean.getProcessCpuTime delta), p50/p99/p99.9 latency (exact, from a sorted
 * sample of every request in the window), errors, plus nginx's CPU per request, the CPU used by
 * other processes (% of all cores: interference), connections nginx accepted in the window and GC. Before the load it checks correctness:
 * the request target reaches nginx byte for byte, PATCH and POST with a body work.
 * Run each client in a fresh JVM with identical flags.
 */
import com.sun.management.OperatingSystemMXBean;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.impl.bootstrap.HttpRequester;
import org.apache.hc.core5.http.impl.bootstrap.RequesterBootstrap;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

public class ClientBench {
  static final int CONNECT_TIMEOUT_MS = 2000;
  static final int READ_TIMEOUT_MS = 30000;
  static final int MAX_CONNECTIONS = 512;
  static final String HOT_TARGET = "/api/orders/42?limit=10&expand=items";
  static final String FIDELITY_TARGET = "/check/a?q=a%20b&x=%2F";
  static final String FIDELITY_TARGET_2 = "/check/a%2Fb%3Bc/d?q=a%20b&x=%2F&e=&p=a+b";

  /** One exchange: status, body length; response headers / body captured only when asked. */
  static final class Result {
    int status;
    long bodyLength;
    long headerChars;
    Map<String, String> headers; // lower-case names; only when captureHeaders
    ByteArrayOutputStream body; // only when captureBody
  }

  interface Client extends AutoCloseable {
    /** headers: name, value, name, value, ...; body may be null. */
    void exchange(String method, String target, String[] headers, byte[] body, Result out, boolean capture)
        throws Exception;

    @Override
    default void close() throws Exception {}
  }

  /** Status, header size and body of an HttpCore 5 response (apache5 and core5), then closes it. */
  static void readAndClose(ClassicHttpResponse response, Result out, boolean capture) throws IOException {
    try {
      out.status = response.getCode();
      long chars = 0;
      for (Header h : response.getHeaders()) {
        chars += h.getName().length() + h.getValue().length();
        if (capture) out.headers.put(h.getName().toLowerCase(), h.getValue());
      }
      out.headerChars = chars;
      HttpEntity entity = response.getEntity();
      out.bodyLength = entity == null ? 0 : drain(entity.getContent(), capture ? out.body : null);
    } finally {
      response.close();
    }
  }

  // ---------------------------------------------------------------- apache5 (as UpstreamClient)
  static final class Apache5 implements Client {
    static final Set<String> RETRYABLE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    final PoolingHttpClientConnectionManager pool;
    final CloseableHttpClient client;
    final int port;

    Apache5(int port) {
      this.port = port;
      pool =
          PoolingHttpClientConnectionManagerBuilder.create()
              .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
              .setConnPoolPolicy(PoolReusePolicy.LIFO)
              .setMaxConnTotal(MAX_CONNECTIONS)
              .setMaxConnPerRoute(MAX_CONNECTIONS)
              .setDefaultConnectionConfig(
                  ConnectionConfig.custom()
                      .setConnectTimeout(Timeout.ofMilliseconds(CONNECT_TIMEOUT_MS))
                      .setSocketTimeout(Timeout.ofMilliseconds(READ_TIMEOUT_MS))
                      .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                      .setTimeToLive(TimeValue.ofMinutes(5))
                      .build())
              .build();
      client =
          HttpClients.custom()
              .setConnectionManager(pool)
              .setRetryStrategy(new StaleConnectionRetry())
              .disableRedirectHandling()
              .disableContentCompression()
              .disableCookieManagement()
              .disableAuthCaching()
              .evictIdleConnections(TimeValue.ofSeconds(30))
              .setDefaultRequestConfig(
                  RequestConfig.custom()
                      .setResponseTimeout(Timeout.ofMilliseconds(READ_TIMEOUT_MS))
                      .setConnectionRequestTimeout(Timeout.ofMilliseconds(CONNECT_TIMEOUT_MS))
                      .build())
              .build();
    }

    @Override
    public void exchange(String method, String target, String[] headers, byte[] body, Result out, boolean capture)
        throws Exception {
      URI base = URI.create("http://127.0.0.1:" + port); // UpstreamClient derives the host from the API's URI
      HttpHost host = new HttpHost(base.getScheme(), base.getHost(), base.getPort());
      BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, host, target);
      for (int i = 0; i < headers.length; i += 2) {
        request.addHeader(headers[i], headers[i + 1]);
      }
      if (body != null) {
        request.setEntity(new InputStreamEntity(new ByteArrayInputStream(body), body.length, null));
      }
      HttpClientContext context = HttpClientContext.create();
      ClassicHttpResponse response = client.executeOpen(host, request, context);
      readAndClose(response, out, capture);
    }

    @Override
    public void close() {
      client.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
    }

    /** Copy of UpstreamClient.StaleConnectionRetry. */
    static final class StaleConnectionRetry implements HttpRequestRetryStrategy {
      @Override
      public boolean retryRequest(
          org.apache.hc.core5.http.HttpRequest request, IOException exception, int execCount, HttpContext context) {
        return execCount <= 1
            && exception instanceof NoHttpResponseException
            && RETRYABLE_METHODS.contains(request.getMethod())
            && !(request instanceof BasicClassicHttpRequest r && r.getEntity() != null);
      }

      @Override
      public boolean retryRequest(org.apache.hc.core5.http.HttpResponse response, int execCount, HttpContext context) {
        return false;
      }

      @Override
      public TimeValue getRetryInterval(
          org.apache.hc.core5.http.HttpResponse response, int execCount, HttpContext context) {
        return TimeValue.ZERO_MILLISECONDS;
      }
    }
  }

  // ------------------------------------------- core5: httpcore5's classic requester, no exec chain
  /**
   * Apache HttpCore 5's own classic requester (the transport under HttpClient 5, without the
   * client's exec chain: no route planning, retry, protocol or connect exec, no per-call context
   * of the client). Same pool policy and size as apache5; no stale-connection check or retry. It
   * connects with the socket (read) timeout, CONNECT_TIMEOUT_MS only bounds the wait for a pooled
   * connection, and its default processor adds {@code Expect: 100-continue} to requests with a body.
   */
  static final class Core5 implements Client {
    final HttpRequester requester;
    final HttpHost host;

    Core5(int port) {
      host = new HttpHost("http", "127.0.0.1", port);
      requester =
          RequesterBootstrap.bootstrap()
              .setSocketConfig(
                  SocketConfig.custom()
                      .setSoTimeout(Timeout.ofMilliseconds(READ_TIMEOUT_MS))
                      .setTcpNoDelay(true)
                      .build())
              .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
              .setPoolReusePolicy(PoolReusePolicy.LIFO)
              .setMaxTotal(MAX_CONNECTIONS)
              .setDefaultMaxPerRoute(MAX_CONNECTIONS)
              .setTimeToLive(Timeout.ofMinutes(5))
              .create();
    }

    @Override
    public void exchange(String method, String target, String[] headers, byte[] body, Result out, boolean capture)
        throws Exception {
      BasicClassicHttpRequest request = new BasicClassicHttpRequest(method, host, target);
      for (int i = 0; i < headers.length; i += 2) {
        request.addHeader(headers[i], headers[i + 1]);
      }
      if (body != null) {
        request.setEntity(new InputStreamEntity(new ByteArrayInputStream(body), body.length, null));
      }
      ClassicHttpResponse response =
          requester.execute(host, request, Timeout.ofMilliseconds(CONNECT_TIMEOUT_MS), HttpCoreContext.create());
      readAndClose(response, out, capture);
    }

    @Override
    public void close() {
      requester.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
    }
  }

  // ---------------------------------------------------------------- java.net.HttpURLConnection
  static final class UrlConnection implements Client {
    final int port;

    UrlConnection(int port) {
      this.port = port;
    }

    @Override
    public void exchange(String method, String target, String[] headers, byte[] body, Result out, boolean capture)
        throws Exception {
      URL url = new URL("http", "127.0.0.1", port, target);
      HttpURLConnection c = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
      c.setRequestMethod(method); // throws ProtocolException for PATCH
      c.setConnectTimeout(CONNECT_TIMEOUT_MS);
      c.setReadTimeout(READ_TIMEOUT_MS);
      c.setInstanceFollowRedirects(false);
      c.setUseCaches(false);
      for (int i = 0; i < headers.length; i += 2) {
        c.addRequestProperty(headers[i], headers[i + 1]);
      }
      if (body != null) {
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length); // streaming, as a gateway must (no buffering)
        try (OutputStream os = c.getOutputStream()) {
          os.write(body);
        }
      }
      out.status = c.getResponseCode();
      long chars = 0;
      for (int i = 0; ; i++) {
        String v = c.getHeaderField(i);
        if (v == null) break;
        String k = c.getHeaderFieldKey(i);
        chars += (k == null ? 0 : k.length()) + v.length();
        if (capture && k != null) out.headers.put(k.toLowerCase(), v);
      }
      out.headerChars = chars;
      InputStream in = out.status >= 400 ? c.getErrorStream() : c.getInputStream();
      out.bodyLength = in == null ? 0 : drain(in, capture ? out.body : null); // closing returns it to the keep-alive cache
    }
  }

  // ---------------------------------------------------------------- java.net.http.HttpClient
  static final class JdkHttp implements Client {
    final HttpClient client;
    final String base;

    JdkHttp(int port) {
      base = "http://127.0.0.1:" + port;
      client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MS))
              .proxy(HttpClient.Builder.NO_PROXY)
              .build();
    }

    @Override
    public void exchange(String method, String target, String[] headers, byte[] body, Result out, boolean capture)
        throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + target)).timeout(Duration.ofMillis(READ_TIMEOUT_MS));
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      out.status = r.statusCode();
      long chars = 0;
      for (Map.Entry<String, List<String>> e : r.headers().map().entrySet()) {
        for (String v : e.getValue()) {
          chars += e.getKey().length() + v.length();
          if (capture) out.headers.put(e.getKey().toLowerCase(), v);
        }
      }
      out.headerChars = chars;
      byte[] bytes = r.body();
      out.bodyLength = bytes.length;
      if (capture) out.body.write(bytes);
    }
  }

  static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[16 * 1024]);

  static long drain(InputStream in, ByteArrayOutputStream sink) throws IOException {
    byte[] buf = BUFFER.get();
    long total = 0;
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (sink != null) sink.write(buf, 0, n);
      }
    }
    return total;
  }

  // ---------------------------------------------------------------- harness
  static volatile int phase; // 0 warm-up, 1 window, 2 stop

  static final class Worker extends Thread {
    final Client client;
    final String[][] headerSets;
    long count, errors, bytes;
    long[] samples = new long[1 << 16];
    int n;
    final AtomicReference<String> firstError;

    Worker(int id, Client client, String[][] headerSets, AtomicReference<String> firstError) {
      super("bench-" + id);
      this.client = client;
      this.headerSets = headerSets;
      this.firstError = firstError;
      setDaemon(true);
    }

    @Override
    public void run() {
      Result r = new Result();
      int i = 0;
      while (phase < 2) {
        String[] headers = headerSets[i++ & (headerSets.length - 1)];
        long t0 = System.nanoTime();
        boolean ok;
        try {
          client.exchange("GET", HOT_TARGET, headers, null, r, false);
          ok = r.status == 200 && r.bodyLength == 1024;
          if (!ok) firstError.compareAndSet(null, "status " + r.status + ", body " + r.bodyLength + " bytes");
        } catch (Exception e) {
          ok = false;
          firstError.compareAndSet(null, e.toString());
        }
        long t1 = System.nanoTime();
        if (phase == 1) {
          if (ok) {
            count++;
            bytes += r.bodyLength;
            if (n == samples.length) samples = Arrays.copyOf(samples, n * 2);
            samples[n++] = t1 - t0;
          } else {
            errors++;
          }
        }
      }
    }
  }

  static String[][] headerSets(int count) {
    Random rnd = new Random(42);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    StringBuilder token = new StringBuilder(300);
    for (int i = 0; i < 300; i++) {
      token.append(i == 36 || i == 250 ? '.' : alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    String[][] sets = new String[count][];
    for (int i = 0; i < count; i++) {
      String trace = String.format("00-%016x%016x-%016x-01", rnd.nextLong(), rnd.nextLong(), rnd.nextLong());
      sets[i] =
          new String[] {
            "User-Agent", "meshgate-bench/1.0 (+https://example.invalid)",
            "Accept", "application/json",
            "X-Forwarded-For", "203.0.113." + (i % 250 + 1),
            "X-Client-Id", "client-" + (i % 37),
            "X-Client-Plan", i % 3 == 0 ? "gold" : "silver",
            "Authorization", "Bearer " + token,
            "X-Request-Id", new UUID(rnd.nextLong(), rnd.nextLong()).toString(),
            "traceparent", trace,
          };
    }
    return sets;
  }

  static Client create(String name, int port, int threads) {
    return switch (name) {
      case "apache5" -> new Apache5(port);
      case "urlconnection" -> new UrlConnection(port);
      case "urlconnection-maxconn" -> {
        // Same client; only its keep-alive cache is sized to the thread count (JDK default: 5 idle
        // connections per destination, so the other threads' connections are closed after each call).
        System.setProperty("http.maxConnections", String.valueOf(Math.max(5, threads)));
        yield new UrlConnection(port);
      }
      case "jdkhttp" -> new JdkHttp(port);
      case "core5" -> new Core5(port);
      default -> throw new IllegalArgumentException("unknown client " + name);
    };
  }

  /** Correctness checks; returns a short note. */
  static String checks(Client client, String[] headers) {
    List<String> notes = new ArrayList<>();
    // 1. request target byte for byte
    for (String t : new String[] {FIDELITY_TARGET, FIDELITY_TARGET_2}) {
      try {
        Result r = capture();
        client.exchange("GET", t, headers, null, r, true);
        String seen = r.headers.get("x-request-uri");
        notes.add((t.equals(seen) ? "target OK" : "target CHANGED " + t + " -> " + seen) + (t == FIDELITY_TARGET ? "" : " (path %2F/%3B)"));
      } catch (Exception e) {
        notes.add("target FAILED " + e);
      }
    }
    // 2. PATCH and POST with a body
    byte[] body = "{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"a b\"}".getBytes(StandardCharsets.UTF_8);
    for (String m : new String[] {"PATCH", "POST"}) {
      try {
        Result r = capture();
        client.exchange(m, "/echo", headers, body, r, true);
        boolean ok =
            r.status == 200
                && m.equals(r.headers.get("x-method"))
                && new String(body, StandardCharsets.UTF_8).equals(r.headers.get("x-request-body"));
        notes.add(m + (ok ? " OK" : " WRONG (status " + r.status + ", method " + r.headers.get("x-method")
            + ", body " + r.headers.get("x-request-body") + ")"));
      } catch (Exception e) {
        notes.add(m + " FAILED: " + e);
      }
    }
    return String.join("; ", notes);
  }

  static Result capture() {
    Result r = new Result();
    r.headers = new TreeMap<>();
    r.body = new ByteArrayOutputStream();
    return r;
  }

  // ---------------------------------------------------------------- machine / nginx counters
  static long[] procStat() { // total jiffies, idle jiffies (idle + iowait)
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) total += Long.parseLong(f[i]);
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (Exception e) {
      return new long[] {0, 0};
    }
  }

  static long nginxTicks(String pids) { // utime + stime of the nginx workers, in clock ticks (100 Hz)
    long sum = 0;
    if (pids == null || pids.isBlank()) return -1;
    for (String pid : pids.split(",")) {
      try {
        String s = Files.readString(Path.of("/proc/" + pid.trim() + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (Exception e) {
        return -1;
      }
    }
    return sum;
  }

  static long nginxAccepts(int port) { // via a raw socket so no client's pool is touched
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream()
          .write("GET /nginx_status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String txt = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      String[] lines = txt.substring(txt.indexOf("server accepts")).split("\n");
      return Long.parseLong(lines[1].trim().split("\\s+")[0]) - 1; // minus this probe
    } catch (Exception e) {
      return -1;
    }
  }

  static long[] gc() {
    long c = 0, t = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      c += Math.max(0, g.getCollectionCount());
      t += Math.max(0, g.getCollectionTime());
    }
    return new long[] {c, t};
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    String name = opt.getOrDefault("client", "apache5");
    int port = Integer.parseInt(opt.getOrDefault("port", "18080"));
    int threads = Integer.parseInt(opt.getOrDefault("threads", "16"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "20"));
    int window = Integer.parseInt(opt.getOrDefault("window", "20"));
    String nginxPids = opt.getOrDefault("nginx-pids", "");

    String[][] sets = headerSets(1024);
    Client client = create(name, port, threads);
    String notes = checks(client, sets[0]);

    AtomicReference<String> firstError = new AtomicReference<>();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) workers.add(new Worker(i, client, sets, firstError));
    workers.forEach(Thread::start);
    Thread.sleep(warmup * 1000L);

    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long acc0 = nginxAccepts(port);
    long[] m0 = procStat();
    long ng0 = nginxTicks(nginxPids);
    long[] gc0 = gc();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    phase = 1;
    Thread.sleep(window * 1000L);
    int jvmThreads = ManagementFactory.getThreadMXBean().getThreadCount();
    phase = 2;
    long t1 = System.nanoTime();
    long cpu1 = os.getProcessCpuTime();
    long[] gc1 = gc();
    long ng1 = nginxTicks(nginxPids);
    long[] m1 = procStat();
    long acc1 = nginxAccepts(port);
    for (Worker w : workers) w.join(READ_TIMEOUT_MS + 5000L);

    long count = 0, errors = 0;
    int total = 0;
    for (Worker w : workers) {
      count += w.count;
      errors += w.errors;
      total += w.n;
    }
    long[] all = new long[total];
    int k = 0;
    for (Worker w : workers) {
      System.arraycopy(w.samples, 0, all, k, w.n);
      k += w.n;
    }
    Arrays.sort(all);
    double secs = (t1 - t0) / 1e9;
    double rps = count / secs;
    double cpuUs = count == 0 ? 0 : (cpu1 - cpu0) / 1e3 / count;
    double ngUs = ng0 < 0 || ng1 < 0 || count == 0 ? -1 : (ng1 - ng0) * 10_000.0 / count;
    // CPU used by everything else on the machine during the window, in % of all cores (interference).
    int cpus = Runtime.getRuntime().availableProcessors();
    double busyNs = ((m1[0] - m0[0]) - (m1[1] - m0[1])) * 10_000_000.0;
    double others = m1[0] == m0[0] || ng0 < 0 ? -1
        : 100.0 * (busyNs - (cpu1 - cpu0) - (ng1 - ng0) * 10_000_000.0) / ((t1 - t0) * (double) cpus);
    String conns = acc0 < 0 || acc1 < 0 ? "?" : String.valueOf(acc1 - acc0 - 1); // minus the first probe
    System.out.printf(
        "| %s | %d | %,.0f | %.1f | %s | %.0f%% | %s | %s | %s | %d | %s | %d / %d ms | %d | %s |%n",
        name, threads, rps, cpuUs, ngUs < 0 ? "?" : String.format("%.1f", ngUs), Math.max(0, others),
        us(pct(all, 0.50)), us(pct(all, 0.99)), us(pct(all, 0.999)), errors, conns,
        gc1[0] - gc0[0], gc1[1] - gc0[1], jvmThreads, notes);
    if (firstError.get() != null) System.out.println("#   " + name + " first error: " + firstError.get());
    try {
      client.close();
    } catch (Exception ignored) {
    }
    System.exit(0);
  }

  static long pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static String us(long nanos) {
    return nanos >= 10_000_000 ? String.format("%.1f ms", nanos / 1e6) : String.format("%d µs", nanos / 1000);
  }
}
