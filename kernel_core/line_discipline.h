#pragma once
// A terminal's input side, shared by the console (`debug`) and pseudo-terminals (`pty`):
// cooked mode echoes and edits the line (Backspace, Ctrl-U, Ctrl-W), turns Ctrl-C into
// SIGINT for the foreground process group and Ctrl-D into end of file, and hands out one
// line per read; raw mode (set through a "raw" handle by one process, ended by itself when
// that process is gone) delivers bytes as typed. A non-interactive terminal (piped input)
// passes lines through untouched and has no modes.
#include "ktl/string.h"
#include "scheme.h"
#include "wait_queue.h"

namespace kernel {

class LineDiscipline {
public:
    // Where echo goes, and whether there is someone typing.
    class Terminal {
    public:
        virtual void echo(StringView text) = 0;
        virtual bool interactive() const = 0;
        // There is input to read now: tell event queues watching the terminal.
        virtual void input_ready() = 0;

    protected:
        ~Terminal() = default;
    };

    explicit LineDiscipline(Terminal& terminal) : m_terminal(terminal) {}

    // Typed input; afterwards call wake_readers() once for the batch.
    void take_input(char c);
    // The input source is gone: reads return end of file from now on.
    void end_input();
    // Wakes blocked readers and event queues when there is input.
    void wake_readers();

    // A read of the terminal: one line in cooked mode; blocks unless O_NONBLOCK.
    ErrorOr<usize> read(void* buffer, usize length, unsigned long flags);
    bool readable();

    // The "raw" handle: reading gives "1\n" or "0\n"; writing "1" / "0" switches.
    ErrorOr<usize> read_mode(void* buffer, usize length);
    ErrorOr<usize> write_mode(StringView text, const Caller& caller);
    // The "pgrp" handle: writing a process group id makes it the foreground group.
    ErrorOr<usize> write_foreground(StringView text);
    u32 foreground_pgid() const { return m_foreground_pgid; }
    void set_foreground_pgid(u32 pgid) { m_foreground_pgid = pgid; }
    bool input_ended() const { return m_input_ended; }
    // Ends raw mode if its owner died (called periodically by the console).
    void check_raw_owner();

private:
    void take_cooked_input(char c);
    bool raw_active();
    void enter_raw(u32 pid, u64 start_ns);
    void leave_raw();
    bool has_input() const { return !m_ready.is_empty() || !m_raw.is_empty() || m_eof_marks || m_input_ended; }

    Terminal& m_terminal;
    ktl::String m_line;  // being edited
    ktl::String m_ready; // complete lines waiting for read()
    ktl::String m_raw;   // raw mode: bytes as typed, not yet read (cooked again if raw ends)
    u32 m_raw_pid { 0 }; // 0: cooked
    u64 m_raw_start_ns { 0 }; // with the pid, tells the owner from a later process reusing it
    usize m_eof_marks { 0 };
    bool m_input_ended { false };
    u8 m_escape { 0 }; // inside an escape sequence (arrow keys): 1 after ESC, 2 after ESC [
    u32 m_foreground_pgid { 0 };
    WaitQueue m_readers;
};

} // namespace kernel
