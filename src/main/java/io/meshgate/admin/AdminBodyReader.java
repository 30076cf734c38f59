package io.meshgate.admin;

import io.meshgate.admin.error.AdminErrors;
import io.meshgate.admin.error.AdminException;
import io.meshgate.support.Problem;
import jakarta.json.Json;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

/**
 * The one place admin request bodies are read: every admin resource that takes a body gets it from
 * here, so each of them refuses the same things the same way (problem+json, never a 500):
 *
 * <ul>
 *   <li>415 {@code UNSUPPORTED_MEDIA_TYPE}: a body whose {@code Content-Type} is not {@code
 *       application/json}, or names a charset other than UTF-8 (RFC 8259 §8.1: JSON exchanged
 *       between systems is UTF-8);
 *   <li>400 {@code MALFORMED_BODY}: no body, {@code null} or anything but an object, bytes that are
 *       not UTF-8, text that is not one JSON value, a member named twice, and members of the wrong
 *       JSON type or unknown to the request record ({@link JsonRecords}; each listed in {@code
 *       violations}).
 * </ul>
 *
 * <p>It takes every media type ({@code *}/{@code *}) so that it, not the runtime, decides the 415
 * and its detail; it reads only records of {@code io.meshgate.admin}, so other resources are
 * untouched.
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
public class AdminBodyReader implements MessageBodyReader<Record> {
  private static final String ADMIN_PACKAGE = "io.meshgate.admin.";

  /** The developer portal's API takes its bodies by the same rules. */
  private static final String PORTAL_PACKAGE = "io.meshgate.portal.";

  private static final int MAX_DETAIL = 300;

  /**
   * The largest body read, in bytes: an admin change (a policy's address lists can be long) and a
   * portal change (a name, a plan id). A body is read whole before it is parsed, so without a cap a
   * few public requests of Liberty's message limit (11 MiB) could fill the heap.
   */
  static final int MAX_ADMIN_BODY = 2 * 1024 * 1024;

  static final int MAX_PORTAL_BODY = 16 * 1024;

  public static final String BODY_TOO_LARGE = "BODY_TOO_LARGE";

  /** A member named twice is refused: readers that keep the first and the last disagree. */
  private static final JsonReaderFactory READERS =
      Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

  @Override
  public boolean isReadable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type.isRecord()
        && (type.getName().startsWith(ADMIN_PACKAGE) || type.getName().startsWith(PORTAL_PACKAGE));
  }

  @Override
  public Record readFrom(
      Class<Record> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, String> headers,
      InputStream entity)
      throws IOException {
    boolean labelled = headers != null && headers.getFirst("Content-Type") != null;
    int max = type.getName().startsWith(PORTAL_PACKAGE) ? MAX_PORTAL_BODY : MAX_ADMIN_BODY;
    String declared = headers == null ? null : headers.getFirst("Content-Length");
    if (declared != null
        && declared.chars().allMatch(Character::isDigit)
        && declared.length() < 19
        && Long.parseLong(declared) > max) {
      throw tooLarge(max);
    }
    byte[] body = entity.readNBytes(max + 1);
    if (body.length > max) {
      throw tooLarge(max);
    }
    return read(labelled ? mediaType : null, body, type);
  }

  private static AdminException tooLarge(int max) {
    return new AdminException(413, BODY_TOO_LARGE, "The body is larger than " + max + " bytes");
  }

  /**
   * Reads one admin request body.
   *
   * @param mediaType the request's {@code Content-Type}, null when it sent none
   * @throws AdminException 415 or 400 as listed on the class
   */
  public static <T extends Record> T read(MediaType mediaType, byte[] body, Class<T> type) {
    if (mediaType != null) {
      checkMediaType(mediaType);
    }
    if (body.length == 0) {
      throw malformed("A JSON object body is required (send {} for no fields)");
    }
    if (mediaType == null) {
      throw new AdminException(
          415,
          AdminErrors.UNSUPPORTED_MEDIA_TYPE,
          "The body has no Content-Type: send it as application/json (UTF-8)");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw malformed("The body is not valid UTF-8");
    }
    JsonValue value;
    // Two passes over a small body: JSON-P's reader ignores what follows the first value, and its
    // parser's getValue() ignores the key strategy.
    try (JsonParser parser = Json.createParser(new StringReader(text));
        JsonReader reader = READERS.createReader(new StringReader(text))) {
      parser.next();
      parser.getValue();
      if (parser.hasNext()) {
        throw malformed("The body is not JSON: more than one value");
      }
      value = reader.readValue();
    } catch (JsonException | NoSuchElementException | IllegalStateException e) {
      throw malformed("The body is not JSON: " + e.getMessage());
    }
    if (!(value instanceof JsonObject object)) {
      throw malformed("The body must be a JSON object (was " + JsonRecords.shown(value) + ")");
    }
    try {
      return JsonRecords.bind(object, type);
    } catch (JsonRecords.Mismatch e) {
      List<Problem.Violation> violations = e.violations();
      String listed =
          violations.stream()
              .map(v -> v.field() + ": " + v.message())
              .collect(Collectors.joining("; "));
      throw new AdminException(
          400,
          AdminErrors.MALFORMED_BODY,
          shorten("The body does not fit this resource: " + listed),
          violations);
    }
  }

  private static void checkMediaType(MediaType mediaType) {
    if (!"application".equalsIgnoreCase(mediaType.getType())
        || !"json".equalsIgnoreCase(mediaType.getSubtype())) {
      throw new AdminException(
          415,
          AdminErrors.UNSUPPORTED_MEDIA_TYPE,
          "This resource accepts application/json (UTF-8) only, not "
              + mediaType.getType()
              + "/"
              + mediaType.getSubtype());
    }
    String charset = mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (charset != null && !isUtf8(charset)) {
      throw new AdminException(
          415,
          AdminErrors.UNSUPPORTED_MEDIA_TYPE,
          "charset " + shorten(charset) + " is not supported: JSON bodies are UTF-8");
    }
  }

  private static boolean isUtf8(String name) {
    try {
      return Charset.forName(name.trim()) == StandardCharsets.UTF_8;
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return false;
    }
  }

  private static AdminException malformed(String detail) {
    return new AdminException(400, AdminErrors.MALFORMED_BODY, shorten(detail));
  }

  private static String shorten(String s) {
    return s.length() > MAX_DETAIL ? s.substring(0, MAX_DETAIL) + "…" : s;
  }
}
