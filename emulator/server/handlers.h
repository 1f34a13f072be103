#pragma once
// Route registration, one function per API area (one .cc file each).

namespace eventfabric::server {

class router;

void add_system_routes(router& r);    // /health, /metrics
void add_topic_routes(router& r);     // REST Proxy v2 topics + produce, /admin/topics
void add_consumer_routes(router& r);  // REST Proxy v2 consumer instances
void add_queue_routes(router& r);     // queues, exchanges, bindings, publish/receive/ack
void add_registry_routes(router& r);  // Confluent Schema Registry API (schemaType JSON)
void add_idempotency_routes(router& r);  // the platform's idempotency key store
void add_fault_routes(router& r);        // seeded fault rules and the realised schedule
void add_subscription_routes(router& r);  // push subscriptions, their DLQ and quarantine

}  // namespace eventfabric::server
