#pragma once
// `debug`: the console. Output goes to the HAL console; input passes through the line
// discipline (line_discipline.h: echo, line editing, Ctrl-C / Ctrl-D, raw mode).
// dup(fd, "pgrp") gives a handle whose writes set the foreground process group.
// dup(fd, "raw") gives a handle to switch raw mode: writing "1" turns echo, editing and
// signal keys off and delivers bytes as typed (a read returns what is there); writing "0"
// goes back to cooked. Reading it gives "1\n" or "0\n". Raw mode belongs to the process that
// set it and ends by itself when that process is gone (a crashed shell cannot leave the
// console raw). It only exists on an interactive console; elsewhere writes change nothing.
#include "../line_discipline.h"
#include "../scheme.h"

namespace kernel {

class DebugScheme final : public Scheme, private LineDiscipline::Terminal {
public:
    DebugScheme() : m_discipline(*this) {}

    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&) override;
    ErrorOr<usize> dup(usize handle, StringView what, const Caller&) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

    // Called by the scheduler: takes pending console input from the HAL.
    void poll_input();
    bool input_ended() const { return m_discipline.input_ended(); }
    u32 foreground_pgid() const { return m_discipline.foreground_pgid(); }
    void set_foreground_pgid(u32 pgid) { m_discipline.set_foreground_pgid(pgid); }

private:
    enum Handle : usize { Output = 0, ErrorOutput = 1, ForegroundGroup = 2, RawMode = 3 };
    void echo(StringView text) override;
    bool interactive() const override;
    void input_ready() override;

    LineDiscipline m_discipline;
};

} // namespace kernel
