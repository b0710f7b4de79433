# STAND-IN for mongo:7. mongo-java-server (Maven Central, infra/mongo-java-server/pom.xml) with its
# H2 backend, the same engine as the local `infra start`, on Debian's OpenJDK 17 JRE: it speaks the
# MongoDB wire protocol and holds the services' event stores and read models in one H2 file on the
# /data/db volume. It is no MongoDB: no replica set, no authentication, no TLS, one node. Production
# points MONGODB_URI at a real MongoDB replica set instead (README, "Deploying"). Built by
# scripts/images.sh from .cache/images/mongo-java-server (libs/ + classes/).
ARG JRE_IMAGE=callcenter/jre:17-bookworm
FROM ${JRE_IMAGE}
RUN groupadd --system --gid 1001 mongo \
 && useradd --system --uid 1001 --gid mongo --home-dir /data --shell /usr/sbin/nologin mongo \
 && mkdir -p /data/db && chown -R mongo:mongo /data
COPY libs /opt/mongo-java-server/libs
COPY classes /opt/mongo-java-server/classes
USER mongo
ENV DB_HEAP=1g
VOLUME /data/db
EXPOSE 27017
HEALTHCHECK --interval=5s --timeout=5s --start-period=20s --retries=12 CMD bash -c '</dev/tcp/127.0.0.1/27017'
CMD ["bash", "-c", "exec java -Xms128m -Xmx${DB_HEAP} -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp '/opt/mongo-java-server/classes:/opt/mongo-java-server/libs/*' LocalMongoServer 0.0.0.0 27017 /data/db/callcenter.mv"]
