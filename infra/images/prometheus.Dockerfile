# Prometheus from Debian's `prometheus` package (bookworm: 2.42) with the call center's scrape
# configuration and alert rules (infra/prometheus/prometheus.yml, alerts.yml), built by
# scripts/images.sh from the local Debian base; with a registry, DEBIAN_IMAGE=debian:bookworm-slim.
# promtool checks the configuration and the rules at build time. Targets: file_sd from
# /etc/prometheus/targets/*.yml, here infra/prometheus/compose/targets.yml (the services of
# docker-compose.yml); elsewhere mount your own targets over /etc/prometheus/targets.
# Runs as the package's `prometheus` user; only the data directory (a volume) is written.
ARG DEBIAN_IMAGE=callcenter/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && rm -f /etc/prometheus/*.yml && mkdir -p /etc/prometheus/targets /var/lib/prometheus/metrics2 \
 && chown -R prometheus:prometheus /var/lib/prometheus \
 && prometheus --version
COPY prometheus.yml alerts.yml /etc/prometheus/
COPY compose/targets.yml /etc/prometheus/targets/compose.yml
RUN promtool check config /etc/prometheus/prometheus.yml
USER prometheus
VOLUME /var/lib/prometheus/metrics2
EXPOSE 9090
ENTRYPOINT ["prometheus", "--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/var/lib/prometheus/metrics2", \
            "--storage.tsdb.retention.time=15d", "--web.listen-address=:9090"]
