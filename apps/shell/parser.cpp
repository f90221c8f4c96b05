#include "parser.h"

namespace shell {

namespace {

    class Parser {
    public:
        Parser(StringView source, Vector<Token>& tokens, ParseResult& result)
            : m_source(source),
              m_tokens(tokens),
              m_result(result)
        {
        }

        void run() { parse_list(m_result.list, false); }

    private:
        // Items up to the end of input, or up to `)` for a subshell body (nested).
        bool parse_list(CommandList& list, bool nested)
        {
            skip_newlines();
            while (current().type != TokenType::End && !(nested && current().type == TokenType::RightParen)) {
                ListItem item;
                usize start = current().start;
                if (!parse_and_or(item.and_or))
                    return false;
                usize end = m_tokens[m_position - 1].end;
                item.text = m_source.substring(start, end - start);
                TokenType type = current().type;
                if (type == TokenType::Semicolon || type == TokenType::Ampersand) {
                    item.background = type == TokenType::Ampersand;
                    advance();
                } else if (type == TokenType::Newline) {
                    advance();
                } else if (type != TokenType::End && !(nested && type == TokenType::RightParen)) {
                    return unexpected();
                }
                list.items.append(std::move(item));
                skip_newlines();
            }
            return true;
        }

        Token const& current() const { return m_tokens[m_position]; }
        void advance()
        {
            if (m_position + 1 < m_tokens.size())
                ++m_position;
        }
        void skip_newlines()
        {
            while (current().type == TokenType::Newline)
                advance();
        }

        bool unexpected()
        {
            m_result.status = ParseStatus::Error;
            m_result.error = "syntax error near unexpected token '";
            m_result.error.append(token_display(current()));
            m_result.error.append('\'');
            return false;
        }

        // After `|`, `&&` or `||` a command must follow, possibly on the next line.
        bool require_continuation()
        {
            skip_newlines();
            if (current().type == TokenType::End) {
                m_result.status = ParseStatus::Incomplete;
                return false;
            }
            return true;
        }

        bool parse_and_or(AndOrList& and_or)
        {
            Pipeline first;
            if (!parse_pipeline(first))
                return false;
            and_or.pipelines.append(std::move(first));
            for (;;) {
                TokenType type = current().type;
                if (type != TokenType::AndIf && type != TokenType::OrIf)
                    return true;
                advance();
                if (!require_continuation())
                    return false;
                Pipeline next;
                if (!parse_pipeline(next))
                    return false;
                and_or.connectors.append(type == TokenType::AndIf ? Connector::And : Connector::Or);
                and_or.pipelines.append(std::move(next));
            }
        }

        bool parse_pipeline(Pipeline& pipeline)
        {
            if (current().type == TokenType::Word && current().text == "!") {
                pipeline.negated = true;
                advance();
            }
            for (;;) {
                SimpleCommand command;
                if (!parse_command(command))
                    return false;
                pipeline.commands.append(std::move(command));
                if (current().type != TokenType::Pipe)
                    return true;
                advance();
                if (!require_continuation())
                    return false;
            }
        }

        static bool is_assignment(StringView word)
        {
            isize equals = word.find('=');
            return equals > 0 && is_valid_name(word.substring(0, static_cast<usize>(equals)));
        }

        bool parse_subshell(SimpleCommand& command)
        {
            advance(); // (
            auto body = ktl::make_ref<SubshellBody>();
            if (!parse_list(body->list, true))
                return false;
            if (current().type == TokenType::End) {
                m_result.status = ParseStatus::Incomplete;
                return false;
            }
            if (body->list.items.is_empty())
                return unexpected(); // `()`
            advance(); // )
            command.subshell = body;
            // Only redirections may follow: `(a; b) > file`.
            while (current().type == TokenType::IoNumber || is_redirection(current().type)) {
                if (!parse_redirection(command))
                    return false;
            }
            if (current().type == TokenType::Word || current().type == TokenType::LeftParen)
                return unexpected();
            return true;
        }

        bool parse_command(SimpleCommand& command)
        {
            if (current().type == TokenType::LeftParen)
                return parse_subshell(command);
            for (;;) {
                Token const& token = current();
                if (token.type == TokenType::Word) {
                    if (command.words.is_empty() && is_assignment(token.text))
                        command.assignments.append(token.text);
                    else
                        command.words.append(token.text);
                    advance();
                    continue;
                }
                if (token.type == TokenType::IoNumber || is_redirection(token.type)) {
                    if (!parse_redirection(command))
                        return false;
                    continue;
                }
                break;
            }
            if (command.words.is_empty() && command.assignments.is_empty() && command.redirections.is_empty())
                return unexpected();
            return true;
        }

        static bool is_redirection(TokenType type)
        {
            switch (type) {
            case TokenType::Less:
            case TokenType::Great:
            case TokenType::DoubleGreat:
            case TokenType::LessAnd:
            case TokenType::GreatAnd:
            case TokenType::LessGreat:
            case TokenType::Clobber:
            case TokenType::DoubleLess:
                return true;
            default:
                return false;
            }
        }

        bool parse_redirection(SimpleCommand& command)
        {
            Redirection redirection;
            bool explicit_fd = false;
            if (current().type == TokenType::IoNumber) {
                u64 fd = 0;
                // An fd number too large for the table is a bad redirection, not a crash.
                if (!ktl::parse_u64(current().text, fd) || fd > 0xffff) {
                    m_result.status = ParseStatus::Error;
                    m_result.error = "bad file descriptor in redirection: ";
                    m_result.error.append(current().text);
                    return false;
                }
                redirection.fd = static_cast<int>(fd);
                explicit_fd = true;
                advance();
            }
            switch (current().type) {
            case TokenType::Less:
                redirection.type = RedirectionType::Read;
                break;
            case TokenType::Great:
            case TokenType::Clobber:
                redirection.type = RedirectionType::Write;
                break;
            case TokenType::DoubleGreat:
                redirection.type = RedirectionType::Append;
                break;
            case TokenType::LessGreat:
                redirection.type = RedirectionType::ReadWrite;
                break;
            case TokenType::GreatAnd:
                redirection.type = RedirectionType::DuplicateOutput;
                break;
            case TokenType::LessAnd:
                redirection.type = RedirectionType::DuplicateInput;
                break;
            case TokenType::DoubleLess:
                m_result.status = ParseStatus::Error;
                m_result.error = "here-documents are not supported";
                return false;
            default:
                return unexpected();
            }
            if (!explicit_fd) {
                bool input = redirection.type == RedirectionType::Read || redirection.type == RedirectionType::ReadWrite
                    || redirection.type == RedirectionType::DuplicateInput;
                redirection.fd = input ? 0 : 1;
            }
            advance();
            if (current().type != TokenType::Word)
                return unexpected();
            redirection.target = current().text;
            advance();
            command.redirections.append(std::move(redirection));
            return true;
        }

        StringView m_source;
        Vector<Token>& m_tokens;
        ParseResult& m_result;
        usize m_position { 0 };
    };

} // namespace

ParseResult parse(StringView source)
{
    ParseResult result;
    Vector<Token> tokens;
    if (tokenize(source, tokens) == LexStatus::Incomplete) {
        result.status = ParseStatus::Incomplete;
        return result;
    }
    Parser parser(source, tokens, result);
    parser.run();
    if (result.status != ParseStatus::Ok)
        result.list.items.clear();
    return result;
}

} // namespace shell
