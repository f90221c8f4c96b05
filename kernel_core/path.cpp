#include "path.h"

#include "context.h"
#include "kernel.h"
#include "namespace.h"

namespace kernel {

ErrorOr<ktl::String> canonicalize_path(StringView cwd, StringView path)
{
    // PATH_MAX applies to what the caller passed, even if it would canonicalise to less.
    if (path.length() > max_path_length)
        return errno_error(redox::ENAMETOOLONG);
    ktl::String joined;
    if (path.is_empty() || path[0] != '/') {
        joined = cwd;
        joined.append('/');
    }
    joined.append(path);

    ktl::String out;
    StringView text = joined.view();
    usize i = 0;
    while (i < text.length()) {
        while (i < text.length() && text[i] == '/')
            ++i;
        usize start = i;
        while (i < text.length() && text[i] != '/')
            ++i;
        StringView part = text.substring(start, i - start);
        if (part.is_empty() || part == ".")
            continue;
        if (part.length() > max_name_length)
            return errno_error(redox::ENAMETOOLONG);
        if (part == "..") {
            // Drop the last component (".." at the root stays at the root).
            isize slash = -1;
            for (usize j = 0; j < out.length(); ++j)
                if (out[j] == '/')
                    slash = static_cast<isize>(j);
            out.truncate(slash < 0 ? 0 : static_cast<usize>(slash));
            continue;
        }
        out.append('/');
        out.append(part);
    }
    if (out.is_empty())
        out = "/";
    if (out.length() > max_path_length)
        return errno_error(redox::ENAMETOOLONG);
    return out;
}

static ErrorOr<ResolvedPath> lookup(const Context& context, StringView scheme_name, StringView reference)
{
    Namespace* ns = the_kernel().namespaces().get(context.ens);
    Scheme* scheme = ns ? ns->find(scheme_name) : nullptr;
    if (!scheme) {
        // In capability mode the answer is "not allowed", not "no such scheme".
        return errno_error(context.ens == NamespaceTable::null_namespace ? redox::EACCES : redox::ENODEV);
    }
    return ResolvedPath { scheme, ktl::String(scheme_name), ktl::String(reference) };
}

ErrorOr<ResolvedPath> resolve_path(const Context& context, StringView path)
{
    if (path.is_empty())
        return errno_error(redox::ENOENT);
    if (path.length() > max_path_length)
        return errno_error(redox::ENAMETOOLONG);
    if (path.contains('\0'))
        return errno_error(redox::EINVAL);

    // Legacy NAME:rest, recognised when the ':' comes before any '/'.
    if (path[0] != '/') {
        isize colon = path.find(':');
        isize slash = path.find('/');
        if (colon >= 0 && (slash < 0 || colon < slash))
            return lookup(
                context, path.substring(0, static_cast<usize>(colon)), path.substring(static_cast<usize>(colon) + 1));
    }

    ktl::String canonical = TRY(canonicalize_path(context.cwd.view(), path));
    StringView c = canonical.view();
    if (c == "/scheme")
        return lookup(context, "", "");
    if (c.starts_with("/scheme/")) {
        StringView rest = c.substring(8);
        isize slash = rest.find('/');
        if (slash < 0)
            return lookup(context, rest, "");
        return lookup(
            context, rest.substring(0, static_cast<usize>(slash)), rest.substring(static_cast<usize>(slash) + 1));
    }
    return lookup(context, "file", c.substring(1));
}

ktl::String display_path(StringView scheme_name, StringView reference)
{
    // Schemes may answer fpath with or without a leading '/' (memfs adds one): one separator.
    while (!reference.is_empty() && reference[0] == '/')
        reference = reference.substring(1);
    ktl::String out;
    if (scheme_name == "file") {
        out = "/";
    } else {
        out = "/scheme";
        if (!scheme_name.is_empty()) {
            out.append('/');
            out.append(scheme_name);
        }
        if (!reference.is_empty())
            out.append('/');
    }
    out.append(reference);
    return out;
}

} // namespace kernel
