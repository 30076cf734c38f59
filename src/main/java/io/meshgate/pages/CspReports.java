package io.meshgate.pages;

import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Reports of Content-Security-Policy violations ({@code report-uri}) sent by browsers. Anyone can
 * send one, so a report is read up to {@link #MAX_BYTES} and at most {@link #MAX_PER_MINUTE} are
 * logged per minute (the rest only counted, and the count logged with the next one that is).
 */
final class CspReports {
  private static final Logger LOG = Logger.getLogger(CspReports.class.getName());
  static final int MAX_BYTES = 16 * 1024;
  static final int MAX_PER_MINUTE = 30;

  private final AtomicLong window = new AtomicLong();
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  Response receive(PageFiles area, InputStream body) {
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : body.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      return Response.status(400).build();
    }
    if (bytes.length > MAX_BYTES) {
      return Response.status(413).build();
    }
    long minute = System.currentTimeMillis() / 60_000;
    if (window.getAndSet(minute) != minute) {
      inWindow.set(0);
    }
    if (inWindow.incrementAndGet() > MAX_PER_MINUTE) {
      dropped.incrementAndGet();
      return Response.noContent().build();
    }
    long before = dropped.getAndSet(0);
    if (before > 0) {
      LOG.warning("MESHGATE-CSP: " + before + " more reports were not logged");
    }
    area.logViolation(new String(bytes, StandardCharsets.UTF_8));
    return Response.noContent().build();
  }
}
