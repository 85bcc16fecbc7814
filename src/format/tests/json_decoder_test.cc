#include "format/decoder.h"

#include <gtest/gtest.h>

using namespace spate;
using namespace spate::format;
using columnar::data_type;
using columnar::type_id;

TEST(json_decoder, probe) {
    json_decoder d({{"a", type_id::int64}, {"datetime", type_id::timestamp}});
    auto b = make_batch(d.fields());
    std::vector<record_error> errs;
    std::string deep = R"({"b":)" + std::string(3000, '[');
    std::string deep2 = R"({"a":1, "b":)" + std::string(1100, '[') + std::string(1100, ']') + "}";
    std::vector<std::string_view> recs = {R"({"a":1,"dateTime":"2024-01-01 00:00:00"})",
                                          R"({"a":1} x)",
                                          R"({"a":1}})",
                                          R"([1])",
                                          "",
                                          "{\"a\":\xff}",
                                          R"({"a":12.5})",
                                          R"({"a":"12"})",
                                          R"({"a":1e400})",
                                          R"({"a":123456789012345678901234})",
                                          R"({"b":[1,2,,]})",
                                          R"({"b":tru})",
                                          R"({"a":tru})",
                                          R"({"a":1,)",
                                          R"({"a":"abc)",
                                          "{\"a\":\"a\tb\"}",
                                          deep,
                                          deep2};
    d.decode(recs, b, errs);
    for (auto& e : errs)
        std::cout << e.index << ": " << e.reason << "\n";
}
