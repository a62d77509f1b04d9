// Integration tests talk to real servers (Kafka rebalances, Consul checks): allow a minute each.
jest.setTimeout(60_000);
