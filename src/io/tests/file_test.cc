#include "io/file.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <string>

namespace spate::io {
namespace {

std::filesystem::path temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "spate-io-XXXXXX").string();
    return mkdtemp(tmpl.data());
}

std::span<const std::byte> bytes(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

TEST(file, write_read_truncate) {
    auto dir = temp_dir();
    auto f = file::open(dir / "a", file::mode::create_read_write);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->write_at(bytes("hello world"), 0));
    ASSERT_TRUE(f->sync_data());
    std::string buf(5, '\0');
    auto n = f->read_at({reinterpret_cast<std::byte*>(buf.data()), buf.size()}, 6);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 5u);
    EXPECT_EQ(buf, "world");
    ASSERT_TRUE(f->truncate(5));
    EXPECT_EQ(*f->size(), 5u);
    remove_all(dir);
}

TEST(file, missing_file_is_not_found_with_its_path) {
    auto r = file::open("/nonexistent-dir/x", file::mode::read_only);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::not_found);
    EXPECT_NE(r.err().message.find("/nonexistent-dir/x"), std::string::npos);
}

TEST(file, injected_full_disk_writes_a_prefix_then_fails) {
    auto dir = temp_dir();
    auto f = file::open(dir / "a", file::mode::create_read_write);
    ASSERT_TRUE(f);
    fault_injection::fail_writes_after(4, ENOSPC);
    auto r = f->write_at(bytes("0123456789"), 0);
    fault_injection::clear();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, errc::kafka_storage_error);
    EXPECT_NE(r.err().message.find("No space left on device"), std::string::npos)
        << r.err().message;
    EXPECT_EQ(*f->size(), 4u) << "the part before the limit is written, as on a real full disk";
    remove_all(dir);
}

TEST(file, atomic_replace) {
    auto dir = temp_dir();
    ASSERT_TRUE(write_file_atomically(dir / "c", bytes("one")));
    ASSERT_TRUE(write_file_atomically(dir / "c", bytes("two!")));
    auto data = read_file(dir / "c");
    ASSERT_TRUE(data);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(data->data()), data->size()), "two!");
    EXPECT_FALSE(std::filesystem::exists(dir / "c.tmp"));
    remove_all(dir);
}

TEST(file, a_directory_lock_is_exclusive) {
    auto dir = temp_dir();
    {
        auto first = directory_lock::acquire(dir);
        ASSERT_TRUE(first) << first.err().to_string();
        // flock locks belong to the open file, so a second open in this process conflicts too.
        auto second = directory_lock::acquire(dir);
        ASSERT_FALSE(second);
        EXPECT_NE(second.err().message.find("in use by another spate process (pid "),
                  std::string::npos)
            << second.err().message;
    }
    EXPECT_TRUE(directory_lock::acquire(dir)) << "released when the holder goes away";
    ASSERT_TRUE(remove_tree(dir));
}

} // namespace
} // namespace spate::io
