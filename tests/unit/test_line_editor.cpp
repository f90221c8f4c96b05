// Unit tests for the interactive shell's line editor (apps/shell/line_editor): keys in,
// line and screen updates out, no console involved.
#include "../../apps/shell/line_editor.h"
#include "../../kernel_core/ktl/format.h"

#include <doctest/doctest.h>

using namespace shell;

namespace {

struct Typed {
    LineEditor::Status status { LineEditor::Status::Editing };
    String screen;
};

Typed type(LineEditor& editor, StringView keys)
{
    Typed typed;
    for (usize i = 0; i < keys.length() && typed.status == LineEditor::Status::Editing; ++i)
        typed.status = editor.feed(keys[i], typed.screen);
    return typed;
}

String edit(StringView keys, History const& history = {})
{
    LineEditor editor("$ ", history);
    Typed typed = type(editor, keys);
    CHECK(typed.status == LineEditor::Status::Done);
    return String(editor.line());
}

} // namespace

TEST_CASE("line editor: typing at the end echoes the characters")
{
    History history;
    LineEditor editor("$ ", history);
    Typed typed = type(editor, "ls -l");
    CHECK(typed.status == LineEditor::Status::Editing);
    CHECK(typed.screen == "ls -l");
    typed = type(editor, "\r");
    CHECK(typed.status == LineEditor::Status::Done);
    CHECK(typed.screen == "\n");
    CHECK(editor.line() == "ls -l");
}

TEST_CASE("line editor: cursor moves and inserts in the middle")
{
    CHECK(edit("ech\x1b[D\x1b[Do\r") == "eoch");
    CHECK(edit("world\x01hello \r") == "hello world"); // Ctrl-A
    CHECK(edit("bc\x1b[Ha\x05"
               "d\r")
        == "abcd"); // Home, Ctrl-E
    CHECK(edit("bc\x1b[1~a\x1b[4~d\r") == "abcd"); // ESC [ 1 ~, ESC [ 4 ~
    CHECK(edit("bc\x1bOHa\x1bOFd\r") == "abcd"); // SS3 Home/End
    CHECK(edit("ac\x1b[Db\x1b[C\x1b[Cd\r") == "abcd"); // Right stops at the end
    CHECK(edit("x\x1b[D\x1b[D\x1b[Dy\r") == "yx"); // Left stops at the start
    CHECK(edit("one two\x1b"
               "b\x1b"
               "bX\x1b"
               "fY\r")
        == "XoneY two"); // Alt-B, Alt-F
}

TEST_CASE("line editor: the redraw puts the cursor back")
{
    History history;
    LineEditor editor("$ ", history);
    type(editor, "abc");
    Typed typed = type(editor, "\x1b[D");
    CHECK(typed.screen == "\r$ abc\x1b[K\x1b[1D");
    typed = type(editor, "X");
    CHECK(typed.screen == "\r$ abXc\x1b[K\x1b[1D");
    CHECK(editor.cursor() == 3);
}

TEST_CASE("line editor: deleting")
{
    CHECK(edit("abX\x7f"
               "c\r")
        == "abc"); // Backspace
    CHECK(edit("aXbc\x01\x1b[C\x1b[3~\r") == "abc"); // Delete
    CHECK(edit("aXbc\x01\x1b[C\x04\r") == "abc"); // Ctrl-D on a non-empty line
    CHECK(edit("junk here\x15ok\r") == "ok"); // Ctrl-U
    CHECK(edit("keep tail\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r") == "keep"); // Ctrl-K
    CHECK(edit("echo one two  \x17three\r") == "echo one three"); // Ctrl-W
    CHECK(edit("\x7f\x1b[3~x\r") == "x"); // nothing to delete
}

TEST_CASE("line editor: UTF-8 characters move as one")
{
    CHECK(edit("h\xc3\xa9llo\x1b[D\x1b[D\x1b[D\x7f"
               "e\r")
        == "hello");
    CHECK(edit("\xc3\xa9\x1b[Dx\r") == "x\xc3\xa9");
}

