# Builds the gateway from this repository and runs it on a JRE. docker-compose.yml uses it.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
COPY routes/ routes/
RUN ./mvnw -B -q -DskipTests package && cp target/whatsapp-webhook-gateway-*.jar /gateway.jar

# Java 25 runs the gateway: with the AOT cache made below it answers its first webhook soonest after a (re)start
# (docs/performance.md, "Start time"). The build stays on Java 17, the version the project is built and tested with.
FROM eclipse-temurin:25-jre
WORKDIR /app
RUN useradd --system --home /app gateway && mkdir -p /app/data /app/cache && chown gateway /app/data /app/cache
COPY --from=build /gateway.jar /app/gateway.jar
COPY tools/gateway /app/tools/gateway
# The routes stay editable: mount your own over /app/routes (they are read at start-up).
COPY routes/ /app/routes/
USER gateway
ENV GATEWAY_JAR=/app/gateway.jar GATEWAY_CACHE_DIR=/app/cache JAVA_OPTS="-XX:MaxRAMPercentage=75"
# The start cache, made now so the container's first start is a fast one: a training run of the whole gateway on a
# throwaway embedded database (no PostgreSQL needed here), stopped once it answers. A container started with another
# jar mounted over /app/gateway.jar makes its own at first start (in /app/cache).
RUN tools/gateway --prepare
EXPOSE 8080
VOLUME /app/data
# tools/gateway execs the JVM, so docker stop's SIGTERM reaches it (the graceful stop) and arguments go to it.
ENTRYPOINT ["/app/tools/gateway"]
