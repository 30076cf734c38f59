package io.meshgate.support;

import java.util.Optional;

/**
 * How meshgate's body limit ({@code MESHGATE_PROXY_MAX_REQUEST_BYTES}) relates to Liberty's limit
 * on a whole request ({@code HTTP_MAX_MESSAGE_BYTES}, server.xml). Liberty counts the header bytes
 * and the declared body against its limit and refuses a request over it with a bare 413 before
 * meshgate sees it; the body limit only gives a problem+json {@code REQUEST_TOO_LARGE} when
 * Liberty's limit leaves room for it and for the headers.
 */
public final class RequestLimits {
  /** Header room below which a body under the body limit can still be refused by Liberty. */
  public static final long MIN_HEADER_ROOM = 64 * 1024;

  private RequestLimits() {}

  /** Why the two limits disagree, or empty when Liberty's limit leaves room for the headers. */
  public static Optional<String> mismatch(long maxBodyBytes, long maxMessageBytes) {
    if (maxMessageBytes < 0 || maxMessageBytes - maxBodyBytes >= MIN_HEADER_ROOM) {
      return Optional.empty();
    }
    return Optional.of(
        "HTTP_MAX_MESSAGE_BYTES ("
            + maxMessageBytes
            + ") leaves less than "
            + MIN_HEADER_ROOM
            + " bytes for headers above MESHGATE_PROXY_MAX_REQUEST_BYTES ("
            + maxBodyBytes
            + "): Liberty refuses such requests with a bare 413 before meshgate sees them. Raise"
            + " HTTP_MAX_MESSAGE_BYTES to the body limit plus the largest header block you accept"
            + " (the default leaves 1179648 bytes).");
  }
}
