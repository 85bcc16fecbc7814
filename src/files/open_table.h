#pragma once

#include "base/result.h"
#include "files/read_options.h"

#include <string_view>

namespace spate::files {

/// Expands the glob `pattern` (glob(3) syntax, no `**`), sorts the paths, reads the start of
/// the first file(s) and infers the schema (see README.md for the rules). Errors name the file:
/// no file matches (`no file matches 'x/*.csv'`, also for a plain path that does not exist), a
/// file that cannot be read (`x.csv: Permission denied`), a bad gzip/zstd stream, an empty
/// CSV file with no header and no `columns`, an unknown name in `types`. Reads at most about
/// `sample_rows` records; never the whole of a big file (but a JSON array file is one chunk).
result<file_table> open_table(std::string_view pattern, read_options options);

} // namespace spate::files
