#pragma once
// A driver's configuration, /etc/drivers/NAME: one `key=value` per line, `#` comments.
//
//   command=ata-driver ARGS...   the program (/bin/PROGRAM, or a path) and its arguments
//   scheme=disk.ata              the scheme it serves (the watchdog probes it; optional)
//   autostart=yes|no             started when driverd starts (default yes)
//   backoff_ms=100               first delay before restarting after a crash; it doubles
//   backoff_max_ms=30000         ... up to this
//   max_crashes=5                more crashes than this within crash_window_s: failed
//   crash_window_s=60
//   watchdog_ms=5000             a scheme probe unanswered this long kills the driver; with a
//                                scheme, the driver counts as running once it answers
//                                (0 = no watchdog: running as soon as it is started)
//
// Unknown keys and bad values are reported and skipped (the default stays): a typo must
// not keep a disk driver from starting.
#include "ktl/string.h"
#include "ktl/vector.h"

namespace drivers {

using ktl::String;
using ktl::StringView;
using ktl::Vector;

struct DriverConfig {
    String name;
    Vector<String> command;
    String scheme;
    bool autostart { true };
    u64 backoff_ms { 100 };
    u64 backoff_max_ms { 30'000 };
    u64 max_crashes { 5 };
    u64 crash_window_s { 60 };
    u64 watchdog_ms { 5'000 };
};

// Parses a configuration file's text. Each problem is appended to `problems` as
// "line N: what" and parsing goes on. The result has no command when none was given.
DriverConfig parse_driver_config(StringView name, StringView text, Vector<String>& problems);

// Reads DIRECTORY/NAME and parses it, reporting problems on stderr ("driverd: PATH: line
// N: ..."). False when the file can not be read or has no command.
bool load_driver_config(StringView directory, StringView name, DriverConfig& out);

// The configuration files in DIRECTORY, in name order (none when it does not exist).
Vector<String> list_driver_configs(StringView directory);

// Whether NAME can be a driver's name (a file name in the configuration directory).
bool is_driver_name(StringView name);

// Splits at spaces and tabs.
Vector<String> split_words(StringView text);

} // namespace drivers
