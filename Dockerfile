# meshgate container image, built from source in two stages:
#
#   docker build -t meshgate:0.1.0 .
#
# Needs BuildKit (the default builder since Docker 23) for the Maven cache mounts, and Maven
# Central plus the two base images' registries at build time. kubernetes/base/deployment.yaml
# runs the result.

# ---------------------------------------------------------------------------------------------
# Stage 1: the WAR and the server libraries server.xml expects (lib/hibernate, lib/jdbc/<kind>).
# liberty-maven-plugin would copy those too, but only after installing a whole Liberty runtime
# in the build stage; maven-dependency-plugin copies the same jars without it.
# ---------------------------------------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build

# pom.xml does not pin maven-dependency-plugin and Maven's built-in default is years old, so
# the goal is called with full coordinates.
ARG DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.9.0

WORKDIR /build
COPY pom.xml ./

# The libraries depend on pom.xml only, so this layer survives source changes.
#
# hibernate-core, h2 and postgresql are `provided` in pom.xml, next to the Jakarta EE and
# MicroProfile APIs that Liberty itself provides, so "all provided dependencies" is too much.
# Each folder therefore takes the provided dependencies of its own groupIds (prefix match):
# for hibernate that is hibernate-core 6.6.56.Final and its transitive dependencies as
# `mvn dependency:tree` shows them, where pom.xml already excludes the jakarta.persistence /
# transaction / inject / activation APIs (Liberty's must win) and jakarta.xml.bind-api stays
# (Hibernate needs it). When Hibernate is upgraded, compare this list with dependency:tree.
# The checks after the copies fail the build if the folders do not look as server.xml needs.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q "${DEPENDENCY_PLUGIN}:copy-dependencies" -DincludeScope=provided \
        -DincludeGroupIds=org.hibernate.orm,org.hibernate.common,org.jboss.logging,io.smallrye,com.fasterxml,net.bytebuddy,jakarta.xml.bind,org.glassfish.jaxb,org.eclipse.angus,com.sun.istack,org.antlr \
        -DoutputDirectory=/build/lib/hibernate \
 && mvn -B -q "${DEPENDENCY_PLUGIN}:copy-dependencies" -DincludeScope=provided \
        -DincludeGroupIds=com.h2database \
        -DoutputDirectory=/build/lib/jdbc/h2 \
 && mvn -B -q "${DEPENDENCY_PLUGIN}:copy-dependencies" -DincludeScope=provided \
        -DincludeGroupIds=org.postgresql,org.checkerframework \
        -DoutputDirectory=/build/lib/jdbc/postgresql \
 && ls /build/lib/hibernate/hibernate-core-6.6.56.Final.jar \
       /build/lib/hibernate/jakarta.xml.bind-api-*.jar \
       /build/lib/jdbc/h2/h2-2.3.232.jar \
       /build/lib/jdbc/postgresql/postgresql-42.7.13.jar \
 && if ls /build/lib/hibernate | grep -E '^jakarta\.(persistence|transaction|inject|activation)-api'; then \
        echo "an API that Liberty provides was copied into lib/hibernate" >&2; exit 1; \
    fi

COPY src/main ./src/main
# Tests run in CI, not in the image build: skipping their compilation also spares downloading
# the test-only dependencies (src/test is not even in the build context, see .dockerignore).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -Dmaven.test.skip=true package \
 && ls /build/target/meshgate.war

# ---------------------------------------------------------------------------------------------
# Stage 2: the official Open Liberty image, kernel only, grown to exactly the features that
# server.xml lists (features.sh). The tag pins Liberty 26.0.0.3 and Java 17 (IBM Semeru/OpenJ9,
# UBI 9 minimal); the image is rebuilt upstream for OS and JVM fixes under the same tag.
# ---------------------------------------------------------------------------------------------
FROM icr.io/appcafe/open-liberty:26.0.0.3-kernel-slim-java17-openj9-ubi-minimal

# Set to true to see what features.sh and configure.sh do when a build fails.
ARG VERBOSE=false
# TLS is the mesh's job (Istio mTLS between sidecars); the gateway listens on plain HTTP inside
# the pod. With TLS=false configure.sh writes no keystore snippet, so no TLS key is generated
# while the image is built and then shared by every container made from it.
ARG TLS=false

# The server configuration first: features.sh installs the features it lists, and this layer
# only changes when the server configuration does.
COPY --chown=1001:0 src/main/liberty/config/server.xml /config/
# The datasource settings of each database kind, which server.xml includes by DB_KIND.
COPY --chown=1001:0 src/main/liberty/config/datasource-h2.xml src/main/liberty/config/datasource-postgresql.xml /config/
RUN features.sh
# Heap and JVM flags (a heap that starts at 64 MiB and may grow to 384 MiB; JVM_ARGS, which the
# server script puts after this file's flags, sizes it differently: README, "Sizing the heap").
COPY --chown=1001:0 src/main/liberty/config/jvm.options /config/

# Shared libraries: ${server.config.dir} is /config in this image.
COPY --chown=1001:0 --from=build /build/lib/ /config/lib/
# server.xml's <webApplication location="meshgate.war"> is resolved against /config/apps.
COPY --chown=1001:0 --from=build /build/target/meshgate.war /config/apps/meshgate.war

# No demo catalog unless asked for: `mvn liberty:run` turns it on for newcomers, a container
# never does by default. Every other setting (DB_*, MESHGATE_ISSUER, MESHGATE_KEK,
# MESHGATE_SECRET_PEPPER, REDIS_URL) comes from the environment at run time; nothing secret
# is baked into the image.
ENV MESHGATE_DEMO=false
# Two glibc malloc arenas instead of up to 8 per core: what the JVM frees in per-thread arenas
# otherwise stays resident (README "Performance", footprint).
ENV MALLOC_ARENA_MAX=2

# 9443: the TLS edge, when HTTPS_PORT=9443 and MESHGATE_TLS_CERT_DIR are set
# (kubernetes/tls-edge/).
EXPOSE 9080 9443

# configure.sh applies interim fixes and fills OpenJ9's shared class cache by starting the
# server once, which starts the app. Nothing that start creates may end up in an image layer
# (every container would share it): the app runs against a throw-away in-memory H2 database,
# and the secrets it generates when MESHGATE_KEK / MESHGATE_SECRET_PEPPER are unset (server.xml
# `meshgate.secrets.dir`) go to a folder removed in the same step. The rm also covers the
# default locations under the server's output folder, in case a setting is not picked up.
RUN DB_KIND=h2 DB_URL="jdbc:h2:mem:image-build" MESHGATE_SECRETS_DIR=/tmp/image-build-secrets \
    configure.sh \
 && rm -rf /tmp/image-build-secrets \
           /opt/ol/wlp/output/defaultServer/data \
           /opt/ol/wlp/output/defaultServer/secrets
