#pragma once
// `debug`: the console. Output goes to the HAL console; input passes through a line
// discipline: in interactive mode it echoes, edits the line (Backspace, Ctrl-U, Ctrl-W),
// turns Ctrl-C into SIGINT for the foreground process group and Ctrl-D into end of file.
// dup(fd, "pgrp") gives a handle whose writes set the foreground process group.
// dup(fd, "raw") gives a handle to switch raw mode: writing "1" turns echo, editing and
// signal keys off and delivers bytes as typed (a read returns what is there); writing "0"
// goes back to cooked. Reading it gives "1\n" or "0\n". Raw mode belongs to the process that
// set it and ends by itself when that process is gone (a crashed shell cannot leave the
// console raw). It only exists on an interactive console; elsewhere writes change nothing.
#include "../ktl/string.h"
#include "../scheme.h"
#include "../wait_queue.h"

namespace kernel {

class DebugScheme final : public Scheme {
public:
    ErrorOr<usize> open(StringView path, unsigned long flags, const Caller&) override;
    ErrorOr<usize> read(usize handle, void* buffer, usize length, u64, unsigned long flags, const Caller&) override;
    ErrorOr<usize> write(usize handle, const void* buffer, usize length, u64, unsigned long, const Caller&) override;
    ErrorOr<usize> dup(usize handle, StringView what, const Caller&) override;
    ErrorOr<usize> fpath(usize handle, char* buffer, usize length) override;
    ErrorOr<void> fstat(usize handle, redox::Stat&) override;
    ErrorOr<usize> fevent(usize handle, usize flags) override;

    // Called by the scheduler: takes pending console input from the HAL.
    void poll_input();
    bool input_ended() const { return m_input_ended; }
    u32 foreground_pgid() const { return m_foreground_pgid; }
    void set_foreground_pgid(u32 pgid) { m_foreground_pgid = pgid; }

private:
    enum Handle : usize { Output = 0, ErrorOutput = 1, ForegroundGroup = 2, RawMode = 3 };
    void take_input(char c);
    void take_cooked_input(char c);
    void echo(StringView text);
    // True while raw mode is on and its owner lives; ends stale raw mode on the way.
    bool raw_active();
    void enter_raw(u32 pid, u64 start_ns);
    void leave_raw();
    bool has_input() const { return !m_ready.is_empty() || !m_raw.is_empty() || m_eof_marks || m_input_ended; }

    ktl::String m_line; // being edited
    ktl::String m_ready; // complete lines waiting for read()
    ktl::String m_raw; // raw mode: bytes as typed, not yet read (cooked again if raw ends)
    u32 m_raw_pid { 0 }; // 0: cooked
    u64 m_raw_start_ns { 0 }; // with the pid, tells the owner from a later process reusing it
    usize m_eof_marks { 0 };
    bool m_input_ended { false };
    u8 m_escape { 0 }; // inside an escape sequence (arrow keys): 1 after ESC, 2 after ESC [
    u32 m_foreground_pgid { 0 };
    WaitQueue m_readers;
};

} // namespace kernel
