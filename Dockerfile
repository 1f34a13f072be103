# Builds eventfabric on Debian 12 with the same packages as ./dev setup
# (without the CI-only tools), and runs it from a slim image that carries the
# binary's shared libraries (tests/server/compose_check.sh checks that list
# against `ldd` of the built binary).
FROM debian:12 AS build
COPY . /src
WORKDIR /src
RUN apt-get update -qq && EF_NO_CI_TOOLS=1 ./dev setup && \
    cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEF_BUILD_TESTS=OFF -DEF_BUILD_BENCH=OFF && \
    ninja -C /build eventfabric

FROM debian:12-slim
RUN apt-get update -qq && \
    apt-get install -y -qq --no-install-recommends libsqlite3-0 libspdlog1.10 libfmt9 libssl3 zlib1g && \
    rm -rf /var/lib/apt/lists/*
COPY --from=build /build/cli/eventfabric /usr/local/bin/eventfabric
EXPOSE 8095
ENTRYPOINT ["eventfabric"]
