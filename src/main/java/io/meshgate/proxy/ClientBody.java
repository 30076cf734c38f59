package io.meshgate.proxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client's request body as it streams upstream. A read that fails is the client's fault (its
 * chunked encoding broke, or it sent less than its {@code Content-Length} and went away), never the
 * upstream's: it surfaces as a {@link MalformedException}, which {@link UpstreamClient} passes on
 * untouched, so the client gets 400 {@code REQUEST_BODY_MALFORMED}, not 502.
 */
public final class ClientBody extends FilterInputStream {
  public ClientBody(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      throw new MalformedException(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return super.read(b, off, len);
    } catch (IOException e) {
      throw new MalformedException(e);
    }
  }

  /** Reading the client's body failed. */
  public static final class MalformedException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedException(IOException cause) {
      super("The request body could not be read", cause);
    }

    /** What the client is told; never the HTTP layer's own message. */
    public String reason() {
      return "its chunked encoding is invalid, or it ended before its declared length";
    }
  }
}
