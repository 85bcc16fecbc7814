#include "shell/error_position.h"

#include <gtest/gtest.h>

namespace spate::shell {
namespace {

TEST(error_position, points_at_the_character_on_its_line) {
    EXPECT_EQ(position_lines("SELECT nosuch FROM t", 8), "LINE 1: SELECT nosuch FROM t\n"
                                                         "               ^\n");
    EXPECT_EQ(position_lines("SELECT a,\n  nosuch\nFROM t", 13), "LINE 2:   nosuch\n"
                                                                 "          ^\n");
}

TEST(error_position, counts_characters_not_bytes) {
    // 'ü' is two bytes but one character: the x is the 13th character.
    EXPECT_EQ(position_lines("SELECT 'ü', x", 13), "LINE 1: SELECT 'ü', x\n"
                                                   "                    ^\n");
}

TEST(error_position, end_of_input_and_out_of_range) {
    EXPECT_EQ(position_lines("SELECT", 7), "LINE 1: SELECT\n              ^\n");
    EXPECT_EQ(position_lines("SELECT", 8), "");
    EXPECT_EQ(position_lines("SELECT", 0), "");
    EXPECT_EQ(position_lines("", 1), "LINE 1: \n        ^\n");
    EXPECT_EQ(position_lines("", 2), "");
}

} // namespace
} // namespace spate::shell
