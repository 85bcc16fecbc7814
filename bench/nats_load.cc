// nats_load: the NATS JetStream peer of the Kafka benchmark (bench/peers_bench), on the NATS C
// client (libnats). One mode per run:
//
//   produce  (re)creates a stream with file storage bound to one subject, then publishes N
//            messages of S bytes with js_PublishAsync, at most W unacknowledged at a time (the
//            client's PublishAsync.MaxPending). Reports msgs/s, MB/s (values only) and every
//            message's publish -> acknowledgement latency under "delivery_latency_us". The
//            server acknowledges after appending to its file store; when it syncs to disk
//            depends on its jetstream sync_interval (see bench/peers_bench).
//   consume  an ephemeral pull consumer (deliver all, no acks) fetching batches of B until N
//            messages are read. Reports msgs/s and MB/s.
//
// Every value starts with a 16-byte header: its sequence number and send time (see
// peer_load.h). produce checks each acknowledgement (no error, not a duplicate, stream sequence
// = message sequence + 1) and the stream's message count at the end; consume checks every
// message's size and that sequence numbers follow one another from 0. Any problem ends the run
// with exit status 2 and a JSON line with "ok": false; a bad command line exits with 1.
// Output: one JSON line on stdout, then one human line starting with "#".

#include "peer_load.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nats/nats.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

using namespace peer_load;

struct options {
    std::string mode;
    std::string url = "nats://127.0.0.1:4222";
    std::string stream = "bench";
    std::string subject = "bench.data";
    uint64_t messages = 1'000'000;
    size_t size = 100;
    int window = 1000;
    int batch = 1000;
    double timeout = 30;
};

void check(natsStatus s, const char* what, jsErrCode jerr = static_cast<jsErrCode>(0)) {
    if (s == NATS_OK) return;
    throw load_error(fmt::format("{}: {} (jetstream error {}; {})", what, natsStatus_GetText(s),
                                 static_cast<int>(jerr), nats_GetLastError(nullptr)));
}

struct connection_deleter {
    void operator()(natsConnection* c) const { natsConnection_Destroy(c); }
};
struct js_deleter {
    void operator()(jsCtx* j) const { jsCtx_Destroy(j); }
};
struct subscription_deleter {
    void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};
struct stream_info_deleter {
    void operator()(jsStreamInfo* i) const { jsStreamInfo_Destroy(i); }
};

// The acknowledgements of one produce run. Written by the client's callback thread; read by the
// main thread after js_PublishAsyncComplete (the atomic count orders the latency writes).
struct ack_state {
    explicit ack_state(uint64_t n) : latency_us(n, -1.0) {}
    std::vector<double> latency_us; // by sequence number; -1 until acknowledged
    std::atomic<uint64_t> acked{0};
    std::atomic<uint64_t> problem_count{0};
    std::mutex mu;
    std::string first_problem; // under mu

    void problem(std::string what) {
        if (problem_count.fetch_add(1) > 0) return;
        std::lock_guard lock(mu);
        first_problem = std::move(what);
    }
};

void on_ack(jsCtx*, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
    auto* st = static_cast<ack_state*>(closure);
    int64_t now = now_ns();
    const auto* data = reinterpret_cast<const unsigned char*>(natsMsg_GetData(msg));
    if (natsMsg_GetDataLength(msg) < static_cast<int>(header_bytes)) {
        st->problem("acknowledged message without a header");
    } else {
        uint64_t seq = get_u64(data);
        int64_t sent = static_cast<int64_t>(get_u64(data + 8));
        if (pae != nullptr)
            st->problem(fmt::format("message {}: {} ({})", seq, natsStatus_GetText(pae->Err),
                                    pae->ErrText ? pae->ErrText : ""));
        else if (pa == nullptr || pa->Duplicate || pa->Sequence != seq + 1)
            st->problem(fmt::format("message {}: acknowledged as stream sequence {}{}", seq,
                                    pa ? pa->Sequence : 0,
                                    pa && pa->Duplicate ? " duplicate" : ""));
        else if (seq >= st->latency_us.size() || st->latency_us[seq] >= 0)
            st->problem(fmt::format("message {}: unexpected acknowledgement", seq));
        else
            st->latency_us[seq] = static_cast<double>(now - sent) / 1e3;
    }
    natsMsg_Destroy(msg);
    st->acked.fetch_add(1);
}

