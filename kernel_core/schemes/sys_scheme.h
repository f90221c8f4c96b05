#pragma once
// `sys`: kernel information as text files (uname, context, scheme, exe, cpu, log, stat,
// syscall, env) and the write-only `kstop` ("shutdown [status]" or "reset").
#include "generated_file_scheme.h"

namespace kernel {

class SysScheme final : public GeneratedFileScheme {
protected:
    ktl::Vector<Entry> list(StringView directory) override;
    bool generate(StringView path, ktl::String& out) override;
    ErrorOr<usize> write_file(StringView path, const void* buffer, usize length, const Caller&) override;
};

// `initfs`: the programs linked into this image, as bin/NAME executables (Redox's initfs).
class InitfsScheme final : public GeneratedFileScheme {
protected:
    ktl::Vector<Entry> list(StringView directory) override;
    bool generate(StringView path, ktl::String& out) override;
};

} // namespace kernel
