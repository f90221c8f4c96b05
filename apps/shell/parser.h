#pragma once
// The shell's parser: builds the AST of a command line from the lexer's tokens.
//
//   list     := and_or ((';' | '&' | newline) and_or)* [';' | '&']
//   and_or   := pipeline (('&&' | '||') newline* pipeline)*
//   pipeline := ['!'] command ('|' newline* command)*
//   command  := (assignment | word | redirection)+
//             | '(' list ')' redirection*
//
// Words stay unexpanded (raw text with quotes): the executor expands them just before running
// each command, so `X=1; echo $X` on one line sees the new value.
#include "lexer.h"

#include "../../kernel_core/ktl/ref_ptr.h"

namespace shell {

enum class RedirectionType : u8 {
    Read, // <
    Write, // > and >|
    Append, // >>
    ReadWrite, // <>
    DuplicateOutput, // >&N, >&-
    DuplicateInput, // <&N, <&-
};

struct Redirection {
    int fd { 0 };
    RedirectionType type { RedirectionType::Read };
    String target; // raw word
};

struct SubshellBody;

struct SimpleCommand {
    Vector<String> assignments; // raw `NAME=value` words before the command name
    Vector<String> words;
    Vector<Redirection> redirections;
    // `( list )`: run in a child shell. Shared, not copied, when a subshell child takes the AST.
    ktl::RefPtr<SubshellBody> subshell;
};

struct Pipeline {
    Vector<SimpleCommand> commands;
    bool negated { false }; // `! pipeline`
};

enum class Connector : u8 {
    And, // &&
    Or, // ||
};

struct AndOrList {
    Vector<Pipeline> pipelines;
    Vector<Connector> connectors; // connectors[i] joins pipelines[i] and pipelines[i + 1]
};

struct ListItem {
    AndOrList and_or;
    bool background { false };
    String text; // the source text of the item (without a trailing `&`), for `jobs`
};

struct CommandList {
    Vector<ListItem> items;
};

struct SubshellBody : ktl::RefCounted<SubshellBody> {
    CommandList list;
};

enum class ParseStatus : u8 {
    Ok,
    // The input ends where more is required (open quote, trailing `|`, `&&`, `||`):
    // an interactive shell or a script reads another line; `sh -c` reports end of file.
    Incomplete,
    Error,
};

struct ParseResult {
    ParseStatus status { ParseStatus::Ok };
    CommandList list;
    String error; // e.g. "syntax error near unexpected token '|'" (no "sh: " prefix)
};

ParseResult parse(StringView source);

} // namespace shell
