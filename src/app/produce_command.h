#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace spate::app {

/// Everything `spate produce` can be told.
struct produce_options {
    std::string pattern; ///< a file or a glob (plain, gzip or zstd)
    std::string topic;
    std::string bootstrap_server = "127.0.0.1:9092";
    std::string key_column;     ///< empty: records have no key
    std::string format;         ///< csv, json, text; empty: from the file name's extension
    std::optional<bool> header; ///< csv; unset: detect
    /// csv; one character, or `\t` / `tab`; empty: `,` (tab for `.tsv` files)
    std::string delimiter;
    std::string value_format = "json"; ///< json, csv, raw (raw: text files only)
    bool ignore_errors = false;
    int create_topic_partitions = 0; ///< > 0: create the topic with this many if it is missing
    int timeout_s = 10;              ///< connecting, metadata, topic creation, each delivery
};

/// The format a file name implies: `.csv`/`.tsv` csv, `.json`/`.ndjson`/`.jsonl` json, any
/// other text; a trailing `.gz`/`.zst` is looked through. Never fails.
std::string format_of_name(const std::string& name);

/// Reads the files of `opts.pattern` and produces one record per row to `opts.topic` with
/// librdkafka (acks=all, idempotent, Java's murmur2 partitioner), waiting for every delivery
/// report. Unless ignore_errors, the whole input is parsed first and a bad row stops everything
/// before anything is sent. Prints the summary (or what went wrong) to stderr. Returns the
/// process exit code: 0 only when every record was stored, 2 for bad arguments, else 1.
int run_produce(const produce_options& opts);

/// Adds the `produce` subcommand to `app`; when it runs, `exit_code` gets run_produce's result.
void add_produce_command(CLI::App& app, int& exit_code);

} // namespace spate::app
