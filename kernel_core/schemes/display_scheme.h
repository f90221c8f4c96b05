#pragma once
// `display`: the screen of the HAL (hal/display.h) for the display server, root only.
// Registered only when the platform has a screen.
//   open /scheme/display      a handle on the screen
//   fpath                     display:W/H
//   fmap(0, W*H*4)            the framebuffer (0x00RRGGBB, stride W), shared
//   write(DisplayRect[n])     present those rectangles (clipped; empty ones skipped)
//   fsync                     present the whole screen
#include "../handle_table.h"
#include "../scheme.h"

namespace kernel {

class DisplayScheme final : public Scheme {
public:
    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&) override;
    ErrorOr<u64> fsize(usize handle) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<void> fsync(usize handle) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;
    ErrorOr<usize> fmap(usize handle, u64 offset, usize size, u64 flags, const Caller&) override;

private:
    struct Open {
        unsigned long flags;
    };
    HandleTable<Open> m_handles;
};

} // namespace kernel
