#pragma once
// The text side of the Orbital protocol: window paths, flags, fpath strings and commands.
//
//   open  FLAGS/X/Y/W/H/TITLE   a window (the title is the rest and may hold '/'); without
//                               flags also X/Y/W/H/TITLE (what the kernel makes of //X/...)
//   fpath                       FLAGS/X/Y/W/H/TITLE (a caller sees /scheme/orbital/ before
//                               it, and no FLAGS field when there are none: the kernel
//                               drops a leading '/'; flags are letters, so the first
//                               field still tells which it is)
//   write A,0|1                 async reads off / on
//         D[,KIND]              while the left button is held, the server drags the window
//                               (KIND R, B or BR: resizes it; anything else: moves it)
//         F,FLAG,0|1            set or clear one flag letter
//         M,C|G|R,0|1           cursor visible / grab / relative mouse
//         P,X,Y                 move
//         S,W,H                 resize (the client maps the new buffer)
//         T,TITLE               set the title
//         Y,X,Y,W,H[,...]       present these damaged rectangles (window pixels)
// Malformed text, unknown flag letters and commands, and sizes outside 1..Window::MAX_SIDE
// are EINVAL.
#include "../../kernel_core/ktl/result.h"
#include "window.h"

namespace orbital {

using ktl::ErrorOr;
using ktl::StringView;

ErrorOr<u32> parse_flags(StringView letters);
// Writes the flag letters of `flags` (at most 11) into `out`; returns how many.
usize format_flags(u32 flags, char* out);
ErrorOr<WindowSpec> parse_window_path(StringView path);
// fpath of a window: `FLAGS/X/Y/W/H/TITLE`, truncated to `length`; returns the bytes written.
usize format_window_path(const Window& window, char* buffer, usize length);

struct Command {
    char kind { 0 };
    ktl::Vector<StringView> arguments; // the comma-separated parts after the letter
};
// Splits a command; the letter must be a known one (A D F M P S T Y).
ErrorOr<Command> parse_command(StringView text);
// The rectangles of a `Y` command's arguments.
ErrorOr<ktl::Vector<Rect>> parse_damage(const ktl::Vector<StringView>& arguments);
ErrorOr<i32> parse_coordinate(StringView text);

} // namespace orbital
