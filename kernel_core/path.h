#pragma once
// Path resolution: "everything is a URL".
//   /scheme/NAME/rest  -> scheme NAME, reference "rest" (canonicalised first)
//   NAME:rest          -> scheme NAME, reference "rest" untouched (legacy form)
//   /scheme            -> the root scheme "" (lists the caller's schemes)
//   any other path     -> the `file` scheme, reference without the leading '/'
// Relative paths are taken against the caller's cwd.
#include "ktl/ref_ptr.h"
#include "ktl/result.h"
#include "ktl/string.h"
#include "scheme.h"

namespace kernel {

struct Context;

constexpr usize max_path_length = 4096;
constexpr usize max_name_length = 255;

struct ResolvedPath {
    ktl::RefPtr<Scheme> scheme;
    ktl::String scheme_name;
    ktl::String reference;
};

// Joins `path` to `cwd` (when relative) and removes ".", "..", "//" and trailing '/'.
// The result always starts with '/'.
ErrorOr<ktl::String> canonicalize_path(StringView cwd, StringView path);

// Validates the caller's bytes (length, embedded NUL) and resolves them in ens.
ErrorOr<ResolvedPath> resolve_path(const Context& context, StringView path);

// The path a user sees for a scheme reference ("/scheme/NAME/ref", or "/ref" for file).
ktl::String display_path(StringView scheme_name, StringView reference);

} // namespace kernel
