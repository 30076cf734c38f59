package it.io.meshgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshgate.istio.ManifestText;
import io.meshgate.istio.StrictDestination;
import it.io.meshgate.support.AdminClient;
import it.io.meshgate.support.Http;
import it.io.meshgate.support.ManagedGateway;
import it.io.meshgate.support.OnManagedGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * {@code POST /admin/v1/istio/conformance} through the real server, against the demo API's
 * destination: a strict one (the gateway's own compiled resources, enforced as Istio documents
 * them) passes every case; the permissive stub upstream fails every forged case. A genuine gateway
 * token minted for another API is refused by the strict destination.
 */
class ConformanceIT extends OnManagedGateway {
  private static final String PATH = "/admin/v1/istio/conformance";
  private static StrictDestination strict;

  @BeforeAll
  static void strictDestination() throws Exception {
    HttpResponse<String> compiled =
        Http.get(
            ManagedGateway.server().adminUri("/admin/v1/istio/manifests?api=echo"),
            "Authorization",
            "Bearer " + AdminClient.viewerToken());
    assertThat(compiled.statusCode()).as(compiled.body()).isEqualTo(200);
    strict =
        new StrictDestination(
            ManifestText.read(compiled.body()), "reviews.bookinfo.svc.cluster.local", 9080);
  }

  @AfterAll
  static void stop() {
    strict.close();
  }

  private static HttpResponse<String> run(String body, String accept) {
    return Http.send(
        HttpRequest.newBuilder(ManagedGateway.server().adminUri(PATH))
            .header("Authorization", "Bearer " + AdminClient.token())
            .header("Content-Type", "application/json")
            .header("Accept", accept)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  @Test
  void aStrictDestinationPassesEveryCaseAndTheReportSaysSo() throws Exception {
    HttpResponse<String> r =
        run(
            "{\"api\": \"echo\", \"url\": \""
                + strict.uri("/reviews/1")
                + "\", \"versionHeader\": \"x-version\"}",
            "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject result = json(r.body());
    assertThat(result.getBoolean("passed")).as(r.body()).isTrue();
    assertThat(result.getInt("tests")).isEqualTo(11); // 8 forged cases, 3 plans
    HttpResponse<String> xml =
        run(
            "{\"api\": \"echo\", \"url\": \""
                + strict.uri("/reviews/1")
                + "\", \"versionField\": \"version\"}",
            "application/xml");
    assertThat(xml.statusCode()).as(xml.body()).isEqualTo(200);
    Element suite =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader(xml.body())))
            .getDocumentElement();
    assertThat(suite.getAttribute("tests")).isEqualTo("11");
    assertThat(suite.getAttribute("failures")).isEqualTo("0");
    assertThat(suite.getElementsByTagName("testcase").getLength()).isEqualTo(11);
  }

  @Test
  void aPermissiveDestinationFailsEveryForgedCase() {
    String permissive = ManagedGateway.upstream().baseUrl() + "/reviews/" + UUID.randomUUID();
    HttpResponse<String> r =
        run(
            "{\"api\": \"echo\", \"url\": \""
                + permissive
                + "\", \"versionHeader\": \"x-version\"}",
            "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject result = json(r.body());
    assertThat(result.getBoolean("passed")).isFalse();
    List<JsonObject> cases = result.getJsonArray("cases").getValuesAs(JsonObject.class);
    assertThat(cases).hasSize(11);
    for (JsonObject c : cases.subList(0, 8)) {
      assertThat(c.getBoolean("passed")).as(c.getString("name")).isFalse();
      assertThat(c.getInt("status")).as(c.getString("name")).isEqualTo(200);
    }
  }

  @Test
  void aGatewayTokenMintedForAnotherApiIsRefusedByTheStrictDestination() throws Exception {
    // A genuine gateway token, as the mesh receives it for the API "orders".
    String marker = UUID.randomUUID().toString();
    HttpResponse<String> viaGateway =
        Http.get(ManagedGateway.server().uri("/orders/" + marker), "X-API-Key", "orders-key-1");
    assertThat(viaGateway.statusCode()).as(viaGateway.body()).isEqualTo(200);
    String token =
        ManagedGateway.upstream().only(marker).header("authorization").get(0).substring(7);
    HttpResponse<String> replayed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(strict.uri("/reviews/1"))
                    .header("Authorization", "Bearer " + token)
                    .header("x-client-plan", "gold")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(replayed.statusCode()).isEqualTo(401);
  }

  @Test
  void badRequestsAreRefusedClearly() {
    for (Map.Entry<String, Integer> bad :
        Map.of(
                "{\"api\": \"echo\"}", 400,
                "{\"api\": \"echo\", \"versionHeader\": \"x\", \"versionField\": \"y\"}", 400,
                "{\"api\": \"echo\", \"url\": \"file:///etc/passwd\", \"versionHeader\": \"x\"}",
                    400,
                "{\"api\": \"echo\", \"url\": \"http://169.254.169.254/latest\", \"versionHeader\": \"x\"}",
                    400,
                "{\"api\": \"orders\", \"versionHeader\": \"x\"}", 404)
            .entrySet()) {
      HttpResponse<String> r = run(bad.getKey(), "application/json");
      assertThat(r.statusCode()).as(bad.getKey() + " " + r.body()).isEqualTo(bad.getValue());
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    HttpResponse<String> viewer =
        AdminClient.send(
            ManagedGateway.server(),
            AdminClient.viewerToken(),
            "POST",
            PATH,
            "{\"api\": \"echo\", \"versionHeader\": \"x\"}");
    assertThat(viewer.statusCode()).isEqualTo(403);
  }
}
