#include "expand.h"

#include "../../kernel_core/ktl/format.h"

namespace shell {

static bool is_pattern_char(char c) { return c == '*' || c == '?' || c == '['; }

static bool is_special_parameter(char c)
{
    return c == '?' || c == '$' || c == '!' || c == '#' || c == '@' || c == '*' || c == '-' || (c >= '0' && c <= '9');
}

// Glob results in byte order (as the C locale sorts them).
static void sort_strings(Vector<String>& strings)
{
    for (usize i = 1; i < strings.size(); ++i) {
        for (usize j = i; j > 0 && strings[j].view() < strings[j - 1].view(); --j) {
            String swap = std::move(strings[j]);
            strings[j] = std::move(strings[j - 1]);
            strings[j - 1] = std::move(swap);
        }
    }
}

// Matches `[...]` at pattern[at] against c. Returns false when the bracket is not closed
// (then `[` is an ordinary character); otherwise sets `length` and `matched`.
static bool match_bracket(StringView pattern, usize at, char c, usize& length, bool& matched)
{
    usize i = at + 1;
    bool negate = i < pattern.length() && (pattern[i] == '!' || pattern[i] == '^');
    if (negate)
        ++i;
    bool found = false;
    bool first = true;
    for (;; first = false) {
        if (i >= pattern.length())
            return false;
        char low = pattern[i];
        if (low == ']' && !first)
            break;
        if (low == '\\' && i + 1 < pattern.length())
            low = pattern[++i];
        char high = low;
        if (i + 2 < pattern.length() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            high = pattern[i + 2];
            i += 2;
        }
        if (c >= low && c <= high)
            found = true;
        ++i;
    }
    length = i + 1 - at;
    matched = found != negate;
    return true;
}

bool glob_match(StringView pattern, StringView name)
{
    usize p = 0;
    usize n = 0;
    bool have_star = false;
    usize star_pattern = 0;
    usize star_name = 0;
    while (n < name.length()) {
        if (p < pattern.length()) {
            char c = pattern[p];
            if (c == '*') {
                have_star = true;
                star_pattern = ++p;
                star_name = n;
                continue;
            }
            if (c == '?') {
                ++p;
                ++n;
                continue;
            }
            bool literal = true;
            if (c == '[') {
                usize length = 0;
                bool matched = false;
                if (match_bracket(pattern, p, name[n], length, matched)) {
                    literal = false;
                    if (matched) {
                        p += length;
                        ++n;
                        continue;
                    }
                }
            }
            if (literal) {
                usize length = 1;
                if (c == '\\' && p + 1 < pattern.length()) {
                    c = pattern[p + 1];
                    length = 2;
                }
                if (c == name[n]) {
                    p += length;
                    ++n;
                    continue;
                }
            }
        }
        // Mismatch: let the last `*` swallow one more character, or fail.
        if (!have_star)
            return false;
        p = star_pattern;
        n = ++star_name;
    }
    while (p < pattern.length() && pattern[p] == '*')
        ++p;
    return p == pattern.length();
}

namespace {

    struct Field {
        String text;
        Vector<bool> active; // per character: an unquoted `*`, `?` or `[` that globbing may use
        bool exists { false }; // "" makes an (empty) field, an unset unquoted $X does not
        bool has_pattern { false };
    };

    class Expander {
    public:
        Expander(ExpansionContext const& context, bool split) : m_context(context), m_split(split) {}

