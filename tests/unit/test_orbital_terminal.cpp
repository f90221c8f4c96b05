// The terminal app's model (apps/orbital/terminal_screen.h): the VT100/ANSI subset the
// shell's line editor and the coreutils use.
#include <doctest/doctest.h>

#include "../../apps/orbital/terminal_screen.h"

#include <string>

using terminal::Screen;

static std::string row(const Screen& s, usize y) { return std::string(s.row_text(y).c_str()); }

TEST_CASE("orbital terminal: text, CR, LF, BS, TAB and wrapping")
{
    Screen s(10, 3);
    s.feed("ab\tc\r\nxy\bz");
    CHECK(row(s, 0) == "ab      c");
    CHECK(row(s, 1) == "xz");
    CHECK(s.cursor_x() == 2);
    s.feed("\r\n0123456789AB");
    CHECK(row(s, 2) == "AB"); // wrapped and scrolled
    CHECK(row(s, 1) == "0123456789");
    CHECK(row(s, 0) == "xz");
}

TEST_CASE("orbital terminal: cursor movement and erasing")
{
    Screen s(10, 4);
    s.feed("hello\x1b[3D");
    CHECK(s.cursor_x() == 2);
    s.feed("\x1b[K");
    CHECK(row(s, 0) == "he");
    s.feed("\x1b[3;4Hx");
    CHECK(row(s, 2) == "   x");
    s.feed("\x1b[2A\x1b[1BY");
    CHECK(row(s, 1) == "    Y");
    s.feed("\x1b[H\x1b[2J");
    for (usize y = 0; y < 4; ++y)
        CHECK(row(s, y).empty());
    CHECK(s.cursor_x() == 0);
    CHECK(s.cursor_y() == 0);
    // Moves stop at the edges.
    s.feed("\x1b[99C\x1b[99B");
    CHECK(s.cursor_x() == 9);
    CHECK(s.cursor_y() == 3);
}

TEST_CASE("orbital terminal: colors, the size question, and the cursor save/restore")
{
    Screen s(20, 2);
    s.feed("\x1b[31;44mR\x1b[0mN\x1b[1;32mB");
    CHECK(s.at(0, 0).fg == 1);
    CHECK(s.at(0, 0).bg == 4);
    CHECK(s.at(1, 0).fg == 7);
    CHECK(s.at(1, 0).bg == 0);
    CHECK(s.at(2, 0).fg == 10); // bold green is bright green
    // The shell's line editor asks for the width like this.
    s.feed("\x1b"
           "7\x1b[999C\x1b[6n\x1b"
           "8");
    CHECK(std::string(s.take_reply().c_str()) == "\x1b[1;20R");
    CHECK(s.cursor_x() == 3);
    CHECK(s.take_reply().is_empty());
    // Unknown sequences are swallowed, not shown.
    s.feed("\x1b[?25l\x1b[5q!");
    CHECK(row(s, 0) == "RNB!");
}

TEST_CASE("orbital terminal: resizing keeps the text that fits and the prompt in view")
{
    Screen s(10, 4);
    s.feed("a\r\nb\r\nc\r\nprompt");
    s.resize(4, 2);
    CHECK(row(s, 0) == "c");
    CHECK(row(s, 1) == "prom");
    CHECK(s.cursor_y() == 1);
    CHECK(s.cursor_x() == 3);
    s.resize(0, 0); // a window too small for one cell still has one
    CHECK(s.columns() == 1);
    CHECK(s.rows() == 1);
}