std::unique_ptr<natsConnection, connection_deleter> connect(const options& opt) {
    natsOptions* no = nullptr;
    check(natsOptions_Create(&no), "natsOptions_Create");
    std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> guard(no, natsOptions_Destroy);
    check(natsOptions_SetURL(no, opt.url.c_str()), "natsOptions_SetURL");
    check(natsOptions_SetTimeout(no, static_cast<int64_t>(opt.timeout * 1000)), "SetTimeout");
    natsConnection* c = nullptr;
    check(natsConnection_Connect(&c, no), "connect");
    return std::unique_ptr<natsConnection, connection_deleter>(c);
}

std::unique_ptr<jsCtx, js_deleter> jetstream(natsConnection* c, const options& opt,
                                             ack_state* acks) {
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = static_cast<int64_t>(opt.timeout * 1000);
    if (acks != nullptr) {
        jo.PublishAsync.MaxPending = opt.window;
        jo.PublishAsync.AckHandler = on_ack;
        jo.PublishAsync.AckHandlerClosure = acks;
        jo.PublishAsync.StallWait = static_cast<int64_t>(opt.timeout * 1000);
    }
    jsCtx* js = nullptr;
    check(natsConnection_JetStream(&js, c, &jo), "natsConnection_JetStream");
    return std::unique_ptr<jsCtx, js_deleter>(js);
}

