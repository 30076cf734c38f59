package it.io.meshgate.hostile;

import it.io.meshgate.hostile.Input.Port;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin-body table: with a valid admin token, every body-taking collection endpoint gets bodies
 * that are not a JSON object, not UTF-8, not one value, of the wrong types or of another media
 * type. Each is 400 {@code MALFORMED_BODY} or 415 {@code UNSUPPORTED_MEDIA_TYPE} (README, "Manage
 * the catalog"), and none writes anything (the suite checks the audit log).
 */
final class AdminBodies {
  static final String TABLE = "admin-bodies";

  /** Endpoint, and a body whose only fault is a field of the wrong JSON type. */
  private static final String[][] ENDPOINTS = {
    {"/admin/v1/apis", "{\"name\":7}"},
    {"/admin/v1/products", "{\"name\":7}"},
    {"/admin/v1/apps", "{\"name\":{\"first\":\"x\"}}"},
    {"/admin/v1/subscriptions", "{\"appId\":\"1\",\"planId\":\"2\"}"},
    {"/admin/v1/keys", "{\"publish\":\"yes\"}"},
    {"/admin/v1/keys/rotation", "{\"kid\":[\"k\"]}"},
  };

  private static final List<String> MALFORMED =
      List.of(
          "",
          "null",
          "[]",
          "[{}]",
          "1",
          "\"x\"",
          "true",
          "{} {}",
          "{",
          "}",
          "{\"name\":",
          "{'name':'x'}",
          "{\"a\":1,\"a\":1}",
          "\u00ff\u00fe{\u0000}",
          "{\"nope\":1}",
          "{\"name\":\"x\"\u0000}");

  private static final List<String> MEDIA_TYPES =
      List.of(
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/xml",
          "application/json; charset=ebcdic",
          "application/json; charset=ISO-8859-1",
          "application/json; charset=utf-16");

  private AdminBodies() {}

  static List<Input> all(Markers markers, String adminToken) {
    List<Input> inputs = new ArrayList<>();
    for (String[] endpoint : ENDPOINTS) {
      List<String> bodies = new ArrayList<>(MALFORMED);
      bodies.add(endpoint[1]);
      for (String body : bodies) {
        inputs.add(
            post(
                markers, adminToken, endpoint[0], "application/json", body, 400, "MALFORMED_BODY"));
      }
      for (String type : MEDIA_TYPES) {
        inputs.add(
            post(markers, adminToken, endpoint[0], type, "{}", 415, "UNSUPPORTED_MEDIA_TYPE"));
      }
      inputs.add(post(markers, adminToken, endpoint[0], null, "{}", 415, "UNSUPPORTED_MEDIA_TYPE"));
    }
    return inputs;
  }

  private static Input post(
      Markers markers,
      String token,
      String path,
      String type,
      String body,
      int status,
      String key) {
    String marker = markers.next();
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    String request =
        "POST "
            + path
            + "?m="
            + marker
            + " HTTP/1.1\r\nHost: gateway.example\r\nAuthorization: Bearer "
            + token
            + "\r\n"
            + (type == null ? "" : "Content-Type: " + type + "\r\n")
            + "Content-Length: "
            + bytes.length
            + "\r\n\r\n"
            + body;
    return Input.of(
        TABLE,
        "POST " + path + " " + type + " " + PathSpellings.printable(body),
        Port.ADMIN,
        request,
        Expected.problem(status, key),
        marker);
  }
}
