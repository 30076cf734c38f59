package io.meshgate.admin.error;

/**
 * The admin API's error keys. Generic ones are here; each aggregate's use case names its own 404
 * and 409 keys (listed in {@code package-info.java}).
 */
public final class AdminErrors {
  /** 400: a request body or parameter breaks a rule; {@code violations} lists every field. */
  public static final String VALIDATION_FAILED = "VALIDATION_FAILED";

  /** 400: the body is not JSON, has a value of the wrong type, or has an unknown field. */
  public static final String MALFORMED_BODY = "MALFORMED_BODY";

  /** 400: any other request the server cannot read. */
  public static final String BAD_REQUEST = "BAD_REQUEST";

  /** 404: no admin resource at this path (or a path parameter of the wrong type). */
  public static final String NOT_FOUND = "NOT_FOUND";

  /** 409: the write conflicts with a uniqueness rule of the database. */
  public static final String CONFLICT = "CONFLICT";

  public static final String UNAUTHORIZED = "UNAUTHORIZED";
  public static final String FORBIDDEN = "FORBIDDEN";
  public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  public static final String NOT_ACCEPTABLE = "NOT_ACCEPTABLE";
  public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
  public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

  /**
   * 503 with {@code Retry-After}: the database is stopped or not answering; the write was rolled
   * back whole and may be retried.
   */
  public static final String CATALOG_UNAVAILABLE = io.meshgate.catalog.DatabaseOutage.ERROR_KEY;

  private AdminErrors() {}
}
