// Unit tests for the shell's lexer, parser and expander (apps/shell), which do not depend
// on the kernel: expansion asks a fake ExpansionContext for variables and directories.
#include "../../apps/shell/expand.h"
#include "../../apps/shell/parser.h"

#include <doctest/doctest.h>

using namespace shell;

namespace {

struct FakeContext final : ExpansionContext {
    Vector<String> names;
    Vector<String> values;
    Vector<String> directory_entries; // entries of every directory, for globbing
    mutable String listed_path;

    void set(StringView name, StringView value)
    {
        names.append(String(name));
        values.append(String(value));
    }

    bool lookup(StringView name, String& value) const override
    {
        for (usize i = 0; i < names.size(); ++i) {
            if (names[i] == name) {
                value = values[i];
                return true;
            }
        }
        return false;
    }

    void list_directory(StringView path, Vector<String>& out) const override
    {
        listed_path = path;
        for (auto& entry : directory_entries)
            out.append(entry);
    }
};

Vector<String> expand(StringView raw, FakeContext const& context)
{
    Vector<String> fields;
    String error;
    bool ok = expand_word(raw, context, fields, error);
    REQUIRE_MESSAGE(ok, error.c_str());
    return fields;
}

String expand_one(StringView raw, FakeContext const& context)
{
    auto fields = expand(raw, context);
    REQUIRE(fields.size() == 1);
    return fields[0];
}

Vector<TokenType> token_types(StringView source)
{
    Vector<Token> tokens;
    REQUIRE(tokenize(source, tokens) == LexStatus::Ok);
    Vector<TokenType> types;
    for (auto& token : tokens)
        types.append(token.type);
    return types;
}

ParseResult parse_ok(StringView source)
{
    ParseResult result = parse(source);
    REQUIRE_MESSAGE(result.status == ParseStatus::Ok, result.error.c_str());
    return result;
}

String parse_error(StringView source)
{
    ParseResult result = parse(source);
    REQUIRE(result.status == ParseStatus::Error);
    CHECK(result.list.items.is_empty());
    return result.error;
}

} // namespace

TEST_CASE("lexer: words, operators and io numbers")
{
    Vector<Token> tokens;
    REQUIRE(tokenize("ls /scheme|grep s>>out 2>&1 &&x||y; z &", tokens) == LexStatus::Ok);
    TokenType expected[] = { TokenType::Word, TokenType::Word, TokenType::Pipe, TokenType::Word, TokenType::Word,
        TokenType::DoubleGreat, TokenType::Word, TokenType::IoNumber, TokenType::GreatAnd, TokenType::Word,
        TokenType::AndIf, TokenType::Word, TokenType::OrIf, TokenType::Word, TokenType::Semicolon, TokenType::Word,
        TokenType::Ampersand, TokenType::End };
    REQUIRE(tokens.size() == sizeof expected / sizeof expected[0]);
    for (usize i = 0; i < tokens.size(); ++i)
        CHECK(tokens[i].type == expected[i]);
    CHECK(tokens[0].text == "ls");
    CHECK(tokens[1].text == "/scheme");
    CHECK(tokens[7].text == "2");
}

TEST_CASE("lexer: quotes keep blanks and operators inside one word")
{
    Vector<Token> tokens;
    REQUIRE(tokenize("echo 'a | b' \"c;d\" e\\ f ${X:-a b}", tokens) == LexStatus::Ok);
    REQUIRE(tokens.size() == 6);
    CHECK(tokens[1].text == "'a | b'");
    CHECK(tokens[2].text == "\"c;d\"");
    CHECK(tokens[3].text == "e\\ f");
    CHECK(tokens[4].text == "${X:-a b}");
}

TEST_CASE("lexer: comments, digits that are not io numbers, line continuation")
{
    auto types = token_types("echo a # not | this");
    CHECK(types.size() == 3);
    Vector<Token> tokens;
    REQUIRE(tokenize("echo 2 > f a#b", tokens) == LexStatus::Ok);
    CHECK(tokens[1].type == TokenType::Word); // "2 >" has a blank: not an io number
    CHECK(tokens[4].text == "a#b"); // # inside a word is not a comment
    tokens.clear();
    REQUIRE(tokenize("echo a\\\nb", tokens) == LexStatus::Ok);
    CHECK(tokens[1].text == "ab");
}