TEST_CASE("line editor: Ctrl-C, Ctrl-D, Ctrl-L")
{
    History history;
    {
        LineEditor editor("$ ", history);
        Typed typed = type(editor, "abc\x03");
        CHECK(typed.status == LineEditor::Status::Interrupted);
        CHECK(typed.screen == "abc^C\n");
    }
    {
        LineEditor editor("$ ", history);
        CHECK(type(editor, "\x04").status == LineEditor::Status::EndOfInput);
    }
    {
        LineEditor editor("$ ", history);
        Typed typed = type(editor, "ls\x0c");
        CHECK(typed.screen == "ls\x1b[H\x1b[2J\r$ ls\x1b[K");
    }
    CHECK(edit("a\tb\x07\r") == "ab"); // other control keys do nothing
}

TEST_CASE("line editor: Up and Down walk the history and keep the draft")
{
    History history;
    history.add("first");
    history.add("second");
    CHECK(edit("\x1b[A\r", history) == "second");
    CHECK(edit("\x1b[A\x1b[A\r", history) == "first");
    CHECK(edit("\x1b[A\x1b[A\x1b[A\x1b[B\r", history) == "second");
    CHECK(edit("draft\x1b[A\x1b[A\x1b[B\x1b[B\r", history) == "draft");
    CHECK(edit("\x10\x10\x0e\r", history) == "second"); // Ctrl-P, Ctrl-N
    CHECK(edit("\x1b[A X\r", history) == "second X");
    CHECK(edit("\x1b[B\r", history) == "");
}

TEST_CASE("history: no blanks, no repeats, at most 500 lines")
{
    History history;
    history.add("ls");
    history.add("ls");
    history.add("  ");
    history.add("");
    history.add("pwd");
    history.add("ls");
    REQUIRE(history.size() == 3);
    CHECK(history[0] == "ls");
    CHECK(history[1] == "pwd");
    CHECK(history[2] == "ls");
    for (int i = 0; i < 600; ++i) {
        char text[16];
        ktl::format_buffer(text, sizeof text, "cmd %d", i);
        history.add(text);
    }
    CHECK(history.size() == History::capacity);
    CHECK(history[0] == "cmd 100");
    CHECK(history[History::capacity - 1] == "cmd 599");
}

TEST_CASE("line editor: asks the terminal's width and redraws wrapped lines")
{
    History history;
    LineEditor editor("$ ", history);
    String screen;
    editor.start(screen, true);
    CHECK(screen
        == "$ \x1b"
           "7\x1b[999C\x1b[6n\x1b"
           "8");
    Typed typed = type(editor, "\x1b[24;10R"); // the answer: 10 columns
    CHECK(typed.screen == "");
    CHECK(editor.columns() == 10);
    typed = type(editor, "abcdefgh"); // "$ abcdefgh" fills the row: wrap now
    CHECK(typed.screen == "abcdefgh\r\n");
    typed = type(editor, "ij");
    CHECK(typed.screen == "ij");
    // Home: up one row to the prompt, redraw, clear below, back up to the cursor's row.
    typed = type(editor, "\x1b[H");
    CHECK(typed.screen == "\x1b[1A\r$ abcdefghij\x1b[J\x1b[1A\r\x1b[2C");
    typed = type(editor, "\x1b[F");
    CHECK(typed.screen == "\r$ abcdefghij\x1b[J\r\x1b[2C");
    typed = type(editor, "\r");
    CHECK(typed.status == LineEditor::Status::Done);
    CHECK(typed.screen == "\n");
    CHECK(editor.line() == "abcdefghij");
}

TEST_CASE("line editor: a stray cursor report does not change the width")
{
    History history;
    LineEditor editor("$ ", history, 80);
    type(editor, "\x1b[1;5R"); // Ctrl-F3 on some terminals
    CHECK(editor.columns() == 80);
}
