#pragma once
// The shell's lexer: splits command text into words and operators (POSIX sh token rules).
// Words keep their quotes and `$` references verbatim; expansion removes them later, because
// whether a character was quoted matters for field splitting and globbing.
#include "../../kernel_core/ktl/string.h"
#include "../../kernel_core/ktl/vector.h"

namespace shell {

using ktl::String;
using ktl::StringView;
using ktl::Vector;

enum class TokenType : u8 {
    Word,
    IoNumber, // the digits of `2>`: a word of digits directly followed by `<` or `>`
    Newline,
    Semicolon,
    Ampersand,
    AndIf,
    Pipe,
    OrIf,
    Less,
    Great,
    DoubleGreat,
    LessAnd,
    GreatAnd,
    LessGreat,
    Clobber,
    DoubleLess, // here-documents: recognised only to reject them clearly
    LeftParen,
    RightParen,
    End,
};

struct Token {
    TokenType type { TokenType::End };
    String text; // a word's raw text (quotes kept, line continuations removed)
    usize start { 0 }; // offsets into the source, for a list item's text in `jobs`
    usize end { 0 };
};

enum class LexStatus : u8 {
    Ok,
    // The text stops inside a quote, `${`, or after a trailing backslash: more input may finish it.
    Incomplete,
};

// Appends the tokens of `source` (ending with one End token) to `tokens`.
LexStatus tokenize(StringView source, Vector<Token>& tokens);

// How a token is shown in "syntax error near unexpected token 'X'".
StringView token_display(Token const&);

bool is_name_start(char);
bool is_name_char(char);
// True for a valid variable name (letters, digits, underscores; not starting with a digit).
bool is_valid_name(StringView);

} // namespace shell
