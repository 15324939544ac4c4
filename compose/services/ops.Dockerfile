# ops: the operators' CLI (java -jar ops.jar ...), here run by the one-shot kafka-access service to lock Kafka down.
# Build context: ops/target (compose.yaml), after ./mvnw -pl ops -am package -DskipTests (ops-*.jar and lib/).
FROM eclipse-temurin:17-jre

RUN groupadd --system --gid 10001 dsp \
    && useradd --system --uid 10001 --gid dsp --home-dir /app --shell /usr/sbin/nologin dsp \
    && mkdir -p /app

WORKDIR /app
COPY --chown=dsp:dsp lib/ /app/lib/
COPY --chown=dsp:dsp ops-*.jar /app/

ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dfile.encoding=UTF-8"
USER dsp
ENTRYPOINT ["bash", "-c", "exec java -jar /app/ops-*.jar \"$@\"", "ops"]
