package io.meshgate.support;

import jakarta.validation.ElementKind;
import jakarta.validation.Path;

/** How a Bean Validation path is shown in error messages: {@code operations[0].burst.limit}. */
public final class FieldPaths {
  private FieldPaths() {}

  /**
   * The path as a client wrote the field: an element's index follows its container ({@code
   * scopes[1]}, {@code operations[0].method}); method and parameter nodes of method validation are
   * left out. Empty for the root.
   */
  public static String of(Path path) {
    StringBuilder out = new StringBuilder();
    for (Path.Node node : path) {
      ElementKind kind = node.getKind();
      if (kind == ElementKind.METHOD
          || kind == ElementKind.CONSTRUCTOR
          || kind == ElementKind.PARAMETER
          || kind == ElementKind.CROSS_PARAMETER
          || kind == ElementKind.RETURN_VALUE) {
        continue;
      }
      if (node.isInIterable()) {
        if (node.getIndex() != null) {
          out.append('[').append(node.getIndex()).append(']');
        } else if (node.getKey() != null) {
          out.append('[').append(node.getKey()).append(']');
        }
      }
      if (kind == ElementKind.CONTAINER_ELEMENT || node.getName() == null) {
        continue;
      }
      if (out.length() > 0) {
        out.append('.');
      }
      out.append(node.getName());
    }
    return out.toString();
  }
}
