#pragma once

// One handler per Kafka API: each takes the decoded request and returns the response to
// encode. Handlers run on the connection's shard and reach partitions on other shards with
// runtime::invoke_on(). Per-partition and per-topic failures go into the response's error
// codes, as Kafka's do; a handler never fails the whole request.

#include "broker/request_context.h"
#include "kafka/generated/messages.h"

#include <boost/asio/awaitable.hpp>

namespace spate::broker::handlers {

template <typename T>
using task = boost::asio::awaitable<T>;

task<kafka::api_versions_response_data> api_versions(request_context&,
                                                     kafka::api_versions_request_data);
task<kafka::metadata_response_data> metadata(request_context&, kafka::metadata_request_data);
task<kafka::produce_response_data> produce(request_context&, kafka::produce_request_data);
task<kafka::fetch_response_data> fetch(request_context&, kafka::fetch_request_data);
task<kafka::list_offsets_response_data> list_offsets(request_context&,
                                                     kafka::list_offsets_request_data);
task<kafka::find_coordinator_response_data> find_coordinator(request_context&,
                                                             kafka::find_coordinator_request_data);
/// A producer id for an idempotent producer, from the controller.
task<kafka::init_producer_id_response_data> init_producer_id(request_context&,
                                                             kafka::init_producer_id_request_data);

// Consumer groups: each request runs on the coordinator of its group (group/coordinator.h),
// on the shard that owns the group's __consumer_offsets partition.
task<kafka::join_group_response_data> join_group(request_context&, kafka::join_group_request_data);
task<kafka::sync_group_response_data> sync_group(request_context&, kafka::sync_group_request_data);
task<kafka::heartbeat_response_data> heartbeat(request_context&, kafka::heartbeat_request_data);
task<kafka::leave_group_response_data> leave_group(request_context&,
                                                   kafka::leave_group_request_data);
task<kafka::offset_commit_response_data> offset_commit(request_context&,
                                                       kafka::offset_commit_request_data);
task<kafka::offset_fetch_response_data> offset_fetch(request_context&,
                                                     kafka::offset_fetch_request_data);
task<kafka::list_groups_response_data> list_groups(request_context&,
                                                   kafka::list_groups_request_data);
task<kafka::describe_groups_response_data> describe_groups(request_context&,
                                                           kafka::describe_groups_request_data);
task<kafka::delete_groups_response_data> delete_groups(request_context&,
                                                       kafka::delete_groups_request_data);
task<kafka::offset_delete_response_data> offset_delete(request_context&,
                                                       kafka::offset_delete_request_data);

// Admin APIs. Topic changes go through the controller (on its shard); per-partition work runs
// on the partition's shard.
task<kafka::create_topics_response_data> create_topics(request_context&,
                                                       kafka::create_topics_request_data);
task<kafka::delete_topics_response_data> delete_topics(request_context&,
                                                       kafka::delete_topics_request_data);
task<kafka::create_partitions_response_data>
create_partitions(request_context&, kafka::create_partitions_request_data);
task<kafka::delete_records_response_data> delete_records(request_context&,
                                                         kafka::delete_records_request_data);
task<kafka::describe_configs_response_data> describe_configs(request_context&,
                                                             kafka::describe_configs_request_data);
task<kafka::alter_configs_response_data> alter_configs(request_context&,
                                                       kafka::alter_configs_request_data);
task<kafka::incremental_alter_configs_response_data>
incremental_alter_configs(request_context&, kafka::incremental_alter_configs_request_data);
task<kafka::describe_cluster_response_data> describe_cluster(request_context&,
                                                             kafka::describe_cluster_request_data);
task<kafka::offset_for_leader_epoch_response_data>
offset_for_leader_epoch(request_context&, kafka::offset_for_leader_epoch_request_data);

} // namespace spate::broker::handlers