        bool expand(StringView raw)
        {
            usize i = 0;
            // Tilde expansion only for `~` or `~/...`: other users' homes are not known here.
            if (!raw.is_empty() && raw[0] == '~' && (raw.length() == 1 || raw[1] == '/')) {
                String home;
                if (m_context.lookup("HOME", home)) {
                    add_value(home, true);
                    i = 1;
                }
            }
            while (i < raw.length()) {
                char c = raw[i];
                if (c == '\\') {
                    if (i + 1 < raw.length()) {
                        add_char(raw[i + 1], true);
                        i += 2;
                    } else {
                        add_char('\\', true);
                        ++i;
                    }
                } else if (c == '\'') {
                    isize close = raw.find('\'', i + 1);
                    usize end = close < 0 ? raw.length() : static_cast<usize>(close);
                    m_current.exists = true;
                    for (usize j = i + 1; j < end; ++j)
                        add_char(raw[j], true);
                    i = end + 1;
                } else if (c == '"') {
                    m_current.exists = true;
                    ++i;
                    while (i < raw.length() && raw[i] != '"') {
                        char d = raw[i];
                        if (d == '\\' && i + 1 < raw.length() && StringView("$`\"\\\n").contains(raw[i + 1])) {
                            add_char(raw[i + 1], true);
                            i += 2;
                        } else if (d == '$') {
                            if (!expand_parameter(raw, i, true))
                                return false;
                        } else {
                            add_char(d, true);
                            ++i;
                        }
                    }
                    ++i;
                } else if (c == '$') {
                    if (!expand_parameter(raw, i, false))
                        return false;
                } else {
                    add_char(c, false);
                    ++i;
                }
            }
            finish_field();
            return true;
        }

        Vector<Field>& fields() { return m_fields; }
        String& error() { return m_error; }

    private:
        void add_char(char c, bool quoted)
        {
            bool active = !quoted && m_split && is_pattern_char(c);
            m_current.text.append(c);
            m_current.active.append(active);
            m_current.has_pattern |= active;
            m_current.exists = true;
        }

        // The result of an expansion: unquoted, it is split into fields at IFS characters.
        void add_value(StringView value, bool quoted)
        {
            if (quoted || !m_split) {
                for (char c : value)
                    add_char(c, true);
                if (quoted)
                    m_current.exists = true;
                return;
            }
            String ifs;
            if (!m_context.lookup("IFS", ifs))
                ifs = " \t\n";
            for (char c : value) {
                if (ifs.view().contains(c))
                    finish_field();
                else
                    add_char(c, false);
            }
        }

        void finish_field()
        {
            if (m_current.exists)
                m_fields.append(std::move(m_current));
            m_current = Field();
        }

        bool bad_substitution(StringView text)
        {
            m_error = text;
            m_error.append(": bad substitution");
            return false;
        }

        // raw[i] is `$`; on return i is past the reference.
        bool expand_parameter(StringView raw, usize& i, bool quoted)
        {
            char next = i + 1 < raw.length() ? raw[i + 1] : '\0';
            if (next == '{') {
                usize depth = 0;
                usize close = i + 1;
                for (; close < raw.length(); ++close) {
                    if (raw[close] == '{')
                        ++depth;
                    else if (raw[close] == '}' && --depth == 0)
                        break;
                }
                if (close >= raw.length())
                    return bad_substitution(raw.substring(i));
                StringView body = raw.substring(i + 2, close - i - 2);
                StringView whole = raw.substring(i, close + 1 - i);
                i = close + 1;
                return expand_braced(body, whole, quoted);
            }
            StringView name;
            if (is_name_start(next)) {
                usize end = i + 1;
                while (end < raw.length() && is_name_char(raw[end]))
                    ++end;
                name = raw.substring(i + 1, end - i - 1);
                i = end;
            } else if (next && is_special_parameter(next)) {
                name = raw.substring(i + 1, 1);
                i += 2;
            } else {
                // A lone `$` (before a blank, a quote or the end) is itself.
                add_char('$', quoted);
                ++i;
                return true;
            }
            String value;
            if (m_context.lookup(name, value))
                add_value(value, quoted);
            return true;
        }

