#include "lexer.h"

namespace shell {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(StringView name)
{
    if (name.is_empty() || !is_name_start(name[0]))
        return false;
    for (char c : name)
        if (!is_name_char(c))
            return false;
    return true;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static bool is_operator_start(char c)
{
    return c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')';
}

static bool is_digits(StringView text)
{
    if (text.is_empty())
        return false;
    for (char c : text)
        if (c < '0' || c > '9')
            return false;
    return true;
}

namespace {

    class Lexer {
    public:
        Lexer(StringView source, Vector<Token>& tokens) : m_source(source), m_tokens(tokens) {}

        LexStatus run()
        {
            while (m_position < m_source.length()) {
                char c = m_source[m_position];
                if (is_blank(c)) {
                    ++m_position;
                    continue;
                }
                // A backslash-newline between words is a line continuation, nothing else.
                if (c == '\\' && m_position + 1 < m_source.length() && m_source[m_position + 1] == '\n') {
                    m_position += 2;
                    continue;
                }
                if (c == '#') {
                    while (m_position < m_source.length() && m_source[m_position] != '\n')
                        ++m_position;
                    continue;
                }
                if (is_operator_start(c)) {
                    lex_operator();
                    continue;
                }
                if (lex_word() == LexStatus::Incomplete)
                    return LexStatus::Incomplete;
            }
            Token end;
            end.type = TokenType::End;
            end.start = end.end = m_source.length();
            m_tokens.append(std::move(end));
            return LexStatus::Ok;
        }

    private:
        char peek(usize offset = 0) const
        {
            usize at = m_position + offset;
            return at < m_source.length() ? m_source[at] : '\0';
        }

        void add(TokenType type, usize length)
        {
            Token token;
            token.type = type;
            token.start = m_position;
            token.end = m_position + length;
            token.text = m_source.substring(m_position, length);
            m_tokens.append(std::move(token));
            m_position += length;
        }

        void lex_operator()
        {
            char c = peek();
            char next = peek(1);
            switch (c) {
            case '\n':
                return add(TokenType::Newline, 1);
            case ';':
                return add(TokenType::Semicolon, 1);
            case '(':
                return add(TokenType::LeftParen, 1);
            case ')':
                return add(TokenType::RightParen, 1);
            case '&':
                return next == '&' ? add(TokenType::AndIf, 2) : add(TokenType::Ampersand, 1);
            case '|':
                return next == '|' ? add(TokenType::OrIf, 2) : add(TokenType::Pipe, 1);
            case '<':
                if (next == '<')
                    return add(TokenType::DoubleLess, 2);
                if (next == '&')
                    return add(TokenType::LessAnd, 2);
                if (next == '>')
                    return add(TokenType::LessGreat, 2);
                return add(TokenType::Less, 1);
            case '>':
                if (next == '>')
                    return add(TokenType::DoubleGreat, 2);
                if (next == '&')
                    return add(TokenType::GreatAnd, 2);
                if (next == '|')
                    return add(TokenType::Clobber, 2);
                return add(TokenType::Great, 1);
            default:
                __builtin_unreachable();
            }
        }

        LexStatus lex_word()
        {
            Token token;
            token.type = TokenType::Word;
            token.start = m_position;
            String& text = token.text;
            while (m_position < m_source.length()) {
                char c = m_source[m_position];
                if (is_blank(c) || is_operator_start(c))
                    break;
                if (c == '\\') {
                    if (m_position + 1 >= m_source.length())
                        return LexStatus::Incomplete;
                    if (m_source[m_position + 1] != '\n')
                        text.append(m_source.substring(m_position, 2));
                    m_position += 2;
                    continue;
                }
                if (c == '\'') {
                    isize close = m_source.find('\'', m_position + 1);
                    if (close < 0)
                        return LexStatus::Incomplete;
                    usize end = static_cast<usize>(close) + 1;
                    text.append(m_source.substring(m_position, end - m_position));
                    m_position = end;
                    continue;
                }
                if (c == '"') {
                    usize end = m_position + 1;
                    while (end < m_source.length() && m_source[end] != '"')
                        end += m_source[end] == '\\' ? 2 : 1;
                    if (end >= m_source.length())
                        return LexStatus::Incomplete;
                    ++end;
                    text.append(m_source.substring(m_position, end - m_position));
                    m_position = end;
                    continue;
                }
                if (c == '$' && peek(1) == '{') {
                    // ${...} is one unit even when it holds blanks or operators: ${X:-a b}.
                    usize depth = 0;
                    usize end = m_position + 1;
                    for (; end < m_source.length(); ++end) {
                        if (m_source[end] == '{')
                            ++depth;
                        else if (m_source[end] == '}' && --depth == 0)
                            break;
                    }
                    if (end >= m_source.length())
                        return LexStatus::Incomplete;
                    ++end;
                    text.append(m_source.substring(m_position, end - m_position));
                    m_position = end;
                    continue;
                }
                text.append(c);
                ++m_position;
            }
            token.end = m_position;
            char next = peek();
            if ((next == '<' || next == '>') && is_digits(text) && token.end - token.start == text.length())
                token.type = TokenType::IoNumber;
            m_tokens.append(std::move(token));
            return LexStatus::Ok;
        }

        StringView m_source;
        Vector<Token>& m_tokens;
        usize m_position { 0 };
    };

} // namespace

LexStatus tokenize(StringView source, Vector<Token>& tokens)
{
    Lexer lexer(source, tokens);
    return lexer.run();
}

StringView token_display(Token const& token)
{
    switch (token.type) {
    case TokenType::Newline:
    case TokenType::End:
        return "newline";
    default:
        return token.text.view();
    }
}

} // namespace shell
