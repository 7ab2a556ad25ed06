# Build: release binaries with the Swift toolchain image.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev libedit-dev libqrencode-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
 && mkdir /out \
 && bin="$(swift build -c release --show-bin-path)" \
 && cp "$bin/support-desk" "$bin/portal" /out/ \
 && cp -R "$bin/SupportDesk_WebPortal.resources" /out/

# Run: the binaries on slim Debian with only the C libraries they link, as a non-root user, and
# msmtp, the sendmail-compatible command `portal notify` hands its mails to.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libedit2 libqrencode4 ca-certificates msmtp \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 desk \
 && useradd --system --create-home --uid 10001 --gid 10001 desk
COPY --from=build /out/ /usr/local/bin/
COPY sql/migrations/ /usr/local/share/supportdesk/migrations/
USER 10001:10001
WORKDIR /home/desk
# The console by default; `--entrypoint portal` runs migrate, agent, the long-running `chain`,
# and the web portal: `--entrypoint portal IMAGE serve --listen 0.0.0.0:8080` (with
# PORTAL_SECRET_KEY and DATABASE_URL set, behind an HTTPS proxy; its templates ship beside it).
# The notification worker, one or more long-running containers as a role in notifier, with an
# msmtprc naming the relay mounted read-only (see README, "Delivering notifications"):
#   docker run -d -e DATABASE_URL=… -v "$PWD/msmtprc:/etc/msmtprc:ro" --entrypoint portal IMAGE \
#     notify --sendmail "msmtp -t -i" --from "SupportDesk <notifications@example.com>"
EXPOSE 8080
ENTRYPOINT ["support-desk"]
