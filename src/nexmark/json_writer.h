#pragma once

#include "nexmark/model.h"

#include <string>
#include <string_view>

namespace spate::nexmark {

/// Append one event as a flat JSON object (no newline) with the reference's field names, as
/// Flink's JSON format writes the person, auction and bid rows: numbers as JSON integers,
/// timestamps as "yyyy-MM-dd HH:mm:ss.SSS" strings (UTC). Field order:
///   person  {id, name, emailAddress, creditCard, city, state, dateTime, extra}
///   auction {id, itemName, description, initialBid, reserve, dateTime, expires, seller,
///            category, extra}
///   bid     {auction, bidder, price, channel, url, dateTime, extra}
/// Never allocates once `out` has capacity.
void append_json(const person& p, std::string& out);
void append_json(const auction& a, std::string& out);
void append_json(const bid& b, std::string& out);
/// The object of the meaningful member of `e`.
void append_json(const event& e, std::string& out);

/// Appends `s` as a JSON string literal: quoted, with '"', '\\' and control characters below
/// 0x20 escaped (\n, \t, ... or \u00XX); other bytes (UTF-8) are copied as they are.
void append_json_string(std::string_view s, std::string& out);

} // namespace spate::nexmark
