package io.meshgate.proxy;

import io.meshgate.support.Problem;

/** The upstream could not be reached or did not answer in time; carries the problem to send. */
public final class UpstreamException extends Exception {
  private static final long serialVersionUID = 1L;
  public static final String UNAVAILABLE = "UPSTREAM_UNAVAILABLE";
  public static final String TIMEOUT = "UPSTREAM_TIMEOUT";

  private final transient Problem problem;

  public UpstreamException(Problem problem, Throwable cause) {
    super(problem.detail(), cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
