#include "driver_config.h"

#include "ktl/format.h"
#include "redox/io.h"
#include "redox/sys.h"

namespace drivers {

namespace {

    StringView trim(StringView text)
    {
        while (!text.is_empty() && (text[0] == ' ' || text[0] == '\t' || text[0] == '\r'))
            text = text.substring(1);
        while (!text.is_empty()) {
            char last = text[text.length() - 1];
            if (last != ' ' && last != '\t' && last != '\r')
                break;
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    void report(Vector<String>& problems, usize line, const char* fmt, StringView a, StringView b = {})
    {
        char text[256];
        char prefix[32];
        ktl::format_buffer(prefix, sizeof prefix, "line %zu: ", line);
        ktl::format_buffer(text, sizeof text, fmt, static_cast<int>(a.length()), a.chars(),
            static_cast<int>(b.length()), b.chars());
        String problem(prefix);
        problem.append(text);
        problems.append(static_cast<String&&>(problem));
    }

    // Numbers with a sane upper bound: a day of milliseconds, a million crashes.
    bool parse_bounded(StringView value, u64 minimum, u64 maximum, u64& out)
    {
        u64 parsed = 0;
        if (!ktl::parse_u64(value, parsed) || parsed < minimum || parsed > maximum)
            return false;
        out = parsed;
        return true;
    }

} // namespace

bool is_driver_name(StringView name)
{
    return !name.is_empty() && name.length() <= 64 && !name.contains('/') && !name.starts_with(".")
        && !name.ends_with("~");
}

Vector<String> list_driver_configs(StringView directory)
{
    Vector<String> names;
    long dir = sys::open(directory, redox::O_RDONLY | redox::O_DIRECTORY);
    if (dir < 0) {
        if (dir != -redox::ENOENT)
            io::report_error("driverd", directory, dir);
        return names;
    }
    io::DirReader reader(static_cast<int>(dir));
    io::DirReader::Entry entry;
    while (reader.next(entry) > 0) {
        if (entry.kind == redox::DT_DIR || !is_driver_name(entry.name))
            continue;
        // In name order, so that listings and start order do not depend on the file system.
        usize at = 0;
        while (at < names.size() && names[at].view() < entry.name)
            ++at;
        names.insert(at, String(entry.name));
    }
    sys::close(static_cast<int>(dir));
    return names;
}

bool load_driver_config(StringView directory, StringView name, DriverConfig& out)
{
    String path(directory);
    path.append('/');
    path.append(name);
    long fd = sys::open(path, redox::O_RDONLY);
    if (fd < 0) {
        if (fd != -redox::ENOENT)
            io::report_error("driverd", path, fd);
        return false;
    }
    String text;
    long r = io::read_all(static_cast<int>(fd), text);
    sys::close(static_cast<int>(fd));
    if (r < 0) {
        io::report_error("driverd", path, r);
        return false;
    }
    Vector<String> problems;
    DriverConfig config = parse_driver_config(name, text, problems);
    for (const String& problem : problems)
        io::print(2, "driverd: %s: %s\n", path.c_str(), problem.c_str());
    if (config.command.is_empty()) {
        io::print(2, "driverd: %s: not loaded\n", path.c_str());
        return false;
    }
    out = static_cast<DriverConfig&&>(config);
    return true;
}

Vector<String> split_words(StringView text)
{
    Vector<String> words;
    usize i = 0;
    while (i < text.length()) {
        while (i < text.length() && (text[i] == ' ' || text[i] == '\t'))
            ++i;
        usize start = i;
        while (i < text.length() && text[i] != ' ' && text[i] != '\t')
            ++i;
        if (i > start)
            words.append(text.substring(start, i - start));
    }
    return words;
}

DriverConfig parse_driver_config(StringView name, StringView text, Vector<String>& problems)
{
    constexpr u64 DAY_MS = 86'400'000;
    DriverConfig config;
    config.name = name;
    usize start = 0;
    usize number = 0;
    while (start < text.length()) {
        isize newline = text.find('\n', start);
        usize end = newline < 0 ? text.length() : static_cast<usize>(newline);
        StringView line = trim(text.substring(start, end - start));
        start = end + 1;
        ++number;
        if (line.is_empty() || line[0] == '#')
            continue;
        isize equals = line.find('=');
        if (equals < 0) {
            report(problems, number, "expected key=value, got '%.*s'%.*s", line);
            continue;
        }
        StringView key = trim(line.substring(0, static_cast<usize>(equals)));
        StringView value = trim(line.substring(static_cast<usize>(equals) + 1));
        bool ok = true;
        if (key == "command") {
            config.command = split_words(value);
            ok = !config.command.is_empty();
        } else if (key == "scheme") {
            config.scheme = value;
            ok = !value.contains('/') && !value.contains(' ');
            if (!ok)
                config.scheme.clear();
        } else if (key == "autostart") {
            ok = value == "yes" || value == "no";
            if (ok)
                config.autostart = value == "yes";
        } else if (key == "backoff_ms") {
            ok = parse_bounded(value, 1, DAY_MS, config.backoff_ms);
        } else if (key == "backoff_max_ms") {
            ok = parse_bounded(value, 1, DAY_MS, config.backoff_max_ms);
        } else if (key == "max_crashes") {
            ok = parse_bounded(value, 0, 1'000'000, config.max_crashes);
        } else if (key == "crash_window_s") {
            ok = parse_bounded(value, 1, 86'400, config.crash_window_s);
        } else if (key == "watchdog_ms") {
            ok = parse_bounded(value, 0, DAY_MS, config.watchdog_ms);
        } else {
            report(problems, number, "unknown key '%.*s'%.*s", key);
            continue;
        }
        if (!ok)
            report(problems, number, "bad value for %.*s: '%.*s'", key, value);
    }
    if (config.backoff_max_ms < config.backoff_ms) {
        report(problems, number, "backoff_max_ms is below backoff_ms; using %.*s%.*s", "backoff_ms");
        config.backoff_max_ms = config.backoff_ms;
    }
    if (config.command.is_empty())
        problems.append("no command= line");
    return config;
}

} // namespace drivers