TEST_CASE("lexer: unterminated input is incomplete")
{
    Vector<Token> tokens;
    CHECK(tokenize("echo 'abc", tokens) == LexStatus::Incomplete);
    CHECK(tokenize("echo \"abc", tokens) == LexStatus::Incomplete);
    CHECK(tokenize("echo \"ab\\\"", tokens) == LexStatus::Incomplete);
    CHECK(tokenize("echo ${abc", tokens) == LexStatus::Incomplete);
    CHECK(tokenize("echo abc\\", tokens) == LexStatus::Incomplete);
}

TEST_CASE("parser: pipelines, and-or lists and background items")
{
    auto result = parse_ok("ls /scheme | grep s | wc -l && echo ok || echo no; sleep 1 &");
    auto& items = result.list.items;
    REQUIRE(items.size() == 2);
    auto& first = items[0].and_or;
    REQUIRE(first.pipelines.size() == 3);
    REQUIRE(first.connectors.size() == 2);
    CHECK(first.connectors[0] == Connector::And);
    CHECK(first.connectors[1] == Connector::Or);
    REQUIRE(first.pipelines[0].commands.size() == 3);
    CHECK(first.pipelines[0].commands[2].words[0] == "wc");
    CHECK(first.pipelines[0].commands[2].words[1] == "-l");
    CHECK_FALSE(items[0].background);
    CHECK(items[1].background);
    CHECK(items[1].text == "sleep 1");
    CHECK(items[0].text == "ls /scheme | grep s | wc -l && echo ok || echo no");
}

TEST_CASE("parser: redirections")
{
    auto result = parse_ok("cat < in >> out 2> err 2>>err2 2>&1 >&2 3<&- 4<>rw >|clob");
    auto& command = result.list.items[0].and_or.pipelines[0].commands[0];
    REQUIRE(command.words.size() == 1);
    REQUIRE(command.redirections.size() == 9);
    auto check = [&](usize i, int fd, RedirectionType type, StringView target) {
        CHECK(command.redirections[i].fd == fd);
        CHECK(command.redirections[i].type == type);
        CHECK(command.redirections[i].target == target);
    };
    check(0, 0, RedirectionType::Read, "in");
    check(1, 1, RedirectionType::Append, "out");
    check(2, 2, RedirectionType::Write, "err");
    check(3, 2, RedirectionType::Append, "err2");
    check(4, 2, RedirectionType::DuplicateOutput, "1");
    check(5, 1, RedirectionType::DuplicateOutput, "2");
    check(6, 3, RedirectionType::DuplicateInput, "-");
    check(7, 4, RedirectionType::ReadWrite, "rw");
    check(8, 1, RedirectionType::Write, "clob");
}

TEST_CASE("parser: assignments only before the command name")
{
    auto result = parse_ok("A=1 B='x y' env C=3 2=x");
    auto& command = result.list.items[0].and_or.pipelines[0].commands[0];
    REQUIRE(command.assignments.size() == 2);
    CHECK(command.assignments[0] == "A=1");
    CHECK(command.assignments[1] == "B='x y'");
    REQUIRE(command.words.size() == 3);
    CHECK(command.words[1] == "C=3");
    auto only = parse_ok("X=5");
    CHECK(only.list.items[0].and_or.pipelines[0].commands[0].words.is_empty());
    auto not_name = parse_ok("1X=5");
    CHECK(not_name.list.items[0].and_or.pipelines[0].commands[0].words.size() == 1);
}

TEST_CASE("parser: negation, newlines and empty input")
{
    auto result = parse_ok("! false\n\necho a |\n cat\n");
    REQUIRE(result.list.items.size() == 2);
    CHECK(result.list.items[0].and_or.pipelines[0].negated);
    CHECK(result.list.items[1].and_or.pipelines[0].commands.size() == 2);
    CHECK(parse_ok("").list.items.is_empty());
    CHECK(parse_ok("   # just a comment").list.items.is_empty());
    CHECK(parse_ok("\n\n").list.items.is_empty());
    CHECK(parse_ok("echo a;").list.items.size() == 1);
}

TEST_CASE("parser: syntax errors name the unexpected token")
{
    CHECK(parse_error("| foo") == "syntax error near unexpected token '|'");
    CHECK(parse_error("echo a | | b") == "syntax error near unexpected token '|'");
    CHECK(parse_error(";") == "syntax error near unexpected token ';'");
    CHECK(parse_error("echo a ;; echo b") == "syntax error near unexpected token ';'");
    CHECK(parse_error("&") == "syntax error near unexpected token '&'");
    CHECK(parse_error("echo >") == "syntax error near unexpected token 'newline'");
    CHECK(parse_error("echo > ;") == "syntax error near unexpected token ';'");
    CHECK(parse_error("echo a && && b") == "syntax error near unexpected token '&&'");
    CHECK(parse_error("echo (a)") == "syntax error near unexpected token '('");
    CHECK(parse_error("cat << EOF") == "here-documents are not supported");
    // Nothing of a line with an error runs, even the commands before it.
    CHECK(parse_error("echo first; echo second |;").length() > 0);
}

