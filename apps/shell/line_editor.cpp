#include "line_editor.h"

#include <redox/io.h>

namespace shell {

namespace {

    constexpr char ctrl(char letter) { return static_cast<char>(letter & 0x1f); }

    bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

    // Terminal columns taken by UTF-8 text (one per character; wide characters are not known).
    usize text_columns(StringView text)
    {
        usize count = 0;
        for (usize i = 0; i < text.length(); ++i)
            if (!is_continuation(text[i]))
                ++count;
        return count;
    }

    // False while the last UTF-8 character still waits for bytes.
    bool ends_complete(StringView text)
    {
        usize start = text.length();
        while (start > 0 && is_continuation(text[start - 1]))
            --start;
        if (start == 0)
            return true;
        unsigned char lead = static_cast<unsigned char>(text[start - 1]);
        usize expected = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
        return text.length() - start >= expected;
    }

    bool is_blank(char c) { return c == ' ' || c == '\t'; }

} // namespace

void History::add(StringView line)
{
    bool blank = true;
    for (usize i = 0; i < line.length() && blank; ++i)
        blank = is_blank(line[i]);
    if (blank || (!m_lines.is_empty() && m_lines.last() == line))
        return;
    if (m_lines.size() >= capacity)
        m_lines.remove(0);
    m_lines.append(String(line));
}

LineEditor::LineEditor(StringView prompt, History const& history, usize columns)
    : m_prompt(prompt),
      m_history(history),
      m_history_index(history.size()),
      m_columns(columns),
      m_cursor_row(columns ? text_columns(prompt) / columns : 0)
{
}

void LineEditor::start(String& output, bool ask_size)
{
    output.append(m_prompt);
    if (ask_size) {
        // Save the cursor, go to the far right, ask where the cursor is, restore it: the
        // answer's column is the width (asked at each prompt: the window may have changed).
        output.append(""
                      "7[999C[6n"
                      "8");
        m_asked_size = true;
    }
}

LineEditor::Status LineEditor::feed(char c, String& output)
{
    switch (m_escape) {
    case Escape::None:
        return take_key(c, output);
    case Escape::Started:
        if (c == '[') {
            m_escape = Escape::Csi;
            m_parameters.clear();
        } else if (c == 'O') {
            m_escape = Escape::Ss3;
        } else if (c == 27) {
            // ESC ESC: still the start of a sequence
        } else {
            m_escape = Escape::None;
            if (c == 'b' || c == 'B') // Alt-B: a word left
                move_to(previous_word(m_cursor), output);
            else if (c == 'f' || c == 'F') // Alt-F: a word right
                move_to(next_word(m_cursor), output);
            else if (c == 'd' || c == 'D') // Alt-D: delete the next word
                erase(m_cursor, next_word(m_cursor), output);
            else if (c == 127 || c == 8) // Alt-Backspace: delete the previous word
                erase(previous_word(m_cursor), m_cursor, output);
        }
        return Status::Editing;
    case Escape::Csi: {
        unsigned char byte = static_cast<unsigned char>(c);
        if (byte >= 0x30 && byte <= 0x3f) {
            m_parameters.append(c);
        } else if (byte >= 0x40 && byte <= 0x7e) {
            m_escape = Escape::None;
            take_sequence(c, output);
        } else if (byte < 0x20 || byte > 0x7e) {
            m_escape = Escape::None; // not a sequence after all: drop it
        }
        return Status::Editing;
    }
    case Escape::Ss3:
        m_escape = Escape::None;
        m_parameters.clear();
        take_sequence(c, output);
        return Status::Editing;
    }
    return Status::Editing;
}

LineEditor::Status LineEditor::take_key(char c, String& output)
{
    switch (c) {
    case '\r':
    case '\n': {
        move_to(m_line.length(), output);
        usize end = text_columns(m_prompt) + text_columns(m_line);
        if (!m_columns || end % m_columns != 0) // else the redraw went to a new row already
            output.append("\n");
        return Status::Done;
    }
    case ctrl('C'):
        move_to(m_line.length(), output);
        output.append("^C\n");
        return Status::Interrupted;
    case ctrl('D'):
        if (m_line.is_empty())
            return Status::EndOfInput; // the shell says "exit" on this line
        erase(m_cursor, next_char(m_cursor), output);
        return Status::Editing;
    case ctrl('A'):
        move_to(0, output);
        return Status::Editing;
    case ctrl('E'):
        move_to(m_line.length(), output);
        return Status::Editing;
    case ctrl('B'):
        move_to(previous_char(m_cursor), output);
        return Status::Editing;
    case ctrl('F'):
        move_to(next_char(m_cursor), output);
        return Status::Editing;
    case ctrl('H'):
    case 127: { // Backspace
        usize end = text_columns(m_prompt) + text_columns(m_line);
        if (m_cursor == m_line.length() && m_cursor > 0 && (!m_columns || end % m_columns != 0)) {
            // At the end of the line (and not at the start of a row): just rub it out.
            m_line.truncate(previous_char(m_cursor));
            m_cursor = m_line.length();
            output.append("\b \b");
            return Status::Editing;
        }
        erase(previous_char(m_cursor), m_cursor, output);
        return Status::Editing;
    }
    case ctrl('U'):
        erase(0, m_cursor, output);
        return Status::Editing;
    case ctrl('K'):
        erase(m_cursor, m_line.length(), output);
        return Status::Editing;
    case ctrl('W'): {
        usize from = m_cursor;
        while (from > 0 && is_blank(m_line[from - 1]))
            --from;
        while (from > 0 && !is_blank(m_line[from - 1]))
            --from;
        erase(from, m_cursor, output);
        return Status::Editing;
    }
    case ctrl('L'):
        output.append("\x1b[H\x1b[2J");
        m_cursor_row = 0;
        refresh(output);
        return Status::Editing;
    case ctrl('P'):
        history_up(output);
        return Status::Editing;
    case ctrl('N'):
        history_down(output);
        return Status::Editing;
    case 27:
        m_escape = Escape::Started;
        return Status::Editing;
    default:
        // Other control keys (Tab: there is no completion) do nothing.
        if (static_cast<unsigned char>(c) < 32)
            return Status::Editing;
        insert(c, output);
        return Status::Editing;
    }
}

void LineEditor::take_sequence(char final, String& output)
{
    // "1;5" (Ctrl) or "1;3" (Alt) with an arrow moves by words.
    StringView parameters = m_parameters.view();
    bool by_word = parameters.length() >= 3 && parameters[1] == ';' && (parameters[2] == '5' || parameters[2] == '3');
    u64 number = 0;
    u64 second = 0;
    isize semicolon = parameters.find(';');
    (void)ktl::parse_u64(semicolon < 0 ? parameters : parameters.substring(0, static_cast<usize>(semicolon)), number);
    if (semicolon >= 0)
        (void)ktl::parse_u64(parameters.substring(static_cast<usize>(semicolon) + 1), second);
    switch (final) {
    case 'R':
        // The terminal's answer to start()'s question: row;column at the far right.
        if (m_asked_size && second > 0 && second < 10000) {
            m_asked_size = false;
            m_columns = static_cast<usize>(second);
            m_cursor_row = (text_columns(m_prompt) + text_columns(m_line.view().substring(0, m_cursor))) / m_columns;
        }
        break;
    case 'A':
        history_up(output);
        break;
    case 'B':
        history_down(output);
        break;
    case 'C':
        move_to(by_word ? next_word(m_cursor) : next_char(m_cursor), output);
        break;
    case 'D':
        move_to(by_word ? previous_word(m_cursor) : previous_char(m_cursor), output);
        break;
    case 'H':
        move_to(0, output);
        break;
    case 'F':
        move_to(m_line.length(), output);
        break;
    case '~':
        if (number == 1 || number == 7)
            move_to(0, output);
        else if (number == 4 || number == 8)
            move_to(m_line.length(), output);
        else if (number == 3)
            erase(m_cursor, next_char(m_cursor), output);
        break;
    default:
        break;
    }
}

void LineEditor::insert(char c, String& output)
{
    if (m_cursor == m_line.length()) {
        // Typing at the end (the usual case) just shows the character.
        m_line.append(c);
        m_cursor = m_line.length();
        output.append(c);
        if (m_columns) {
            usize end = text_columns(m_prompt) + text_columns(m_line);
            if (end % m_columns == 0 && ends_complete(m_line))
                output.append("\r\n"); // at the right edge: go to the next row now
            m_cursor_row = end / m_columns;
        }
        return;
    }
    String text(m_line.view().substring(0, m_cursor));
    text.append(c);
    text.append(m_line.view().substring(m_cursor));
    m_line = std::move(text);
    ++m_cursor;
    refresh(output);
}

void LineEditor::erase(usize from, usize to, String& output)
{
    if (from >= to)
        return;
    String text(m_line.view().substring(0, from));
    text.append(m_line.view().substring(to));
    m_line = std::move(text);
    m_cursor = from;
    refresh(output);
}

void LineEditor::set_line(StringView text, String& output)
{
    m_line = text;
    m_cursor = m_line.length();
    refresh(output);
}

void LineEditor::move_to(usize position, String& output)
{
    if (position == m_cursor)
        return;
    m_cursor = position;
    refresh(output);
}

void LineEditor::refresh(String& output)
{
    usize prompt_width = text_columns(m_prompt);
    usize end = prompt_width + text_columns(m_line);
    usize position = prompt_width + text_columns(m_line.view().substring(0, m_cursor));
    char move[24];
    if (!m_columns) {
        // Width unknown: redraw the row from the left edge, clear what is left of the old
        // line, and put the cursor back where it belongs.
        output.append('\r');
        output.append(m_prompt);
        output.append(m_line);
        output.append("\x1b[K");
        if (end > position) {
            ktl::format_buffer(move, sizeof move, "\x1b[%zuD", end - position);
            output.append(move);
        }
        return;
    }
    // The line may take several rows: go up to the prompt's row, redraw everything, clear
    // below (the old line may have been longer), then move up and right to the cursor.
    if (m_cursor_row) {
        ktl::format_buffer(move, sizeof move, "\x1b[%zuA", m_cursor_row);
        output.append(move);
    }
    output.append('\r');
    output.append(m_prompt);
    output.append(m_line);
    if (end > 0 && end % m_columns == 0)
        output.append("\r\n"); // the terminal waits at the right edge: make it wrap
    output.append("\x1b[J");
    usize end_row = end / m_columns;
    usize row = position / m_columns;
    if (end_row > row) {
        ktl::format_buffer(move, sizeof move, "\x1b[%zuA", end_row - row);
        output.append(move);
    }
    output.append('\r');
    if (position % m_columns) {
        ktl::format_buffer(move, sizeof move, "\x1b[%zuC", position % m_columns);
        output.append(move);
    }
    m_cursor_row = row;
}

void LineEditor::history_up(String& output)
{
    if (m_history_index == 0)
        return;
    if (m_history_index == m_history.size())
        m_draft = m_line;
    --m_history_index;
    set_line(m_history[m_history_index], output);
}

void LineEditor::history_down(String& output)
{
    if (m_history_index >= m_history.size())
        return;
    ++m_history_index;
    set_line(m_history_index == m_history.size() ? m_draft.view() : m_history[m_history_index].view(), output);
}

usize LineEditor::previous_char(usize position) const
{
    if (position == 0)
        return 0;
    --position;
    while (position > 0 && is_continuation(m_line[position]))
        --position;
    return position;
}

usize LineEditor::next_char(usize position) const
{
    if (position >= m_line.length())
        return m_line.length();
    ++position;
    while (position < m_line.length() && is_continuation(m_line[position]))
        ++position;
    return position;
}

usize LineEditor::previous_word(usize position) const
{
    while (position > 0 && is_blank(m_line[position - 1]))
        --position;
    while (position > 0 && !is_blank(m_line[position - 1]))
        --position;
    return position;
}

usize LineEditor::next_word(usize position) const
{
    while (position < m_line.length() && is_blank(m_line[position]))
        ++position;
    while (position < m_line.length() && !is_blank(m_line[position]))
        ++position;
    return position;
}

LineEditor::Status read_edited_line(
    int in_fd, int out_fd, StringView prompt, History const& history, usize& columns, String& line, long& error)
{
    error = 0;
    LineEditor editor(prompt, history, columns);
    String output;
    editor.start(output, true);
    io::write_all(out_fd, output);
    for (;;) {
        // A byte at a time: what is typed after Enter stays in the console for the command
        // the line starts (it gets it through the cooked line discipline).
        char c;
        long n = sys::read(in_fd, &c, 1);
        if (n == -redox::EINTR)
            continue;
        if (n < 0) {
            error = n;
            return LineEditor::Status::Editing;
        }
        output.clear();
        LineEditor::Status status;
        if (n == 0) // end of input: run what was typed, then end
            status = editor.feed(editor.line().is_empty() ? ctrl('D') : '\r', output);
        else
            status = editor.feed(c, output);
        if (!output.is_empty())
            io::write_all(out_fd, output);
        columns = editor.columns();
        if (status != LineEditor::Status::Editing) {
            line = editor.line();
            return status;
        }
    }
}

} // namespace shell
