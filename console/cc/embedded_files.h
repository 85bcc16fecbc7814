#pragma once

#include <cstddef>
#include <string_view>

// Internal: the table console/cmake/embed_assets.py generates from console/dist.
namespace spate::console::detail {

// One file of dist: its URL path ("/index.html", "/assets/index-abc.js") and bytes.
struct embedded_file {
    std::string_view path;
    std::string_view bytes;
};

// Sorted by path (byte order); embedded_file_count entries. index.html is always among them.
extern const embedded_file embedded_files[];
extern const std::size_t embedded_file_count;

} // namespace spate::console::detail