TEST_CASE("parser: a trailing operator or open quote is incomplete")
{
    CHECK(parse("echo a |").status == ParseStatus::Incomplete);
    CHECK(parse("echo a &&").status == ParseStatus::Incomplete);
    CHECK(parse("echo a ||\n").status == ParseStatus::Incomplete);
    CHECK(parse("echo 'a").status == ParseStatus::Incomplete);
    CHECK(parse("echo 'a\nb'").status == ParseStatus::Ok);
}

TEST_CASE("parser: very long input does not crash")
{
    String line;
    for (int i = 0; i < 20000; ++i)
        line.append("a | ");
    line.append("b");
    auto result = parse_ok(line);
    CHECK(result.list.items[0].and_or.pipelines[0].commands.size() == 20001);
    String semicolons;
    for (int i = 0; i < 5000; ++i)
        semicolons.append(";");
    CHECK(parse(semicolons).status == ParseStatus::Error);
}

TEST_CASE("expand: quotes and escapes are removed")
{
    FakeContext context;
    context.set("X", "value");
    CHECK(expand_one("'a b'", context) == "a b");
    CHECK(expand_one("\"a b\"", context) == "a b");
    CHECK(expand_one("a\\ b", context) == "a b");
    CHECK(expand_one("'$X'", context) == "$X");
    CHECK(expand_one("\"$X\"", context) == "value");
    CHECK(expand_one("\"\\$X\"", context) == "$X");
    CHECK(expand_one("\\$X", context) == "$X");
    CHECK(expand_one("\"a\\nb\"", context) == "a\\nb"); // \n is not special in "..."
    CHECK(expand_one("\"q\\\"q\"", context) == "q\"q");
    CHECK(expand_one("pre'mid'\"$X\"post", context) == "premidvaluepost");
    CHECK(expand_one("''", context) == "");
    CHECK(expand_one("$", context) == "$");
    CHECK(expand_one("a$", context) == "a$");
}

TEST_CASE("expand: variables and special parameters")
{
    FakeContext context;
    context.set("HOME", "/home/user");
    context.set("NAME", "redox");
    context.set("?", "3");
    context.set("$", "42");
    context.set("1", "first");
    CHECK(expand_one("$NAME", context) == "redox");
    CHECK(expand_one("${NAME}s", context) == "redoxs");
    CHECK(expand("$NAMEs", context).is_empty()); // the name is NAMEs, which is unset
    CHECK(expand("$UNSET", context).is_empty());
    CHECK(expand_one("\"$UNSET\"", context) == "");
    CHECK(expand_one("$?", context) == "3");
    CHECK(expand_one("$$", context) == "42");
    CHECK(expand_one("$1", context) == "first");
    CHECK(expand_one("~", context) == "/home/user");
    CHECK(expand_one("~/bin", context) == "/home/user/bin");
    CHECK(expand_one("'~'", context) == "~");
    CHECK(expand_one("a~", context) == "a~");
    CHECK(expand_one("${#NAME}", context) == "5");
}

TEST_CASE("expand: default values")
{
    FakeContext context;
    context.set("SET", "yes");
    context.set("EMPTY", "");
    CHECK(expand_one("${UNSET:-fallback}", context) == "fallback");
    CHECK(expand_one("${EMPTY:-fallback}", context) == "fallback");
    CHECK(expand("${EMPTY-fallback}", context).is_empty());
    CHECK(expand_one("${SET:-fallback}", context) == "yes");
    CHECK(expand_one("${SET:+alt}", context) == "alt");
    CHECK(expand("${UNSET:+alt}", context).is_empty());
    CHECK(expand_one("${UNSET:-$SET}", context) == "yes");
    Vector<String> fields;
    String error;
    CHECK_FALSE(expand_word("${UNSET:?must be set}", context, fields, error));
    CHECK(error == "UNSET: must be set");
}

