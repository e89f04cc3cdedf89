package io.paymentledger.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile and docker-compose.yml agree with each other and with the build (no engine runs here to build
 * them; CI also runs {@code docker-compose config -q}).
 */
class ContainerFilesTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void everyComposeBuildTargetIsADockerfileStage() throws IOException {
        Set<String> stages = matches(read("Dockerfile"), "(?m)^FROM \\S+ AS (\\S+)$");
        Set<String> targets = matches(read("docker-compose.yml"), "(?m)^\\s+target: (\\S+)$");

        assertThat(targets).containsExactlyInAnyOrder("ledger", "outbox-processor", "sample-consumer");
        assertThat(stages).containsAll(targets);
    }

    @Test
    void everyJarTheImagesCopyIsOneTheBuildProduces() throws IOException {
        Set<String> jars = matches(read("Dockerfile"), "/jars/([a-z-]+)\\.jar");

        assertThat(jars).containsExactlyInAnyOrder("ledger-core", "outbox-processor", "sample-consumer");
        for (String jar : jars) {
            assertThat(read(jar + "/pom.xml")).as(jar).contains("<artifactId>" + jar + "</artifactId>")
                    .contains("<main.class>");
        }
    }

    @Test
    void servicesRunAsANonRootUserWithAHealthCheckOnReadiness() throws IOException {
        String dockerfile = read("Dockerfile");

        assertThat(dockerfile).contains("USER 10001:10001");
        assertThat(matches(dockerfile, "curl -fsS \"http://localhost:\\$\\{HTTP_PORT}(/\\S+)\""))
                .containsExactly("/health/ready");
        assertThat(List.of(dockerfile.split("\n")).stream().filter(line -> line.startsWith("HEALTHCHECK --")).count())
                .isEqualTo(2);
    }

    @Test
    void theBuildStageRunsMavenAsANonRootUserAndCiRunsTheSameCommandAsOne() throws IOException {
        String dockerfile = read("Dockerfile");
        String buildStage = dockerfile.substring(dockerfile.indexOf(" AS build"), dockerfile.indexOf(" AS runtime"));
        String maven = matches(buildStage, "(mvn -B -ntp -DskipTests package -pl \\S+ -am)").iterator().next();

        assertThat(buildStage.indexOf("USER builder")).as("USER before Maven").isPositive()
                .isLessThan(buildStage.indexOf(maven));
        assertThat(read(".ci/run")).contains("runuser -u builder").contains(maven);
    }

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    private static Set<String> matches(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        return matcher.results().map(result -> result.group(1)).collect(Collectors.toSet());
    }
}
