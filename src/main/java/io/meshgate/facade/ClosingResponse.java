package io.meshgate.facade;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A response that ends its connection ({@code Connection: close}), also after {@link #reset()}: for
 * requests after which the bytes left on the connection have no reliable reading ({@link
 * RequestFraming#endsConnection}).
 */
final class ClosingResponse extends HttpServletResponseWrapper {
  private static final String CONNECTION = "Connection";
  private static final String CLOSE = "close";

  ClosingResponse(HttpServletResponse response) {
    super(response);
    response.setHeader(CONNECTION, CLOSE);
  }

  @Override
  public void reset() {
    super.reset();
    setHeader(CONNECTION, CLOSE);
  }
}
