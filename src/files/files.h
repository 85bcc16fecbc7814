#pragma once

// Reading CSV, NDJSON/JSON and text files in parallel chunks: open_table() resolves a glob and
// a schema, one chunk_reader hands out pieces of the files, one chunk_parser per worker turns
// them into batches. See README.md.

#include "files/chunk_parser.h"
#include "files/chunk_reader.h"
#include "files/open_table.h"
#include "files/read_options.h"
