#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/kafka_errors.h"
#include "broker/topic_ids.h"
#include "runtime/invoke.h"

#include <map>

namespace spate::broker::handlers {

namespace {

using topic_result = kafka::delete_topics_response_data::deletable_topic_result;
using topic_key = controller::topic_key;

topic_result failed(std::optional<std::string> name, const kafka::uuid& id, const error& e) {
    topic_result r;
    r.name = std::move(name);
    r.topic_id = id;
    r.error_code = kafka_error_code(e);
    r.error_message = e.message;
    return r;
}

} // namespace

task<kafka::delete_topics_response_data> delete_topics(request_context& ctx,
                                                       kafka::delete_topics_request_data req) {
    auto& broker = ctx.broker;
    kafka::delete_topics_response_data response;

    // Topics by name (v0-5: topic_names; v6: topics with a name) and by id (v6), with Kafka's
    // answers for a topic named twice, by both name and id, or by neither.
    std::map<std::string, int> names;
    std::map<std::string, std::pair<kafka::uuid, int>> ids; // by the id's string
    std::vector<topic_key> order;
    auto add_name = [&](const std::string& name) {
        if (names[name]++ == 0) order.push_back({name, {}});
    };
    for (const auto& name : req.topic_names)
        add_name(name);
    const kafka::uuid zero{};
    for (const auto& t : req.topics) {
        if (!t.name) {
            if (t.topic_id == zero) {
                response.responses.push_back(
                    failed(std::nullopt, zero,
                           error::make(errc::invalid_request,
                                       "Neither topic name nor id were specified.")));
                continue;
            }
            auto id = to_topic_id(t.topic_id);
            auto& [uuid, n] = ids[id.to_string()];
            uuid = t.topic_id;
            if (n++ == 0) order.push_back({"", id});
        } else if (t.topic_id == zero) {
            add_name(*t.name);
        } else {
            response.responses.push_back(
                failed(t.name, t.topic_id,
                       error::make(errc::invalid_request,
                                   "You may not specify both topic name and topic id.")));
        }
    }
    std::vector<topic_key> keys;
    for (auto& k : order) {
        bool by_name = !k.name.empty();
        if (by_name && names[k.name] > 1) {
            response.responses.push_back(
                failed(k.name, zero, error::make(errc::invalid_request, "Duplicate topic name.")));
        } else if (!by_name && ids[k.id.to_string()].second > 1) {
            response.responses.push_back(
                failed(std::nullopt, to_uuid(k.id),
                       error::make(errc::invalid_request, "Duplicate topic id.")));
        } else if (const auto* t = ctx.shard.topics()->find(k.name);
                   by_name && t && ids.contains(t->id.to_string())) {
            response.responses.push_back(
                failed(k.name, to_uuid(t->id),
                       error::make(errc::invalid_request,
                                   "The provided topic name maps to an ID that was already "
                                   "supplied.")));
            ids[t->id.to_string()].second = 2; // and the id is not deleted either
        } else {
            keys.push_back(std::move(k));
        }
    }
    std::erase_if(keys, [&](const topic_key& k) {
        if (!k.name.empty() || ids[k.id.to_string()].second <= 1) return false;
        response.responses.push_back(
            failed(std::nullopt, to_uuid(k.id),
                   error::make(errc::invalid_request, "Duplicate topic id.")));
        return true;
    });

    auto op = runtime::invoke_on(
        broker.executor(broker.ctl().shard()),
        [&broker, keys]() -> boost::asio::awaitable<std::vector<result<topic_key>>> {
            std::vector<result<topic_key>> out;
            for (const auto& k : keys) {
                // Named awaitable and result, never a co_await inside a call: runtime/invoke.h.
                auto deleting = broker.ctl().delete_topic(k);
                auto deleted = co_await std::move(deleting);
                out.push_back(std::move(deleted));
            }
            co_return out;
        });
    auto outcomes = co_await std::move(op);
    for (size_t i = 0; i < keys.size(); ++i) {
        const auto& k = keys[i];
        auto& r = outcomes[i];
        std::optional<std::string> name;
        if (!k.name.empty()) name = k.name;
        if (!r) {
            response.responses.push_back(failed(name, to_uuid(k.id), r.err()));
            continue;
        }
        topic_result deleted;
        deleted.name = r->name;
        deleted.topic_id = to_uuid(r->id);
        response.responses.push_back(std::move(deleted));
    }
    co_return response;
}

} // namespace spate::broker::handlers
