# Builds eventfabric on Debian 12 with the same packages as ./dev setup.
FROM debian:12 AS build
COPY . /src
WORKDIR /src
RUN apt-get update -qq && ./dev setup && \
    cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEF_BUILD_TESTS=OFF -DEF_BUILD_BENCH=OFF && \
    ninja -C /build eventfabric

FROM debian:12-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libsqlite3-0 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/cli/eventfabric /usr/local/bin/eventfabric
EXPOSE 8095
ENTRYPOINT ["eventfabric"]
