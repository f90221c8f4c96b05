#include "kernel.h"
#include "abi/redox/flags.h"

#include "context.h"
#include "hal/block_device.h"
#include "hal/clock.h"
#include "hal/entropy.h"
#include "hal/platform.h"
#include "klog.h"
#include "namespace.h"
#include "process.h"
#include "scheduler.h"
#include "schemes/basic_schemes.h"
#include "schemes/debug_scheme.h"
#include "schemes/disk_scheme.h"
#include "schemes/display_scheme.h"
#include "schemes/input_scheme.h"
#include "schemes/irq_scheme.h"
#include "schemes/memory_scheme.h"
#include "schemes/pty_scheme.h"
#include "hal/display.h"
#include "schemes/event_scheme.h"
#include "schemes/pipe_scheme.h"
#include "schemes/sys_scheme.h"
#include "schemes/time_scheme.h"
#include "schemes/user_scheme.h"
#include "signals.h"

namespace kernel {

static Kernel* s_kernel = nullptr;
static EventScheme* s_event_scheme = nullptr;

Kernel& the_kernel() { return *s_kernel; }
Context& current() { return s_kernel->scheduler().current(); }
EventScheme& event_scheme() { return *s_event_scheme; }

void on_timer()
{
    if (s_kernel)
        s_kernel->scheduler().on_timer();
}

void preempt_from_interrupt()
{
    if (!s_kernel || !s_kernel->scheduler().has_current())
        return;
    s_kernel->scheduler().preemption_point();
    // A program that never makes a syscall still gets its signals (kill -9 of a busy loop).
    Context& self = s_kernel->scheduler().current();
    if (self.pending_signals)
        deliver_signals(self);
}

static u8 seed_bytes(u64 seed, int i)
{
    return static_cast<u8>((seed * 0x9E3779B97F4A7C15ull + static_cast<u64>(i) * 0xBF58476D1CE4E5B9ull) >> 56);
}

Kernel::Kernel(const BootConfig& config) : m_config(config)
{
    if (s_kernel)
        hal::panic("a kernel is already booted in this process");
    s_kernel = this;
    m_boot_ns = hal::monotonic_ns();
    m_log = new KernelLog;
    m_scheduler = new Scheduler(config.time_slice_ns);
    m_contexts = new ContextTable;
    m_namespaces = new NamespaceTable;
    u8 seed[32];
    if (config.seed) {
        for (int i = 0; i < 32; ++i)
            seed[i] = seed_bytes(config.seed, i);
    } else {
        hal::entropy_fill(seed, sizeof seed);
    }
    m_random = new Random(seed);
    m_debug = new DebugScheme;
    s_event_scheme = new EventScheme;

    Namespace& root = m_namespaces->root();
    auto add = [&](const char* name, Scheme* scheme) {
        scheme->set_name(name);
        (void)root.insert(name, scheme);
    };
    add("", new RootScheme);
    add("debug", m_debug);
    add("event", s_event_scheme);
    add("null", new NullScheme);
    add("zero", new ZeroScheme);
    add("rand", new RandScheme);
    add("pipe", new PipeScheme);
    add("pty", new PtyScheme);
    add("time", new TimeScheme);
    add("sys", new SysScheme);
    add("initfs", new InitfsScheme);
    if (hal::disk_block_count())
        add("disk", new DiskScheme);
    // Input always exists (an input device may appear later); the screen only with one.
    m_input = new InputScheme;
    add("input", m_input);
    if (hal::display_info().width)
        add("display", new DisplayScheme);
    // Drivers: interrupt lines and physical memory (root only).
    add("irq", new IrqScheme);
    add("memory", new MemoryScheme);
    ktl::Vector<ktl::String> defaults;
    for (const char* name : { "", "event", "pipe", "sys", "time" })
        defaults.append(name);
    m_namespaces->set_defaults(defaults);
    (void)m_namespaces->get(NamespaceTable::null_namespace)->insert("pipe", root.find("pipe"));
    KLOG_INFO("kernel", "Redox-style kernel %s booting on %s", config.version.c_str(), hal::platform_arch());
}

Kernel::~Kernel()
{
    // Contexts still alive at shutdown are abandoned with their stacks (freed by the HAL);
    // the scheme objects stay referenced by namespaces and are released with them.
    delete m_contexts;
    delete m_namespaces;
    delete m_scheduler;
    delete m_random;
    delete m_log;
    s_kernel = nullptr;
    s_event_scheme = nullptr;
}

int Kernel::run()
{
    if (m_config.init_args.is_empty())
        hal::panic("no init program given");
    Program* init = find_program(m_config.init_args[0].view());
    if (!init)
        hal::panic("the init program is not in the program registry");
    create_init(*init, m_config.init_args);
    int status = m_scheduler->run_until_stopped();
    KLOG_INFO("kernel", "stopped with status %d after %lu syscalls, %lu context switches", status,
        static_cast<unsigned long>(m_syscall_count), static_cast<unsigned long>(m_scheduler->context_switches()));
    return status;
}

void Kernel::request_shutdown(int status) { m_scheduler->request_stop(status); }

void Kernel::request_terminate(int status)
{
    if (m_terminate_timer.is_armed())
        return;
    Context* init = m_contexts->find(1);
    if (!init || init->state == ContextState::Zombie) {
        request_shutdown(status);
        return;
    }
    KLOG_INFO("kernel", "terminate requested: SIGTERM to init");
    raise_signal(*init, redox::SIGTERM);
    m_terminate_status = status;
    m_terminate_timer.owner = this;
    m_terminate_timer.callback = [](Timer& timer) {
        auto* kernel = static_cast<Kernel*>(timer.owner);
        KLOG_WARN("kernel", "init did not shut down after SIGTERM: stopping");
        kernel->request_shutdown(kernel->m_terminate_status);
    };
    m_scheduler->arm(m_terminate_timer, hal::monotonic_ns() + TERMINATE_GRACE_NS);
}

} // namespace kernel
