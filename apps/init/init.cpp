// init: the first process. It starts the file system daemon from initfs, lays out the base
// tree on first boot (/bin from initfs, /etc/init.rc), then runs /etc/init.rc:
//
//   # comment
//   export NAME value      set an environment variable for what follows
//   cd PATH                change directory
//   run PROGRAM ARGS...    start a program and wait for it
//   daemon PROGRAM ARGS... start a program in the background
//   shell                  start the console shell (or, with --run CMD, `sh -c CMD`);
//                          the system shuts down with its status when it ends. When the
//                          platform has a screen (/scheme/display) and there is no --run,
//                          it starts the desktop instead: `orbitald launcher terminal`
//                          (falling back to the console shell if orbitald fails)
//
// Meanwhile init reaps orphans. `init --run CMD` is how `redox-sim --run` works.
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

namespace {

using ktl::String;
using ktl::StringView;
using ktl::Vector;

constexpr StringView default_init_rc = "# Redox init script: see apps/init/init.cpp for the commands.\n"
                                       "export PATH /bin\n"
                                       "export HOME /root\n"
                                       "export USER root\n"
                                       "export SHELL /bin/sh\n"
                                       "cd /\n"
                                       "shell\n";

struct Spawn {
    const char* path;
    char* const* argv;
    char* const* envp;
    bool new_group;
};

int spawned_main(void* argument)
{
    auto* spawn = static_cast<Spawn*>(argument);
    if (spawn->new_group)
        sys::setpgid(0, 0);
    long r = sys::execve(spawn->path, spawn->argv, spawn->envp);
    io::report_error("init", spawn->path, r);
    return 127;
}

// SIGTERM (redox-sim got SIGTERM or SIGHUP from Linux) asks init to shut the system down
// cleanly: the handler only notes it; init's waits see EINTR and shut down.
volatile bool s_terminate = false;
void on_terminate(int) { s_terminate = true; }
constexpr int TERMINATED_STATUS = 128 + redox::SIGTERM;

class Init {
public:
    Init(char** envp, StringView run_command) : m_run_command(run_command)
    {
        for (char** e = envp; e && *e; ++e)
            m_env.append(*e);
    }

    int main();

private:
    long spawn(const Vector<String>& args, bool new_group);
    int wait_for(long pid);
    bool start_file_system();
    void populate_base_tree();
    void write_default_driver_configs();
    void start_driver_supervisor();
    void run_script(StringView script);
    int run_shell();
    void run_desktop();
    void set_env(StringView name, StringView value);
    [[noreturn]] void shutdown(int status);