TEST_CASE("expand: field splitting of unquoted expansions only")
{
    FakeContext context;
    context.set("LIST", "  a b\tc  ");
    auto fields = expand("$LIST", context);
    REQUIRE(fields.size() == 3);
    CHECK(fields[0] == "a");
    CHECK(fields[2] == "c");
    CHECK(expand_one("\"$LIST\"", context) == "  a b\tc  ");
    auto joined = expand("x${LIST}y", context);
    REQUIRE(joined.size() == 5);
    CHECK(joined[0] == "x");
    CHECK(joined[4] == "y");
    String single;
    String error;
    REQUIRE(expand_word_single("$LIST", context, single, error));
    CHECK(single == "  a b\tc  ");
}

TEST_CASE("expand: bad substitutions are errors, not crashes")
{
    FakeContext context;
    Vector<String> fields;
    String error;
    CHECK_FALSE(expand_word("${}", context, fields, error));
    CHECK(error == "${}: bad substitution");
    CHECK_FALSE(expand_word("${a b}", context, fields, error));
    CHECK_FALSE(expand_word("${X%y}", context, fields, error));
    CHECK_FALSE(expand_word("${#X:-y}", context, fields, error));
}

TEST_CASE("glob_match")
{
    CHECK(glob_match("*", "anything"));
    CHECK(glob_match("*.txt", "a.txt"));
    CHECK_FALSE(glob_match("*.txt", "a.txt.bak"));
    CHECK(glob_match("a?c", "abc"));
    CHECK_FALSE(glob_match("a?c", "ac"));
    CHECK(glob_match("[a-c]x", "bx"));
    CHECK_FALSE(glob_match("[!a-c]x", "bx"));
    CHECK(glob_match("[!a-c]x", "dx"));
    CHECK(glob_match("*a*b*", "xxaxxbxx"));
    CHECK(glob_match("\\*", "*"));
    CHECK_FALSE(glob_match("\\*", "a"));
    CHECK(glob_match("[", "["));
    CHECK(glob_match("", ""));
    CHECK_FALSE(glob_match("", "a"));
}

TEST_CASE("expand: pathname expansion in one directory level")
{
    FakeContext context;
    context.directory_entries.append("b.txt");
    context.directory_entries.append("a.txt");
    context.directory_entries.append(".hidden.txt");
    context.directory_entries.append("c.log");
    auto fields = expand("*.txt", context);
    REQUIRE(fields.size() == 2);
    CHECK(fields[0] == "a.txt"); // sorted
    CHECK(fields[1] == "b.txt");
    CHECK(context.listed_path == "");

    fields = expand("/scheme/*.log", context);
    REQUIRE(fields.size() == 1);
    CHECK(fields[0] == "/scheme/c.log");
    CHECK(context.listed_path == "/scheme/");

    CHECK(expand(".*", context).size() == 1); // dot files only with a leading dot
    CHECK(expand_one("*.none", context) == "*.none"); // no match: the pattern stays
    CHECK(expand_one("'*'.txt", context) == "*.txt"); // quoted: no globbing
    CHECK(expand_one("\\*.txt", context) == "*.txt");
    CHECK(expand_one("*/x*", context) == "*/x*"); // patterns in directories are not expanded
    context.set("PATTERN", "*.txt");
    CHECK(expand("$PATTERN", context).size() == 2);
    CHECK(expand_one("\"$PATTERN\"", context) == "*.txt");
}

TEST_CASE("parser: subshells")
{
    auto result = parse_ok("(cd /tmp; ls | wc -l) > out && echo ok");
    auto& pipeline = result.list.items[0].and_or.pipelines[0];
    REQUIRE(pipeline.commands.size() == 1);
    auto& command = pipeline.commands[0];
    REQUIRE(command.subshell);
    CHECK(command.words.is_empty());
    REQUIRE(command.subshell->list.items.size() == 2);
    CHECK(command.subshell->list.items[1].and_or.pipelines[0].commands.size() == 2);
    REQUIRE(command.redirections.size() == 1);
    CHECK(command.redirections[0].target == "out");

    auto nested = parse_ok("((echo a) | cat) &");
    CHECK(nested.list.items[0].background);
    CHECK(
        nested.list.items[0].and_or.pipelines[0].commands[0].subshell->list.items[0].and_or.pipelines[0].commands.size()
        == 2);

    CHECK(parse("(echo a").status == ParseStatus::Incomplete);
    CHECK(parse("(echo a\n").status == ParseStatus::Incomplete);
    CHECK(parse_error("()") == "syntax error near unexpected token ')'");
    CHECK(parse_error("echo a)") == "syntax error near unexpected token ')'");
    CHECK(parse_error("(echo a) b") == "syntax error near unexpected token 'b'");
}
