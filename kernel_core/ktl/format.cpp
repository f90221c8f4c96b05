#include "format.h"

#include "string_view.h"

namespace ktl {

namespace {

    struct Sink {
        char* buffer;
        usize size;
        usize written { 0 };
        void put(char c)
        {
            if (written + 1 < size)
                buffer[written] = c;
            ++written;
        }
    };

    void put_padded(Sink& sink, const char* text, usize length, int width, bool left, char pad)
    {
        int padding = width > static_cast<int>(length) ? width - static_cast<int>(length) : 0;
        if (!left)
            while (padding-- > 0)
                sink.put(pad);
        for (usize i = 0; i < length; ++i)
            sink.put(text[i]);
        if (left)
            while (padding-- > 0)
                sink.put(' ');
    }

    void put_number(Sink& sink, u64 value, bool negative, unsigned base, bool upper, int width, bool left, char pad)
    {
        char digits[24];
        usize n = 0;
        const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        do {
            digits[n++] = set[value % base];
            value /= base;
        } while (value);
        char text[26];
        usize length = 0;
        if (negative && pad == '0') {
            sink.put('-');
            if (width > 0)
                --width;
        } else if (negative) {
            text[length++] = '-';
        }
        while (n)
            text[length++] = digits[--n];
        put_padded(sink, text, length, width, left, pad);
    }

} // namespace

usize vformat_buffer(char* buffer, usize size, const char* fmt, va_list args)
{
    Sink sink { buffer, size };
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            sink.put(*p);
            continue;
        }
        ++p;
        bool left = false;
        bool alternate = false;
        char pad = ' ';
        for (;; ++p) {
            if (*p == '-')
                left = true;
            else if (*p == '#')
                alternate = true;
            else if (*p == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        int precision = -1;
        if (*p == '.') {
            ++p;
            if (*p == '*') {
                precision = va_arg(args, int);
                ++p;
            } else {
                precision = 0;
                while (*p >= '0' && *p <= '9')
                    precision = precision * 10 + (*p++ - '0');
            }
        }
        int longness = 0;
        while (*p == 'l' || *p == 'z') {
            longness = *p == 'z' ? 2 : longness + 1;
            ++p;
        }
        switch (*p) {
        case 'd':
        case 'i': {
            i64 v = longness ? va_arg(args, i64) : va_arg(args, int);
            put_number(
                sink, v < 0 ? static_cast<u64>(-(v + 1)) + 1 : static_cast<u64>(v), v < 0, 10, false, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            u64 v = longness ? va_arg(args, u64) : va_arg(args, unsigned);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            if (alternate && base == 16) {
                sink.put('0');
                sink.put(*p == 'X' ? 'X' : 'x');
                width = width > 2 ? width - 2 : 0;
            }
            put_number(sink, v, false, base, *p == 'X', width, left, pad);
            break;
        }
        case 'p': {
            sink.put('0');
            sink.put('x');
            put_number(sink, reinterpret_cast<u64>(va_arg(args, void*)), false, 16, false, width, left, pad);
            break;
        }
        case 'c': {
            char c = static_cast<char>(va_arg(args, int));
            put_padded(sink, &c, 1, width, left, ' ');
            break;
        }
        case 's': {
            const char* s = va_arg(args, const char*);
            if (!s)
                s = "(null)";
            usize length = 0;
            while ((precision < 0 || length < static_cast<usize>(precision)) && s[length])
                ++length;
            put_padded(sink, s, length, width, left, ' ');
            break;
        }
        case '%':
            sink.put('%');
            break;
        case 0:
            --p;
            break;
        default:
            sink.put('%');
            sink.put(*p);
        }
    }
    if (size)
        buffer[sink.written < size ? sink.written : size - 1] = 0;
    return sink.written;
}

usize format_buffer(char* buffer, usize size, const char* fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    usize n = vformat_buffer(buffer, size, fmt, args);
    va_end(args);
    return n;
}

bool parse_u64(StringView text, u64& out)
{
    if (text.is_empty() || text.length() > 20)
        return false;
    u64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        u64 next = value * 10 + static_cast<u64>(c - '0');
        if (next / 10 != value)
            return false;
        value = next;
    }
    out = value;
    return true;
}

bool parse_i64(StringView text, i64& out)
{
    bool negative = !text.is_empty() && text[0] == '-';
    u64 magnitude;
    if (!parse_u64(negative ? text.substring(1) : text, magnitude))
        return false;
    if (magnitude > (negative ? 0x8000000000000000ull : 0x7fffffffffffffffull))
        return false;
    out = negative ? static_cast<i64>(0 - magnitude) : static_cast<i64>(magnitude);
    return true;
}

} // namespace ktl
