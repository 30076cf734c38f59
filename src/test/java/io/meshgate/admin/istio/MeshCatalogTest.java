package io.meshgate.admin.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.istio.MeshManifests.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the scope policy's operations become the paths of the DENY policy. */
class MeshCatalogTest {

  @Test
  void templatesBecomeIstioPathsBehindTheUpstreamPath() {
    assertThat(MeshCatalog.paths("/api", "/items")).containsExactly("/api/items");
    assertThat(MeshCatalog.paths("/api", "/items/{id}/tags/{tag}"))
        .containsExactly("/api/items/{*}/tags/{*}");
    assertThat(MeshCatalog.paths("/api", "/items/**"))
        .containsExactly("/api/items", "/api/items/{**}");
    assertThat(MeshCatalog.paths("/api", "/")).containsExactly("/api");
    assertThat(MeshCatalog.paths("", "/")).containsExactly("/");
    assertThat(MeshCatalog.paths("", "/**")).containsExactly("/", "/{**}");
  }

  @Test
  void theUpstreamPathLosesItsTrailingSlash() {
    assertThat(MeshCatalog.upstreamPath("http://svc:8080")).isEmpty();
    assertThat(MeshCatalog.upstreamPath("http://svc:8080/")).isEmpty();
    assertThat(MeshCatalog.upstreamPath("http://svc/api/v1/")).isEqualTo("/api/v1");
  }

  @Test
  void getCoversHeadAndAnyMethodIsNoMethodList() {
    assertThat(MeshCatalog.methods("GET")).containsExactly("GET", "HEAD");
    assertThat(MeshCatalog.methods("*")).isEmpty();
    assertThat(MeshCatalog.methods("DELETE")).containsExactly("DELETE");
  }

  @Test
  void operationsOnOnePathMergeTheirMethods() {
    assertThat(
            MeshCatalog.byPath(
                List.of(
                    new Operation(List.of("POST"), "/a"),
                    new Operation(List.of("DELETE"), "/a/{*}"),
                    new Operation(List.of("PUT"), "/a"),
                    new Operation(List.of("GET"), "/b"),
                    new Operation(List.of(), "/b"))))
        .containsExactly(
            new Operation(List.of("POST", "PUT"), "/a"),
            new Operation(List.of("DELETE"), "/a/{*}"),
            new Operation(List.of(), "/b"));
  }
}