json run_produce(const options& opt) {
    auto conn = connect(opt);
    ack_state acks(opt.messages);
    auto js = jetstream(conn.get(), opt, &acks);
    jsErrCode jerr = static_cast<jsErrCode>(0);
    js_DeleteStream(js.get(), opt.stream.c_str(), nullptr, &jerr); // absent is fine
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = opt.stream.c_str();
    const char* subjects[1] = {opt.subject.c_str()};
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    jsStreamInfo* si = nullptr;
    check(js_AddStream(&si, js.get(), &cfg, nullptr, &jerr), "js_AddStream", jerr);
    jsStreamInfo_Destroy(si);

    std::vector<unsigned char> payload(opt.size, 'x');
    double cpu0 = self_cpu_seconds();
    int64_t start = now_ns();
    for (uint64_t seq = 0; seq < opt.messages; ++seq) {
        put_u64(payload.data(), seq);
        put_u64(payload.data() + 8, static_cast<uint64_t>(now_ns()));
        // The client copies the data into the message it keeps until the acknowledgement.
        natsStatus s = js_PublishAsync(js.get(), opt.subject.c_str(), payload.data(),
                                       static_cast<int>(opt.size), nullptr);
        check(s, "js_PublishAsync");
        if ((seq & 1023) == 0 && acks.problem_count.load() > 0) break;
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = static_cast<int64_t>(opt.timeout * 1000);
    check(js_PublishAsyncComplete(js.get(), &po), "js_PublishAsyncComplete");
    double seconds = static_cast<double>(now_ns() - start) / 1e9;
    json tool = tool_usage(cpu0);
    uint64_t acked = acks.acked.load();
    {
        std::lock_guard lock(acks.mu);
        if (acks.problem_count.load() > 0)
            throw load_error(fmt::format("{} problem(s), first: {}", acks.problem_count.load(),
                                         acks.first_problem));
    }
    if (acked != opt.messages)
        throw load_error(fmt::format("{} of {} messages acknowledged", acked, opt.messages));
    check(js_GetStreamInfo(&si, js.get(), opt.stream.c_str(), nullptr, &jerr), "js_GetStreamInfo",
          jerr);
    std::unique_ptr<jsStreamInfo, stream_info_deleter> info(si);
    if (si->State.Msgs != opt.messages)
        throw load_error(fmt::format("stream {} holds {} messages after {} acknowledged",
                                     opt.stream, si->State.Msgs, opt.messages));
    json out;
    put_rates(out, opt.messages, opt.size, seconds);
    out["window"] = opt.window;
    out["delivery_latency_us"] = distribution_us(acks.latency_us);
    out["latency_of"] = "each message: js_PublishAsync -> acknowledgement callback";
    out["tool"] = tool;
    return out;
}

json run_consume(const options& opt) {
    auto conn = connect(opt);
    auto js = jetstream(conn.get(), opt, nullptr);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = opt.stream.c_str();
    so.Config.AckPolicy = js_AckNone;
    so.Config.DeliverPolicy = js_DeliverAll;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    natsSubscription* raw = nullptr;
    check(js_PullSubscribe(&raw, js.get(), opt.subject.c_str(), nullptr, nullptr, &so, &jerr),
          "js_PullSubscribe", jerr);
    std::unique_ptr<natsSubscription, subscription_deleter> sub(raw);
    uint64_t got = 0;
    uint64_t fetches = 0;
    double cpu0 = self_cpu_seconds();
    int64_t start = now_ns();
    while (got < opt.messages) {
        natsMsgList list{};
        int want = static_cast<int>(std::min<uint64_t>(opt.messages - got, opt.batch));
        natsStatus s = natsSubscription_Fetch(&list, sub.get(), want,
                                              static_cast<int64_t>(opt.timeout * 1000), &jerr);
        ++fetches;
        std::unique_ptr<natsMsgList, decltype(&natsMsgList_Destroy)> guard(&list,
                                                                           natsMsgList_Destroy);
        if (s == NATS_TIMEOUT)
            throw load_error(
                fmt::format("no message for {} s after {} of {}", opt.timeout, got, opt.messages));
        check(s, "natsSubscription_Fetch", jerr);
        for (int i = 0; i < list.Count; ++i) {
            natsMsg* m = list.Msgs[i];
            if (static_cast<size_t>(natsMsg_GetDataLength(m)) != opt.size)
                throw load_error(fmt::format("message {}: {} bytes, expected {}", got,
                                             natsMsg_GetDataLength(m), opt.size));
            uint64_t seq = get_u64(reinterpret_cast<const unsigned char*>(natsMsg_GetData(m)));
            if (seq != got)
                throw load_error(fmt::format("message {} has sequence number {}", got, seq));
            ++got;
        }
    }
    double seconds = static_cast<double>(now_ns() - start) / 1e9;
    json out;
    put_rates(out, opt.messages, opt.size, seconds);
    out["fetches"] = fetches;
    out["batch"] = opt.batch;
    out["tool"] = tool_usage(cpu0);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    options opt;
    CLI::App app{"nats_load: NATS JetStream load generator for bench/peers_bench (libnats)"};
    app.require_subcommand(1);
    auto common = [&](CLI::App* c) {
        c->add_option("--url", opt.url)->capture_default_str();
        c->add_option("--stream", opt.stream)->capture_default_str();
        c->add_option("--subject", opt.subject)->capture_default_str();
        c->add_option("--messages", opt.messages, "N")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
        c->add_option("--size", opt.size, "value size in bytes (>= 16)")
            ->check(CLI::Range(size_t{header_bytes}, size_t{1} << 20))
            ->capture_default_str();
        c->add_option("--timeout", opt.timeout, "seconds to wait for the server")
            ->check(CLI::PositiveNumber)
            ->capture_default_str();
    };
    auto* produce = app.add_subcommand("produce", "publish N messages with acknowledgements");
    common(produce);
    produce->add_option("--window", opt.window, "unacknowledged publishes at most")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    auto* consume = app.add_subcommand("consume", "fetch N messages from the start");
    common(consume);
    consume->add_option("--batch", opt.batch, "messages per fetch")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    opt.mode = app.get_subcommands().front()->get_name();
    json result;
    int status = 0;
    try {
        result = opt.mode == "produce" ? run_produce(opt) : run_consume(opt);
    } catch (const load_error& e) {
        json fail = {{"mode", opt.mode}, {"ok", false}, {"error", e.what()}};
        std::printf("%s\n", fail.dump().c_str());
        std::fprintf(stderr, "nats_load: %s: FAILED: %s\n", opt.mode.c_str(), e.what());
        status = 2;
    }
    nats_Close();
    if (status != 0) return status;
    result["mode"] = opt.mode;
    result["peer"] = "nats";
    result["stream"] = opt.stream;
    result["messages"] = opt.messages;
    result["size"] = opt.size;
    result["ok"] = true;
    std::string human = fmt::format("nats {} {} x {} B: {} msgs/s, {} MB/s in {} s", opt.mode,
                                    opt.messages, opt.size, result["msgs_per_s"].dump(),
                                    result["mb_per_s"].dump(), result["seconds"].dump());
    if (result.contains("delivery_latency_us")) {
        const auto& d = result["delivery_latency_us"];
        human += fmt::format("; ack latency p50 {} us, p99 {} us, p99.9 {} us", d["p50"].dump(),
                             d["p99"].dump(), d["p999"].dump());
    }
    std::printf("%s\n# %s\n", result.dump().c_str(), human.c_str());
    return 0;
}
