#pragma once
// Word expansion, in POSIX order: tilde, parameters (`$X`, `${X}`, `${X:-word}`, `$?`...),
// field splitting of unquoted results, pathname expansion (`*`, `?`, `[...]` within one
// directory level), and quote removal.
//
// The expander knows nothing about processes: it asks an ExpansionContext for variables and
// directory listings, so it can be unit-tested on the host.
#include "lexer.h"

namespace shell {

class ExpansionContext {
public:
    ExpansionContext() = default;
    ExpansionContext(ExpansionContext const&) = default;
    ExpansionContext& operator=(ExpansionContext const&) = default;
    virtual ~ExpansionContext() = default;
    // The value of a variable or special parameter (`?`, `$`, `!`, `#`, `0`-`9`, `@`, `*`);
    // false when it is unset.
    virtual bool lookup(StringView name, String& value) const = 0;
    // Appends the entry names of the directory `path` ("" means the current directory).
    virtual void list_directory(StringView path, Vector<String>& names) const = 0;
};

// Expands a command word into zero or more fields. Returns false with `error` set
// (e.g. "${: bad substitution") when the word cannot be expanded.
bool expand_word(StringView raw, ExpansionContext const&, Vector<String>& fields, String& error);

// Expands without field splitting or pathname expansion, as for the value of `NAME=value`.
bool expand_word_single(StringView raw, ExpansionContext const&, String& out, String& error);

// Shell pattern matching (`*`, `?`, `[a-z]`, `[!x]`) of a whole name.
bool glob_match(StringView pattern, StringView name);

} // namespace shell