    StringView m_run_command;
    Vector<String> m_env;
};

long Init::spawn(const Vector<String>& args, bool new_group)
{
    if (args.is_empty())
        return -redox::EINVAL;
    Vector<char*> argv;
    for (const String& a : args)
        argv.append(const_cast<char*>(a.c_str()));
    argv.append(nullptr);
    Vector<char*> envp;
    for (const String& e : m_env)
        envp.append(const_cast<char*>(e.c_str()));
    envp.append(nullptr);
    String path;
    char** env_array = envp.data();
    if (!io::find_in_path(env_array, args[0], path)) {
        // Before /bin exists, programs come straight from initfs.
        path = "/scheme/initfs/bin/";
        path.append(args[0]);
    }
    Spawn spawn { path.c_str(), argv.data(), envp.data(), new_group };
    return sys::clone(redox::CLONE_VFORK, spawned_main, &spawn);
}

int Init::wait_for(long pid)
{
    // Reap everything (orphans are re-parented to init) until `pid` is done.
    for (;;) {
        int status = 0;
        long r = sys::waitpid(-1, &status, 0);
        if (r == -redox::EINTR && s_terminate)
            shutdown(TERMINATED_STATUS);
        if (r == -redox::EINTR)
            continue;
        if (r < 0)
            return 127;
        if (r == pid)
            return redox::wifexited(status) ? redox::wexitstatus(status) : 128 + redox::wtermsig(status);
    }
}

bool Init::start_file_system()
{
    // With a boot disk (redox-sim --image) the files live on it, served by redoxfsd;
    // otherwise in memory, served by filed.
    const char* daemon = "filed";
    long disk = sys::open("/scheme/disk/0", redox::O_STAT | redox::O_RDONLY);
    if (disk >= 0) {
        sys::close(static_cast<int>(disk));
        daemon = "redoxfsd";
    }
    Vector<String> args;
    args.append(daemon);
    long pid = spawn(args, true);
    if (pid < 0) {
        io::report_error("init", daemon, pid);
        return false;
    }
    // Wait until the daemon has registered `file` (it does so before serving anything).
    for (int attempt = 0; attempt < 5000; ++attempt) {
        long fd = sys::open("/", redox::O_STAT | redox::O_RDONLY | redox::O_DIRECTORY);
        if (fd >= 0) {
            sys::close(static_cast<int>(fd));
            return true;
        }
        int status = 0;
        if (sys::waitpid(pid, &status, redox::WNOHANG) == pid) {
            io::print(2, "init: %s exited before serving the file scheme\n", daemon);
            return false;
        }
        redox::TimeSpec nap { 0, 1'000'000, 0 };
        sys::nanosleep(nap, nullptr);
    }
    io::print(2, "init: the file scheme did not appear\n");
    return false;
}

void Init::populate_base_tree()
{
    long dir = sys::open("/scheme/initfs/bin", redox::O_RDONLY | redox::O_DIRECTORY);
    if (dir < 0) {
        io::report_error("init", "/scheme/initfs/bin", dir);
        return;
    }
    io::DirReader reader(static_cast<int>(dir));
    io::DirReader::Entry entry;
    while (reader.next(entry) > 0) {
        String target("/bin/");
        target.append(entry.name);
        String source("/scheme/initfs/bin/");
        source.append(entry.name);
        long out = sys::open(target, redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | 0755);
        if (out == -redox::EEXIST)
            continue;
        if (out < 0) {
            io::report_error("init", target, out);
            continue;
        }
        long in = sys::open(source, redox::O_RDONLY);
        String content;
        if (in >= 0) {
            io::read_all(static_cast<int>(in), content);
            sys::close(static_cast<int>(in));
        }
        io::write_all(static_cast<int>(out), content);
        sys::close(static_cast<int>(out));
    }
    sys::close(static_cast<int>(dir));

    long rc = sys::open("/etc/init.rc", redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | 0644);
    if (rc >= 0) {
        io::write_all(static_cast<int>(rc), default_init_rc);
        sys::close(static_cast<int>(rc));
    }
}

// The drivers driverd supervises (apps/drivers/driver_config.h): a default for each
// driver of this system, written when missing so that an edited file stays as it is.
void Init::write_default_driver_configs()
{
    struct Default {
        StringView name;
        StringView text;
    };
    const Default defaults[] = {
        { "serial", "command=serial-driver\nscheme=uart\nautostart=yes\n" },
        { "ata", "command=ata-driver\nscheme=disk.ata\nautostart=yes\n" },
        { "rtc", "command=rtc-driver\nscheme=rtc\nautostart=yes\n" },
    };
    sys::mkdir("/etc/drivers", 0755);
    for (const Default& config : defaults) {
        String path("/etc/drivers/");
        path.append(config.name);
        long fd = sys::open(path, redox::O_CREAT | redox::O_EXCL | redox::O_WRONLY | 0644);
        if (fd == -redox::EEXIST)
            continue;
        if (fd < 0) {
            io::report_error("init", path, fd);
            continue;
        }
        io::write_all(static_cast<int>(fd), config.text);
        sys::close(static_cast<int>(fd));
    }
}

// driverd starts and restarts the drivers; init only reaps it should it end.
void Init::start_driver_supervisor()
{
    Vector<String> args;
    args.append("driverd");
    if (long pid = spawn(args, true); pid < 0)
        io::report_error("init", "driverd", pid);
}

void Init::set_env(StringView name, StringView value)
{
    String entry(name);
    entry.append('=');
    entry.append(value);
    for (String& e : m_env) {
        StringView v = e.view();
        if (v.length() > name.length() && v.starts_with(name) && v[name.length()] == '=') {
            e = entry;
            return;
        }
    }
    m_env.append(static_cast<String&&>(entry));
}

static Vector<String> split_words(StringView line)
{
    Vector<String> words;
    usize i = 0;
    while (i < line.length()) {
        while (i < line.length() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        usize start = i;
        while (i < line.length() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            words.append(line.substring(start, i - start));
    }
    return words;
}

// Runs the desktop while there is a screen; returns at once when headless.
void Init::run_desktop()
{
    long display = sys::open("/scheme/display", redox::O_RDONLY);
    if (display < 0)
        return;
    sys::close(static_cast<int>(display));
    Vector<String> args;
    args.append("orbitald");
    args.append("launcher");
    args.append("terminal");
    long pid = spawn(args, true);
    if (pid < 0) {
        io::report_error("init", "orbitald", pid);
        return;
    }
    // orbitald shuts the system down itself when the host window closes; if it exits
    // otherwise, the console shell takes over.
    int status = wait_for(pid);
    io::print(2, "init: orbitald exited with status %d; starting the console shell\n", status);
}

int Init::run_shell()
{
    if (m_run_command.is_empty())
        run_desktop();
    Vector<String> args;
    args.append("sh");
    if (!m_run_command.is_empty()) {
        args.append("-c");
        args.append(m_run_command);
    }
    long pid = spawn(args, true);
    if (pid < 0) {
        io::report_error("init", "sh", pid);
        return 127;
    }
    // The shell's group owns the console (Ctrl-C goes to what it runs in the foreground).
    long pgrp = sys::dup(0, "pgrp");
    if (pgrp >= 0) {
        char text[24];
        usize n = ktl::format_buffer(text, sizeof text, "%ld", pid);
        sys::write(static_cast<int>(pgrp), text, n);
        sys::close(static_cast<int>(pgrp));
    }
    return wait_for(pid);
}

void Init::run_script(StringView script)
{
    usize start = 0;
    while (start < script.length()) {
        isize newline = script.find('\n', start);
        usize end = newline < 0 ? script.length() : static_cast<usize>(newline);
        StringView line = script.substring(start, end - start);
        start = end + 1;
        Vector<String> words = split_words(line);
        if (words.is_empty() || words[0].view().starts_with("#"))
            continue;
        StringView command = words[0].view();
        if (command == "export" && words.size() >= 2) {
            set_env(words[1], words.size() >= 3 ? words[2].view() : StringView());
        } else if (command == "cd" && words.size() == 2) {
            if (long r = sys::chdir(words[1]); r < 0)
                io::report_error("init: cd", words[1], r);
        } else if ((command == "run" || command == "daemon") && words.size() >= 2) {
            Vector<String> args;
            for (usize i = 1; i < words.size(); ++i)
                args.append(words[i]);
            long pid = spawn(args, true);
            if (pid < 0)
                io::report_error("init", args[0], pid);
            else if (command == "run")
                wait_for(pid);
        } else if (command == "shell") {
            shutdown(run_shell());
        } else {
            io::print(2, "init: /etc/init.rc: unknown command '%s'\n", words[0].c_str());
        }
    }
}

void Init::shutdown(int status)
{
    long fd = sys::open("/scheme/sys/kstop", redox::O_WRONLY);
    char text[32];
    usize n = ktl::format_buffer(text, sizeof text, "shutdown %d", status);
    if (fd >= 0)
        sys::write(static_cast<int>(fd), text, n);
    sys::exit(status);
}

int Init::main()
{
    if (!start_file_system())
        shutdown(1);
    populate_base_tree();
    write_default_driver_configs();
    start_driver_supervisor();
    long rc = sys::open("/etc/init.rc", redox::O_RDONLY);
    String script;
    if (rc >= 0) {
        io::read_all(static_cast<int>(rc), script);
        sys::close(static_cast<int>(rc));
    } else {
        io::report_error("init", "/etc/init.rc", rc);
        script = default_init_rc;
    }
    run_script(script);
    // A script without `shell`: keep reaping until told to stop.
    for (;;) {
        int status;
        long r = sys::waitpid(-1, &status, 0);
        if (s_terminate)
            shutdown(TERMINATED_STATUS);
        if (r == -redox::ECHILD) {
            redox::TimeSpec nap { 1, 0, 0 };
            sys::nanosleep(nap, nullptr);
        }
    }
}

int init_main(int argc, char** argv, char** envp)
{
    StringView run_command;
    for (int i = 1; i < argc; ++i) {
        if (StringView(argv[i]) == "--run" && i + 1 < argc)
            run_command = argv[++i];
    }
    sys::sigaction(redox::SIGTERM, reinterpret_cast<unsigned long>(&on_terminate), nullptr);
    Init init(envp, run_command);
    return init.main();
}

} // namespace

REDOX_PROGRAM("init", init_main)
