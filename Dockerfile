# Builds the gateway from this repository and runs it on a JRE. docker-compose.yml uses it.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
COPY routes/ routes/
RUN ./mvnw -B -q -DskipTests package && cp target/whatsapp-webhook-gateway-*.jar /gateway.jar

FROM eclipse-temurin:17-jre
WORKDIR /app
RUN useradd --system --home /app gateway && mkdir -p /app/data && chown gateway /app/data
COPY --from=build /gateway.jar /app/gateway.jar
# The routes stay editable: mount your own over /app/routes (they are read at start-up).
COPY routes/ /app/routes/
USER gateway
EXPOSE 8080
VOLUME /app/data
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/gateway.jar"]
