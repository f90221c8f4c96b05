#pragma once
// The terminal emulator's model: a grid of cells and the VT100/ANSI subset the shell and
// the coreutils use. Platform-free and free of drawing, so it is unit-tested on its own
// (tests/unit/test_orbital_terminal.cpp); terminal.cpp draws it.
//
// Understood: printable text (UTF-8 shown as '?'), CR, LF, BS, TAB, BEL (ignored);
// ESC 7 / ESC 8 (save / restore the cursor); CSI n A/B/C/D (cursor moves), CSI r;c H and f,
// CSI n G (column), CSI K / 1K / 2K, CSI J / 1J / 2J, CSI m with 0 1 7 22 27 30-37 39 40-47
// 49 90-97 100-107, CSI 6n (answered with CSI row;col R through reply()). Other sequences are
// consumed and ignored. The grid scrolls up when text goes past the last row.
#include "../../kernel_core/ktl/string.h"
#include "../../kernel_core/ktl/vector.h"

namespace terminal {

struct Cell {
    char c { ' ' };
    u8 fg { 7 }; // palette index 0-15
    u8 bg { 0 };
    bool operator==(const Cell&) const = default;
};

class Screen {
public:
    Screen(usize columns, usize rows);

    usize columns() const { return m_columns; }
    usize rows() const { return m_rows; }
    usize cursor_x() const { return m_x; }
    usize cursor_y() const { return m_y; }
    const Cell& at(usize x, usize y) const { return m_cells[y * m_columns + x]; }
    // The text of one row without trailing blanks (for tests and copying).
    ktl::String row_text(usize y) const;

    void feed(const char* bytes, usize length);
    void feed(ktl::StringView text) { feed(text.chars(), text.length()); }
    // Keeps the text that fits; the cursor stays inside.
    void resize(usize columns, usize rows);

    // Rows changed since the last take_dirty (a flag per row).
    bool row_dirty(usize y) const { return m_dirty[y]; }
    void clear_dirty();
    // What the terminal must send back to the program (answers to CSI 6n).
    ktl::String take_reply();

private:
    enum class State { Text, Escape, Csi };

    void put(char c);
    void newline();
    void scroll_up();
    void csi(char final);
    void sgr();
    void erase(usize from_x, usize from_y, usize to_x, usize to_y); // inclusive start, exclusive end (row-major)
    void mark(usize y) { m_dirty[y] = true; }
    void mark_all();
    usize parameter(usize index, usize fallback) const;

    usize m_columns;
    usize m_rows;
    ktl::Vector<Cell> m_cells;
    ktl::Vector<bool> m_dirty;
    usize m_x { 0 };
    usize m_y { 0 };
    usize m_saved_x { 0 };
    usize m_saved_y { 0 };
    bool m_wrap_pending { false }; // the last column was written: wrap before the next character
    Cell m_pen;
    bool m_bold { false };
    bool m_inverse { false };
    State m_state { State::Text };
    ktl::String m_parameters;
    ktl::String m_reply;
};

} // namespace terminal
