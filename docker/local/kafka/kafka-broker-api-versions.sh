#!/bin/sh
# Same path and arguments as the official image's script: compose's health check runs it.
exec java -Xmx64m -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties \
  -cp "/opt/kafka/libs/*" kafka.admin.BrokerApiVersionsCommand "$@"
