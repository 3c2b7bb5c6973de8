# syntax=docker/dockerfile:1
# tide's container image: the tide binary, the producer script and the
# notebooks, on Debian bookworm with only the libraries tide links.
#
#   docker build -t tide:latest .
#   docker run --rm tide:latest version
#   docker run --rm -e KAFKA_HOST=broker:9092 tide:latest run scripts/producer.lua --loop
#
# deploy/README.md runs it on minikube (deploy/k8s/). The image's state
# directories (/app/data, /app/model, /app/checkpoints) belong to the tide
# user (uid 10001) and are where deploy/k8s mounts its volumes.

# ---- build: the -dev packages of scripts/deps, CMake + Ninja -------------------
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/deps scripts/deps
RUN scripts/deps build && rm -rf /var/lib/apt/lists/*
COPY CMakeLists.txt ./
COPY engine engine
COPY lua lua
COPY scripts scripts
COPY bench bench
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTIDE_WERROR=ON -DBUILD_TESTING=OFF \
 && cmake --build build --target tide \
 && build/tide version

# ---- runtime: the shared libraries `ldd tide` names, a non-root user ------------
FROM debian:bookworm-slim AS runtime
# One package per library tide links (readelf -d build/tide | grep NEEDED,
# mapped with dpkg -S; tests/deploy checks the mapping): their own
# dependencies (OpenSSL, SASL, lz4, zstd, Kerberos, LDAP) come with them.
# xxhash is compiled in (XXH_INLINE_ALL), so libxxhash0 is not needed.
# ca-certificates lets librdkafka and libpq verify TLS servers. libdate-tz3
# reads the time zones spark.sql.session.timeZone and from_utc_timestamp
# name from tzdata's /usr/share/zoneinfo (the system's tzdb).
# The scripts also run sh, mkdir and gzip (tide.datagen compresses through
# it): bookworm-slim's essential packages have them.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libluajit-5.1-2 librdkafka1 libpq5 libcsv3 libsimdjson14 libedit2 \
      zlib1g libpcre2-8-0 libssl3 libxml2 libdate-tz3 libgsl27 libgslcblas0 tzdata libstdc++6 libgcc-s1 \
      libc6 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 tide \
 && useradd --system --uid 10001 --gid tide --home-dir /home/tide --create-home \
      --shell /usr/sbin/nologin tide \
 && mkdir -p /app/data /app/model /app/checkpoints \
 && chown tide:tide /app/data /app/model /app/checkpoints
COPY --from=build /src/build/tide /usr/local/bin/tide
WORKDIR /app
COPY scripts/producer.lua scripts/producer.lua
COPY notebooks notebooks
USER 10001:10001
ENV HOME=/home/tide
ENTRYPOINT ["tide"]
CMD ["help"]
