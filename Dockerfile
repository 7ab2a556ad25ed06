# Build: release binaries with the Swift toolchain image.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libedit-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
 && mkdir /out \
 && cp "$(swift build -c release --show-bin-path)/support-desk" "$(swift build -c release --show-bin-path)/portal" /out/

# Run: the binaries on slim Debian with only the C libraries they link, as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libedit2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 desk \
 && useradd --system --create-home --uid 10001 --gid 10001 desk
COPY --from=build /out/ /usr/local/bin/
COPY sql/migrations/ /usr/local/share/supportdesk/migrations/
USER 10001:10001
WORKDIR /home/desk
# The console by default; `--entrypoint portal` runs migrate, agent and the long-running `chain`.
ENTRYPOINT ["support-desk"]
