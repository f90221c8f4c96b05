#pragma once
// Line editing for the interactive shell, as bash users expect: while a command line is
// typed the console is in raw mode (dup(0, "raw")) and the shell does the editing itself:
// cursor moves (Left/Right, Home/End, Ctrl-A/Ctrl-E, Alt-B/Alt-F), Backspace, Delete,
// Ctrl-U/Ctrl-K/Ctrl-W, Ctrl-L, Up/Down through the history, Ctrl-C, Ctrl-D.
//
// LineEditor is the editing state of one line, fed a byte at a time; it appends what the
// terminal must show (plain ANSI: \r, ESC [K, cursor moves) to an output string and does no
// I/O, so it is unit-tested on the host. read_edited_line drives it on an fd.
//
// A line longer than the terminal is wide wraps; to redraw it the editor must know the width.
// There is no ioctl: the editor asks the terminal (ESC [ 6n after moving to the far right)
// and takes the answer (ESC [ row ; column R) from its input when it comes. Until then (and
// on a pseudo-terminal nobody answers) it redraws as if the line never wraps.
#include "lexer.h"

namespace shell {

// Previous command lines, oldest first: at most `capacity`, never the same line twice in a row.
class History {
public:
    static constexpr usize capacity = 500;
    // Ignores blank lines and a repeat of the newest entry.
    void add(StringView line);
    usize size() const { return m_lines.size(); }
    String const& operator[](usize index) const { return m_lines[index]; }

private:
    Vector<String> m_lines;
};

class LineEditor {
public:
    enum class Status : u8 {
        Editing,
        Done, // Enter: line() is the command line
        Interrupted, // Ctrl-C: the line is discarded
        EndOfInput, // Ctrl-D on an empty line
    };

    // columns: the terminal's width when known (0 if not).
    LineEditor(StringView prompt, History const& history, usize columns = 0);
    LineEditor(LineEditor const&) = delete;
    LineEditor& operator=(LineEditor const&) = delete;

    // The prompt, to show first; with ask_size, the question for the terminal's width.
    void start(String& output, bool ask_size);
    // Takes one input byte; appends screen updates to output.
    Status feed(char c, String& output);
    StringView line() const { return m_line.view(); }
    usize cursor() const { return m_cursor; }
    usize columns() const { return m_columns; }

private:
    enum class Escape : u8 { None, Started, Csi, Ss3 };

    Status take_key(char c, String& output);
    void take_sequence(char final, String& output);
    void insert(char c, String& output);
    void erase(usize from, usize to, String& output); // bytes [from, to)
    void set_line(StringView text, String& output);
    void move_to(usize position, String& output);
    void refresh(String& output);
    void history_up(String& output);
    void history_down(String& output);
    usize previous_char(usize position) const;
    usize next_char(usize position) const;
    usize previous_word(usize position) const;
    usize next_word(usize position) const;

    String m_prompt;
    History const& m_history;
    String m_line;
    usize m_cursor { 0 }; // byte offset in m_line (at the start of a UTF-8 character)
    usize m_history_index; // m_history.size(): the line being typed
    String m_draft; // the line being typed, while walking the history
    usize m_columns { 0 }; // terminal width, 0: unknown
    usize m_cursor_row { 0 }; // screen row of the cursor, counted from the prompt's row
    bool m_asked_size { false };
    Escape m_escape { Escape::None };
    String m_parameters; // of a CSI sequence
};

// Reads one line from in_fd (the console, already in raw mode), drawing on out_fd.
// Returns Done with the line, Interrupted, EndOfInput, or Editing with error = -errno when
// the read failed. columns: the terminal width known so far (0: not known), updated.
LineEditor::Status read_edited_line(
    int in_fd, int out_fd, StringView prompt, History const&, usize& columns, String& line, long& error);

} // namespace shell
