#include "echo_scheme.h"

#include "redox/io.h"

namespace bench {

int serve_echo_scheme(void* argument)
{
    auto* scheme = static_cast<EchoScheme*>(argument);
    ktl::String path(":");
    path.append(scheme->name);
    long channel = sys::open(path, redox::O_CREAT | redox::O_RDWR);
    scheme->ready = true;
    if (channel < 0)
        return 1;
    redox::SchemeRequest requests[16];
    redox::SchemeCompletion completions[16];
    for (;;) {
        long n = sys::read(static_cast<int>(channel), requests, sizeof requests);
        if (n <= 0)
            return 0;
        usize answers = 0;
        for (usize i = 0; i < static_cast<usize>(n) / sizeof(redox::SchemeRequest); ++i) {
            const redox::SchemeRequest& r = requests[i];
            if (r.flags & redox::REQUEST_FLAG_ONEWAY)
                continue;
            u64 result = r.opcode == redox::OP_OPENAT ? 1 : r.opcode == redox::OP_WRITE ? r.args[2] : 0;
            completions[answers++] = { redox::COMPLETION_RESPOND_REGULAR, {}, r.tag, result };
        }
        if (answers)
            io::write_all(static_cast<int>(channel), completions, answers * sizeof(redox::SchemeCompletion));
    }
}

} // namespace bench
