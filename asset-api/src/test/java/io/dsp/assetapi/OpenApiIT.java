package io.dsp.assetapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

@AssetApiIntegrationTest
class OpenApiIT {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyEndpointIsDocumentedWithItsMethodAndNothingElseIs() throws Exception {
        Set<String> served = new HashSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (!method.getBeanType().getPackageName().startsWith("io.dsp.assetapi")) {
                return;
            }
            for (String path : info.getPatternValues()) {
                for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                    served.add(verb.name().toLowerCase(Locale.ROOT) + " " + normalise(path));
                }
            }
        });
        Set<String> documented = new HashSet<>();
        try (InputStream in = getClass().getResourceAsStream("/static/openapi.yaml")) {
            Map<String, Object> doc = new Yaml().load(in);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
            paths.forEach((path, operations) -> operations.keySet().stream()
                    .filter(verb -> !verb.equals("parameters"))
                    .forEach(verb -> documented.add(verb + " " + normalise(path))));
        }

        assertThat(served).isNotEmpty();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
    }

    @Test
    void theDocumentIsServedWithoutALicense() {
        HttpResponse<String> response =
                Http.raw(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi.yaml")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("openapi: 3.0.3");
    }

    /** Path variables named differently still match: {@code /a/{id}} = {@code /a/{x}}. */
    private static String normalise(String path) {
        return path.replaceAll("\\{[^}]+}", "{}");
    }
}
