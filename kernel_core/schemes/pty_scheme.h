#pragma once
// `pty`: pseudo-terminals, for terminal emulators (Orbital's terminal) and anything else
// that runs a shell on something other than the console.
//   open /scheme/pty        a new terminal's master end; fpath gives pty:N
//   open /scheme/pty/N      its slave end, what the shell gets as stdin/stdout/stderr
// Writing the master is typing: the bytes go through the same line discipline as the
// console (line_discipline.h: echo, editing, Ctrl-C to the foreground group, raw mode via
// dup(slave, "raw"), the foreground group via dup(slave, "pgrp")). Reading the master gives
// what programs wrote to the slave, with "\n" sent as "\r\n" as a terminal expects, and
// the echo. When the last master closes, slave reads see end of file and writes EIO; when
// every slave has closed (after one was opened), master reads see end of file.
#include "../handle_table.h"
#include "../line_discipline.h"
#include "../scheme.h"

namespace kernel {

class PtyScheme final : public Scheme {
public:
    static constexpr usize output_capacity = 64 * 1024;

    ~PtyScheme() override;

    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> dup(usize handle, StringView what, const Caller&) override;
    void close(usize handle) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

private:
    struct Pty;
    enum class Kind : u8 { Master, Slave, RawMode, ForegroundGroup };
    struct End {
        Pty* pty;
        Kind kind;
    };
    usize add_end(Pty* pty, Kind kind);
    void notify(Pty& pty, bool master_side, usize flags);

    HandleTable<End> m_ends;
    ktl::Vector<Pty*> m_ptys;
    u32 m_next_number { 0 };
};

} // namespace kernel
