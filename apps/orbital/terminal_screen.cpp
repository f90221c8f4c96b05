#include "terminal_screen.h"

#include "../../kernel_core/ktl/format.h"

namespace terminal {

Screen::Screen(usize columns, usize rows) : m_columns(columns ? columns : 1), m_rows(rows ? rows : 1)
{
    m_cells.resize(m_columns * m_rows);
    m_dirty.resize(m_rows);
    mark_all();
}

ktl::String Screen::row_text(usize y) const
{
    usize end = m_columns;
    while (end > 0 && at(end - 1, y).c == ' ')
        --end;
    ktl::String text;
    for (usize x = 0; x < end; ++x)
        text.append(at(x, y).c);
    return text;
}

void Screen::mark_all()
{
    for (usize y = 0; y < m_rows; ++y)
        m_dirty[y] = true;
}

void Screen::clear_dirty()
{
    for (usize y = 0; y < m_rows; ++y)
        m_dirty[y] = false;
}

ktl::String Screen::take_reply()
{
    ktl::String reply = static_cast<ktl::String&&>(m_reply);
    m_reply = ktl::String();
    return reply;
}

void Screen::resize(usize columns, usize rows)
{
    columns = columns ? columns : 1;
    rows = rows ? rows : 1;
    // Keep the bottom rows when shrinking, so the prompt stays in view.
    usize drop = m_y >= rows ? m_y - rows + 1 : 0;
    ktl::Vector<Cell> cells;
    cells.resize(columns * rows);
    for (usize y = 0; y < rows && y + drop < m_rows; ++y) {
        for (usize x = 0; x < columns && x < m_columns; ++x)
            cells[y * columns + x] = m_cells[(y + drop) * m_columns + x];
    }
    m_cells = static_cast<ktl::Vector<Cell>&&>(cells);
    m_columns = columns;
    m_rows = rows;
    m_y -= drop;
    m_x = ktl::min(m_x, columns - 1);
    m_saved_x = ktl::min(m_saved_x, columns - 1);
    m_saved_y = ktl::min(m_saved_y, rows - 1);
    m_wrap_pending = false;
    m_dirty.resize(rows);
    mark_all();
}

void Screen::feed(const char* bytes, usize length)
{
    for (usize i = 0; i < length; ++i) {
        char c = bytes[i];
        switch (m_state) {
        case State::Text:
            put(c);
            break;
        case State::Escape:
            if (c == '[') {
                m_state = State::Csi;
                m_parameters.clear();
                break;
            }
            if (c == '7') {
                m_saved_x = m_x;
                m_saved_y = m_y;
            } else if (c == '8') {
                m_x = m_saved_x;
                m_y = m_saved_y;
                m_wrap_pending = false;
            }
            m_state = State::Text;
            break;
        case State::Csi:
            if ((c >= '0' && c <= '9') || c == ';' || c == '?') {
                if (m_parameters.length() < 32)
                    m_parameters.append(c);
                break;
            }
            if (c >= 0x40 && c <= 0x7E) {
                csi(c);
                m_state = State::Text;
            } else if (c == 0x1b) {
                m_state = State::Escape;
            }
            break;
        }
    }
}

void Screen::put(char c)
{
    switch (c) {
    case 0x1b:
        m_state = State::Escape;
        return;
    case '\r':
        m_x = 0;
        m_wrap_pending = false;
        return;
    case '\n':
        newline();
        return;
    case '\b':
        if (m_wrap_pending)
            m_wrap_pending = false;
        else if (m_x > 0)
            --m_x;
        return;
    case '\t': {
        usize next = (m_x / 8 + 1) * 8;
        m_x = ktl::min(next, m_columns - 1);
        return;
    }
    case '\a':
        return;
    default:
        break;
    }
    auto byte = static_cast<unsigned char>(c);
    if (byte < 32 || byte == 127)
        return;
    if (byte >= 0x80) {
        // UTF-8: one '?' per character (continuation bytes are skipped).
        if ((byte & 0xC0) == 0x80)
            return;
        c = '?';
    }
    if (m_wrap_pending) {
        m_x = 0;
        newline();
        m_wrap_pending = false;
    }
    Cell cell = m_pen;
    cell.c = c;
    m_cells[m_y * m_columns + m_x] = cell;
    mark(m_y);
    if (m_x + 1 < m_columns)
        ++m_x;
    else
        m_wrap_pending = true;
}

void Screen::newline()
{
    m_wrap_pending = false;
    if (m_y + 1 < m_rows) {
        ++m_y;
        return;
    }
    scroll_up();
}

void Screen::scroll_up()
{
    for (usize y = 1; y < m_rows; ++y) {
        for (usize x = 0; x < m_columns; ++x)
            m_cells[(y - 1) * m_columns + x] = m_cells[y * m_columns + x];
    }
    Cell blank;
    blank.bg = m_pen.bg;
    for (usize x = 0; x < m_columns; ++x)
        m_cells[(m_rows - 1) * m_columns + x] = blank;
    mark_all();
}

usize Screen::parameter(usize index, usize fallback) const
{
    ktl::StringView text = m_parameters.view();
    if (!text.is_empty() && text[0] == '?')
        text = text.substring(1);
    usize start = 0;
    for (usize i = 0; i < index; ++i) {
        isize semicolon = text.find(';', start);
        if (semicolon < 0)
            return fallback;
        start = static_cast<usize>(semicolon) + 1;
    }
    isize semicolon = text.find(';', start);
    ktl::StringView field = text.substring(start, semicolon < 0 ? text.length() - start : semicolon - start);
    u64 value = 0;
    if (field.is_empty() || !ktl::parse_u64(field, value))
        return fallback;
    return value > 100000 ? 100000 : static_cast<usize>(value);
}

void Screen::erase(usize from_x, usize from_y, usize to_x, usize to_y)
{
    Cell blank;
    blank.bg = m_pen.bg;
    usize from = from_y * m_columns + from_x;
    usize to = to_y * m_columns + to_x;
    for (usize i = from; i < to && i < m_cells.size(); ++i) {
        m_cells[i] = blank;
        mark(i / m_columns);
    }
}

void Screen::csi(char final)
{
    usize n = parameter(0, 1);
    if (n == 0)
        n = 1;
    if (final != 'm')
        m_wrap_pending = false;
    switch (final) {
    case 'A':
        m_y = m_y > n ? m_y - n : 0;
        break;
    case 'B':
        m_y = ktl::min(m_y + n, m_rows - 1);
        break;
    case 'C':
        m_x = ktl::min(m_x + n, m_columns - 1);
        break;
    case 'D':
        m_x = m_x > n ? m_x - n : 0;
        break;
    case 'G':
        m_x = ktl::min(n - 1, m_columns - 1);
        break;
    case 'H':
    case 'f': {
        usize row = parameter(0, 1);
        usize column = parameter(1, 1);
        m_y = ktl::min(row ? row - 1 : 0, m_rows - 1);
        m_x = ktl::min(column ? column - 1 : 0, m_columns - 1);
        break;
    }
    case 'K': {
        usize mode = parameter(0, 0);
        if (mode == 0)
            erase(m_x, m_y, 0, m_y + 1);
        else if (mode == 1)
            erase(0, m_y, m_x + 1, m_y);
        else
            erase(0, m_y, 0, m_y + 1);
        break;
    }
    case 'J': {
        usize mode = parameter(0, 0);
        if (mode == 0)
            erase(m_x, m_y, 0, m_rows);
        else if (mode == 1)
            erase(0, 0, m_x + 1, m_y);
        else
            erase(0, 0, 0, m_rows);
        break;
    }
    case 'm':
        sgr();
        break;
    case 'n':
        if (parameter(0, 0) == 6) {
            char answer[32];
            usize length = ktl::format_buffer(answer, sizeof answer, "\x1b[%zu;%zuR", m_y + 1, m_x + 1);
            m_reply.append(ktl::StringView(answer, length));
        }
        break;
    default:
        break; // not understood: consumed
    }
}

void Screen::sgr()
{
    // Each parameter in turn; an empty list is a reset.
    for (usize i = 0;; ++i) {
        usize code = parameter(i, i == 0 ? 0 : 1000);
        if (code == 1000)
            break;
        if (code == 0) {
            m_pen = Cell();
            m_bold = m_inverse = false;
        } else if (code == 1) {
            m_bold = true;
        } else if (code == 22) {
            m_bold = false;
        } else if (code == 7) {
            m_inverse = true;
        } else if (code == 27) {
            m_inverse = false;
        } else if (code >= 30 && code <= 37) {
            m_pen.fg = static_cast<u8>(code - 30);
        } else if (code == 39) {
            m_pen.fg = 7;
        } else if (code >= 40 && code <= 47) {
            m_pen.bg = static_cast<u8>(code - 40);
        } else if (code == 49) {
            m_pen.bg = 0;
        } else if (code >= 90 && code <= 97) {
            m_pen.fg = static_cast<u8>(code - 90 + 8);
        } else if (code >= 100 && code <= 107) {
            m_pen.bg = static_cast<u8>(code - 100 + 8);
        }
    }
    // Bold brightens the eight basic colors; inverse swaps them (kept simple: applied to
    // the pen now, so later color changes start from the plain colors again).
    if (m_bold && m_pen.fg < 8)
        m_pen.fg = static_cast<u8>(m_pen.fg + 8);
    if (m_inverse) {
        u8 fg = m_pen.fg;
        m_pen.fg = m_pen.bg;
        m_pen.bg = fg;
        m_inverse = false;
    }
}

} // namespace terminal
