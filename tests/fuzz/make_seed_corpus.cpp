// Writes the RedoxFS fuzzer's seed corpus into a directory (the generated files are not
// checked in): each fresh base image as a raw-mode input (trailing zero blocks trimmed; the
// fuzzer pads them back), and structured-mode inputs with no edits and with a few edits.
// Usage: make_seed_corpus DIR
#include <cstdio>
#include <string>

#include "fuzz_images.h"

using namespace fuzzimg;

static bool write_file(const std::string& path, const std::vector<u8>& bytes)
{
    FILE* f = fopen(path.c_str(), "wb");
    if (!f)
        return false;
    bool ok = fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    return fclose(f) == 0 && ok;
}

int main(int argc, char** argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    std::string dir = argv[1];
    int written = 0;
    for (int kind = 0; kind < BASE_COUNT; ++kind) {
        std::vector<u8> image = build_base(kind);
        if (image.empty()) {
            fprintf(stderr, "make_seed_corpus: could not build base image %d\n", kind);
            return 1;
        }
        usize end = image.size();
        while (end >= BLOCK_SIZE) {
            bool zero = true;
            for (usize i = end - BLOCK_SIZE; i < end && zero; ++i)
                zero = image[i] == 0;
            if (!zero)
                break;
            end -= BLOCK_SIZE;
        }
        std::vector<u8> raw { 0 };
        raw.insert(raw.end(), image.begin(), image.begin() + end);
        std::vector<u8> structured { 1, static_cast<u8>(kind) };
        std::vector<u8> edited { 1, static_cast<u8>(kind),
            // block selector, offset (2), op, value (4)
            1, 0, 0, 0, 7, 0, 0, 0,
            2, 80, 0, 3, 5, 0, 0, 0,
            3, 104, 0, 0, 2, 0, 0, 0 };
        std::string base = dir + "/base" + std::to_string(kind);
        if (!write_file(base + "-raw", raw) || !write_file(base + "-structured", structured)
            || !write_file(base + "-edited", edited)) {
            perror("make_seed_corpus");
            return 1;
        }
        written += 3;
    }
    printf("make_seed_corpus: %d seeds in %s\n", written, dir.c_str());
    return 0;
}
