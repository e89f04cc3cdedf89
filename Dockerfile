# syntax=docker/dockerfile:1.7
#
# One image per runnable, from one build:
#   docker build --target outbox-processor -t payment-ledger/outbox-processor .
#   docker build --target sample-consumer  -t payment-ledger/sample-consumer .
#   docker build --target ledger           -t payment-ledger/ledger .
# docker-compose.yml builds all three. Every setting is an environment variable (see README.md, Configuration).

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre-jammy

# ---- build: the jars (the jOOQ code generation starts a throwaway embedded PostgreSQL; no database needed) ----
# PostgreSQL refuses to initialise or run as root, so Maven runs as an unprivileged user; .ci/run runs this same
# Maven command as a non-root user, so the path is exercised without a Docker engine.
FROM ${MAVEN_IMAGE} AS build
RUN useradd --create-home --uid 10002 builder \
 && mkdir /jars /src \
 && chown builder:builder /jars /src
USER builder
ENV MAVEN_CONFIG=/home/builder/.m2
WORKDIR /src
COPY --chown=builder:builder . .
RUN --mount=type=cache,target=/home/builder/.m2,uid=10002,gid=10002 \
    mvn -B -ntp -DskipTests package -pl outbox-processor,sample-consumer,ledger-core -am \
 && cp outbox-processor/target/outbox-processor.jar sample-consumer/target/sample-consumer.jar \
       ledger-core/target/ledger-core.jar /jars/

# ---- runtime base: a JRE, curl for the health check, a non-root user ----
FROM ${JRE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir /app && chown app:app /app
WORKDIR /app
USER 10001:10001
# JSON log lines for the log pipeline; override with LOG_FORMAT=text.
ENV LOG_FORMAT=json
STOPSIGNAL SIGTERM

# ---- the relay ----
FROM runtime AS outbox-processor
COPY --from=build --chown=app:app /jars/outbox-processor.jar /app/app.jar
ENV HTTP_PORT=8080
EXPOSE 8080
# Ready = database reachable and the Kafka circuit breaker not open (JSON reason at /health/ready).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS "http://localhost:${HTTP_PORT}/health/ready" || exit 1
# Container-aware heap; a JVM that runs out of memory exits so the orchestrator restarts it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/app.jar"]
CMD ["run"]

# ---- the sample notification consumer ----
FROM runtime AS sample-consumer
COPY --from=build --chown=app:app /jars/sample-consumer.jar /app/app.jar
ENV HTTP_PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS "http://localhost:${HTTP_PORT}/health/ready" || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/app.jar"]
CMD ["run"]

# ---- the ledger CLI: migrate, simulate, authorize, ... (one-shot commands, no HTTP endpoint) ----
FROM runtime AS ledger
COPY --from=build --chown=app:app /jars/ledger-core.jar /app/app.jar
HEALTHCHECK NONE
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/app.jar"]
CMD ["--help"]