        bool expand_braced(StringView body, StringView whole, bool quoted)
        {
            bool length_of = body.length() > 1 && body[0] == '#';
            if (length_of)
                body = body.substring(1);
            usize name_length = 0;
            if (!body.is_empty() && is_name_start(body[0])) {
                while (name_length < body.length() && is_name_char(body[name_length]))
                    ++name_length;
            } else if (!body.is_empty() && body[0] >= '0' && body[0] <= '9') {
                while (name_length < body.length() && body[name_length] >= '0' && body[name_length] <= '9')
                    ++name_length;
            } else if (!body.is_empty() && is_special_parameter(body[0])) {
                name_length = 1;
            } else {
                return bad_substitution(whole);
            }
            StringView name = body.substring(0, name_length);
            StringView rest = body.substring(name_length);
            String value;
            bool is_set = m_context.lookup(name, value);
            if (length_of) {
                if (!rest.is_empty())
                    return bad_substitution(whole);
                char number[24];
                ktl::format_buffer(number, sizeof number, "%zu", value.length());
                add_value(number, quoted);
                return true;
            }
            if (rest.is_empty()) {
                if (is_set)
                    add_value(value, quoted);
                return true;
            }
            bool colon = rest[0] == ':';
            if (colon)
                rest = rest.substring(1);
            if (rest.is_empty() || !StringView("-=+?").contains(rest[0]))
                return bad_substitution(whole);
            char op = rest[0];
            StringView word = rest.substring(1);
            bool use_word = colon ? (!is_set || value.is_empty()) : !is_set;
            if (op == '+')
                use_word = !use_word;
            if (!use_word) {
                if (op != '+')
                    add_value(value, quoted);
                return true;
            }
            // `${X=word}` would assign; the expander has no write access, so it acts as `-`.
            Expander inner(m_context, false);
            if (!inner.expand(word)) {
                m_error = std::move(inner.error());
                return false;
            }
            String expanded;
            if (!inner.fields().is_empty())
                expanded = std::move(inner.fields()[0].text);
            if (op == '?') {
                m_error = name;
                m_error.append(": ");
                m_error.append(expanded.is_empty() ? StringView("parameter null or not set") : expanded.view());
                return false;
            }
            add_value(expanded, quoted);
            return true;
        }

        ExpansionContext const& m_context;
        bool m_split;
        Vector<Field> m_fields;
        Field m_current;
        String m_error;
    };

} // namespace

// Pathname expansion of one field; a pattern that matches nothing stays as it is (POSIX).
static void expand_pathname(Field& field, ExpansionContext const& context, Vector<String>& out)
{
    StringView text = field.text.view();
    isize slash = -1;
    for (usize i = 0; i < text.length(); ++i)
        if (text[i] == '/')
            slash = static_cast<isize>(i);
    usize name_start = static_cast<usize>(slash + 1);
    bool pattern_in_name = false;
    for (usize i = 0; i < text.length(); ++i) {
        if (!field.active[i])
            continue;
        // Only the last path component may be a pattern: one directory level is listed.
        if (i < name_start) {
            out.append(std::move(field.text));
            return;
        }
        pattern_in_name = true;
    }
    if (!pattern_in_name) {
        out.append(std::move(field.text));
        return;
    }
    // Quoted pattern characters must match literally: escape them for glob_match.
    String pattern;
    for (usize i = name_start; i < text.length(); ++i) {
        if (!field.active[i] && (is_pattern_char(text[i]) || text[i] == '\\'))
            pattern.append('\\');
        pattern.append(text[i]);
    }
    StringView prefix = text.substring(0, name_start);
    Vector<String> names;
    context.list_directory(prefix, names);
    Vector<String> matches;
    for (auto& name : names) {
        if (name == "." || name == "..")
            continue;
        if (!name.is_empty() && name[0] == '.' && text[name_start] != '.')
            continue;
        if (glob_match(pattern, name)) {
            String match(prefix);
            match.append(name);
            matches.append(std::move(match));
        }
    }
    if (matches.is_empty()) {
        out.append(std::move(field.text));
        return;
    }
    sort_strings(matches);
    for (auto& match : matches)
        out.append(std::move(match));
}

bool expand_word(StringView raw, ExpansionContext const& context, Vector<String>& fields, String& error)
{
    Expander expander(context, true);
    if (!expander.expand(raw)) {
        error = std::move(expander.error());
        return false;
    }
    for (auto& field : expander.fields()) {
        if (field.has_pattern)
            expand_pathname(field, context, fields);
        else
            fields.append(std::move(field.text));
    }
    return true;
}

bool expand_word_single(StringView raw, ExpansionContext const& context, String& out, String& error)
{
    Expander expander(context, false);
    if (!expander.expand(raw)) {
        error = std::move(expander.error());
        return false;
    }
    out.clear();
    if (!expander.fields().is_empty())
        out = std::move(expander.fields()[0].text);
    return true;
}

} // namespace shell
