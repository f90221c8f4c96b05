#pragma once
// `debug`: the console. Output goes to the HAL console; input passes through a line
// discipline: in interactive mode it echoes, edits the line (Backspace, Ctrl-U, Ctrl-W),
// turns Ctrl-C into SIGINT for the foreground process group and Ctrl-D into end of file.
// dup(fd, "pgrp") gives a handle whose writes set the foreground process group.
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
    enum Handle : usize { Output = 0, ErrorOutput = 1, ForegroundGroup = 2 };
    void take_input(char c);
    void echo(StringView text);

    ktl::String m_line;  // being edited
    ktl::String m_ready; // complete lines waiting for read()
    usize m_eof_marks { 0 };
    bool m_input_ended { false };
    u8 m_escape { 0 }; // inside an escape sequence (arrow keys): 1 after ESC, 2 after ESC [
    u32 m_foreground_pgid { 0 };
    WaitQueue m_readers;
};

} // namespace kernel
