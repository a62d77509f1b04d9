#!/bin/sh
# KAFKA_* variables become server.properties the way the official image maps them
# (KAFKA_NODE_ID -> node.id; "__" -> "_", "___" -> "-"); the JVM settings stay variables.
set -eu
props=/opt/kafka/run/server.properties
: > "$props"
env | sort | while IFS='=' read -r name value; do
  case "$name" in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS | KAFKA_GC_LOG_OPTS | KAFKA_JMX_OPTS) ;;
    KAFKA_*)
      key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
      printf '%s=%s\n' "$key" "$value" >> "$props"
      ;;
  esac
done
grep -q '^log.dirs=' "$props" || echo 'log.dirs=/var/lib/kafka/data' >> "$props"
logdir=$(sed -n 's/^log.dirs=//p' "$props" | cut -d, -f1)
cp="/opt/kafka/libs/*"
log4j="-Dlog4j.configuration=file:/opt/kafka/config/log4j.properties"
if [ ! -f "$logdir/meta.properties" ]; then
  java $log4j -cp "$cp" kafka.tools.StorageTool format \
    -t "${CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}" -c "$props" --ignore-formatted
fi
# shellcheck disable=SC2086 # the *_OPTS variables are lists of flags
exec java ${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m} \
  ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -Djava.awt.headless=true} \
  ${KAFKA_OPTS:-} $log4j -cp "$cp" kafka.Kafka "$props"
