# Apache Kafka 4.1 (KRaft, no ZooKeeper) from the Maven Central jars the project fetches with
# infra/kafka/pom.xml, on Debian's OpenJDK 17 JRE. A local stand-in for apache/kafka:4.1.1, built
# by scripts/images.sh from the staging directory .cache/images/kafka (libs/ + this folder's kafka/).
# Configuration: every KAFKA_CFG_<NAME> variable becomes the broker setting <name> (lower case, `_`
# -> `.`), on top of the single-node defaults in kafka/server.properties; see kafka/entrypoint.sh.
# SASL/SCRAM over TLS with ACLs: security/ holds infra/kafka's kafka-security, acls.conf,
# server-sasl-ssl.properties and SecurityBootstrap.java; kafka/security-init.sh prepares them
# (compose service kafka-security), `kafka-security bootstrap` applies the users and ACLs (kafka-acls).
ARG JRE_IMAGE=callcenter/jre:17-bookworm
FROM ${JRE_IMAGE}
RUN groupadd --system --gid 1001 kafka \
 && useradd --system --uid 1001 --gid kafka --home-dir /var/lib/kafka --shell /usr/sbin/nologin kafka \
 && mkdir -p /var/lib/kafka/data /var/lib/kafka/security /var/lib/kafka/ca && chown -R kafka:kafka /var/lib/kafka \
 && chmod 700 /var/lib/kafka/security && chmod 755 /var/lib/kafka/ca
COPY libs /opt/kafka/libs
COPY kafka/ /opt/kafka/config/
COPY security/ /opt/kafka/security/
# SecurityBootstrap compiled once here (the JRE carries the compiler module) rather than at each run.
RUN java -m jdk.compiler/com.sun.tools.javac.Main -nowarn -cp "$(ls /opt/kafka/libs/*.jar | tr '\n' :)" -d /opt/kafka/security/classes /opt/kafka/security/SecurityBootstrap.java
USER kafka
ENV KAFKA_HEAP=512m KAFKA_LIBS=/opt/kafka/libs KAFKA_SECURITY_CLASSES=/opt/kafka/security/classes
VOLUME /var/lib/kafka/data
EXPOSE 9092 9093
# Ready once the broker has logged that it started (the log is in /tmp, a tmpfs in compose).
HEALTHCHECK --interval=5s --timeout=5s --start-period=60s --retries=24 \
  CMD grep -q "Kafka Server started" /tmp/kafka-logs/server.log && bash -c '</dev/tcp/127.0.0.1/9092'
ENTRYPOINT ["bash", "/opt/kafka/config/entrypoint.sh"]
