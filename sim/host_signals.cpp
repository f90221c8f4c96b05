#include "host_signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace sim {

namespace {

    constexpr int s_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    std::function<bool(int)> s_ask_to_stop;
    std::mutex s_mutex;
    std::vector<std::function<void()>> s_hooks; // guarded by s_mutex
    std::atomic<int> s_terminating { 0 };

    [[noreturn]] void end_now(int signal)
    {
        {
            std::lock_guard lock(s_mutex);
            for (auto& hook : s_hooks)
                hook();
        }
        host_signals_reraise(signal);
        _exit(128 + signal);
    }

    void signal_thread()
    {
        sigset_t set;
        sigemptyset(&set);
        for (int s : s_signals)
            sigaddset(&set, s);
        for (;;) {
            int signal = 0;
            if (sigwait(&set, &signal) != 0)
                continue;
            if (signal == SIGQUIT || s_terminating.load() != 0)
                end_now(signal);
            s_terminating = signal;
            if (!s_ask_to_stop(128 + signal))
                end_now(signal);
        }
    }

} // namespace

void host_signals_start(std::function<bool(int status)> ask_to_stop)
{
    s_ask_to_stop = std::move(ask_to_stop);
    sigset_t set;
    sigemptyset(&set);
    for (int s : s_signals)
        sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread(signal_thread).detach();
}

void host_signals_on_emergency(std::function<void()> hook)
{
    std::lock_guard lock(s_mutex);
    s_hooks.push_back(std::move(hook));
}

int host_signals_terminating() { return s_terminating.load(); }

void host_signals_reraise(int signal)
{
    ::signal(signal, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signal);
    pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
    raise(signal);
}

} // namespace sim
