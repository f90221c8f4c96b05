#include "window_protocol.h"

#include "../../kernel_core/abi/redox/errno.h"
#include "../../kernel_core/ktl/format.h"

namespace orbital {

static constexpr char FLAG_LETTERS[] = "abfhlmMrstu"; // in WindowFlag bit order

static ktl::Error invalid() { return ktl::Error::from_errno(redox::EINVAL); }

ErrorOr<u32> parse_flags(StringView letters)
{
    u32 flags = 0;
    for (char c : letters) {
        StringView known(FLAG_LETTERS);
        isize bit = known.find(c);
        if (bit < 0)
            return invalid();
        flags |= 1u << bit;
    }
    return flags;
}

usize format_flags(u32 flags, char* out)
{
    usize n = 0;
    for (usize bit = 0; FLAG_LETTERS[bit]; ++bit) {
        if (flags & (1u << bit))
            out[n++] = FLAG_LETTERS[bit];
    }
    return n;
}

ErrorOr<i32> parse_coordinate(StringView text)
{
    i64 value = 0;
    if (text.is_empty() || !ktl::parse_i64(text, value) || value < -(i64(1) << 30) || value > (i64(1) << 30))
        return invalid();
    return static_cast<i32>(value);
}

ErrorOr<WindowSpec> parse_window_path(StringView path)
{
    // FLAGS/X/Y/W/H/TITLE: five '/'-separated fields, then the title (possibly empty). The
    // kernel turns /scheme/orbital//X/... into /scheme/orbital/X/..., so a path starting with
    // a number has no FLAGS field (flags are letters).
    StringView fields[5];
    usize start = 0;
    bool no_flags = !path.is_empty() && (path[0] == '-' || (path[0] >= '0' && path[0] <= '9'));
    for (auto& field : fields) {
        if (no_flags && &field == &fields[0])
            continue;
        isize slash = path.find('/', start);
        if (slash < 0)
            return invalid();
        field = path.substring(start, static_cast<usize>(slash) - start);
        start = static_cast<usize>(slash) + 1;
    }
    WindowSpec spec;
    spec.flags = TRY(parse_flags(fields[0]));
    i32 x = TRY(parse_coordinate(fields[1]));
    i32 y = TRY(parse_coordinate(fields[2]));
    i32 w = TRY(parse_coordinate(fields[3]));
    i32 h = TRY(parse_coordinate(fields[4]));
    if (!Window::valid_position(x, y) || !Window::valid_size(w, h))
        return invalid();
    spec.x = x;
    spec.y = y;
    spec.w = w;
    spec.h = h;
    spec.title = path.substring(start);
    return spec;
}

usize format_window_path(const Window& window, char* buffer, usize length)
{
    char flags[16];
    usize flag_count = format_flags(window.flags(), flags);
    Rect r = window.rect();
    ktl::String text(StringView(flags, flag_count));
    char numbers[64];
    usize n = ktl::format_buffer(numbers, sizeof numbers, "/%d/%d/%d/%d/", r.x, r.y, r.w, r.h);
    text.append(StringView(numbers, n));
    text.append(window.title());
    usize count = ktl::min(length, text.length());
    ktl::copy_bytes(buffer, text.c_str(), count);
    return count;
}

ErrorOr<Command> parse_command(StringView text)
{
    while (!text.is_empty() && (text[text.length() - 1] == '\n' || text[text.length() - 1] == 0))
        text = text.substring(0, text.length() - 1);
    if (text.is_empty() || !StringView("ADFMPSTY").contains(text[0]))
        return invalid();
    if (text.length() > 1 && text[1] != ',')
        return invalid();
    Command command;
    command.kind = text[0];
    if (text.length() == 1)
        return command;
    if (command.kind == 'T') {
        command.arguments.append(text.substring(2)); // a title may hold commas
        return command;
    }
    usize start = 2;
    for (;;) {
        isize comma = text.find(',', start);
        usize end = comma < 0 ? text.length() : static_cast<usize>(comma);
        command.arguments.append(text.substring(start, end - start));
        if (comma < 0)
            break;
        start = end + 1;
    }
    return command;
}

ErrorOr<ktl::Vector<Rect>> parse_damage(const ktl::Vector<StringView>& arguments)
{
    if (arguments.is_empty() || arguments.size() % 4)
        return invalid();
    ktl::Vector<Rect> rects;
    for (usize i = 0; i < arguments.size(); i += 4) {
        Rect r;
        r.x = TRY(parse_coordinate(arguments[i]));
        r.y = TRY(parse_coordinate(arguments[i + 1]));
        r.w = TRY(parse_coordinate(arguments[i + 2]));
        r.h = TRY(parse_coordinate(arguments[i + 3]));
        if (r.w < 0 || r.h < 0)
            return invalid();
        rects.append(r);
    }
    return rects;
}

} // namespace orbital
