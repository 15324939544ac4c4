# dispatcher: the Spring Boot service, run from its executable jar as a non-root user.
# Build context: dispatcher/target (compose.yaml), after ./mvnw -pl dispatcher -am package -DskipTests.
FROM eclipse-temurin:17-jre

# A fixed uid/gid, so that volumes prepared on the host (chown 10001) stay writable across rebuilds.
RUN groupadd --system --gid 10001 dsp \
    && useradd --system --uid 10001 --gid dsp --home-dir /app --shell /usr/sbin/nologin dsp \
    && mkdir -p /app /data \
    && chown dsp:dsp /data

WORKDIR /app
COPY --chown=dsp:dsp dispatcher-*-exec.jar /app/app.jar

# Local state (Kafka Streams stores, a GPU host's asset files) lives on the /data volume.
ENV DSP_DATADIR=/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8"

USER dsp
EXPOSE 8381
# The service answers /actuator/health on this port; compose.yaml checks it (bash, no curl in the image).
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=5 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8381 && printf 'GET /actuator/health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"UP\"' <&3"]
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
