#include "frames.h"

namespace baremetal {

namespace {
    constexpr u64 max_frames = arch::identity_map_end / frame_size; // 1 Mi frames = 4 GiB
    u64 s_used_bits[max_frames / 64]; // 1 = in use or not RAM
    u64 s_total = 0;
    u64 s_free = 0;
    u64 s_cursor = 0; // where the next search starts (next fit)

    bool is_used(u64 frame) { return s_used_bits[frame / 64] & (1ull << (frame % 64)); }
    void set_used(u64 frame, bool used)
    {
        if (used)
            s_used_bits[frame / 64] |= 1ull << (frame % 64);
        else
            s_used_bits[frame / 64] &= ~(1ull << (frame % 64));
    }
} // namespace

void frames_init(const arch::BootInfo& boot)
{
    for (u64& word : s_used_bits)
        word = ~0ull;
    for (usize i = 0; i < boot.range_count; ++i) {
        u64 first = (boot.ranges[i].base + frame_size - 1) / frame_size;
        u64 end = (boot.ranges[i].base + boot.ranges[i].length) / frame_size;
        for (u64 frame = first; frame < end && frame < max_frames; ++frame) {
            set_used(frame, false);
            ++s_total;
            ++s_free;
        }
    }
}

u64 frames_allocate(u64 count)
{
    if (count == 0 || count > s_free)
        return 0;
    for (u64 pass = 0; pass < 2; ++pass) {
        u64 run = 0;
        for (u64 frame = pass ? 0 : s_cursor; frame < max_frames; ++frame) {
            run = is_used(frame) ? 0 : run + 1;
            if (run == count) {
                u64 first = frame + 1 - count;
                for (u64 f = first; f <= frame; ++f)
                    set_used(f, true);
                s_free -= count;
                s_cursor = frame + 1;
                return first * frame_size;
            }
        }
    }
    return 0;
}

void frames_free(u64 physical, u64 count)
{
    for (u64 frame = physical / frame_size; count--; ++frame) {
        if (frame < max_frames && is_used(frame)) {
            set_used(frame, false);
            ++s_free;
        }
    }
}

u64 frames_free_count() { return s_free; }
u64 frames_total_count() { return s_total; }

} // namespace baremetal
