#include "builtins.h"

#include <redox/io.h>

namespace shell {

// "sh: cd: /nope: No such file or directory". Empty views may hold a null pointer, which
// %.*s must not see even with length 0.
static void print_error(StringView builtin, StringView subject, StringView message)
{
    auto chars = [](StringView view) { return view.is_empty() ? "" : view.chars(); };
    io::print(2, "sh: %.*s: %.*s%s%.*s\n", static_cast<int>(builtin.length()), chars(builtin),
        static_cast<int>(subject.length()), chars(subject), subject.is_empty() ? "" : ": ",
        static_cast<int>(message.length()), chars(message));
}

static bool current_directory(String& out)
{
    char buffer[1024];
    long length = sys::getcwd(buffer, sizeof buffer);
    if (length <= 0)
        return false;
    StringView path(buffer, static_cast<usize>(length));
    if (path[path.length() - 1] == '\0')
        path = path.substring(0, path.length() - 1);
    out = path;
    return true;
}

static int builtin_cd(Shell& shell, Vector<String> const& argv)
{
    if (argv.size() > 2) {
        print_error("cd", {}, "too many arguments");
        return 1;
    }
    // A view into argv or a variable: valid until the variables change below.
    StringView target;
    bool print_target = false;
    if (argv.size() == 1 || argv[1] == "-") {
        StringView name = argv.size() == 1 ? StringView("HOME") : StringView("OLDPWD");
        auto* variable = shell.find_variable(name);
        if (!variable) {
            print_error("cd", {}, argv.size() == 1 ? "HOME not set" : "OLDPWD not set");
            return 1;
        }
        target = variable->value.view();
        print_target = argv.size() == 2;
    } else {
        target = argv[1].view();
    }
    if (target.is_empty())
        return 0;
    String old;
    if (!current_directory(old))
        old = shell.variable("PWD");
    long result = sys::chdir(target);
    if (result < 0) {
        print_error("cd", target, redox::error_string(static_cast<int>(-result)));
        return 1;
    }
    String now;
    if (!current_directory(now))
        now = target;
    shell.set_variable("OLDPWD", old);
    shell.export_variable("OLDPWD");
    shell.set_variable("PWD", now);
    shell.export_variable("PWD");
    if (print_target)
        io::print(1, "%s\n", now.c_str());
    return 0;
}

static int builtin_pwd(Shell&, Vector<String> const&)
{
    String path;
    if (!current_directory(path)) {
        print_error("pwd", {}, "cannot get the current directory");
        return 1;
    }
    io::write_all(1, path);
    io::write_all(1, "\n");
    return 0;
}

static int builtin_exit(Shell& shell, Vector<String> const& argv)
{
    if (argv.size() > 2) {
        print_error("exit", {}, "too many arguments");
        return 1;
    }
    int status = shell.last_status();
    if (argv.size() == 2) {
        i64 value = 0;
        if (!ktl::parse_i64(argv[1], value)) {
            print_error("exit", argv[1], "numeric argument required");
            status = 2;
        } else {
            status = static_cast<int>(value & 0xff);
        }
    }
    if (shell.is_interactive())
        io::write_all(2, "exit\n");
    shell.request_exit(status);
    return status;
}

// Quotes a value for `export` listings so the output can be read back by the shell.
static void print_quoted(io::BufferedWriter& out, StringView value)
{
    out.write("'");
    for (char c : value) {
        if (c == '\'')
            out.write("'\\''");
        else
            out.write(&c, 1);
    }
    out.write("'");
}

static int builtin_export(Shell& shell, Vector<String> const& argv)
{
    if (argv.size() == 1 || (argv.size() == 2 && argv[1] == "-p")) {
        io::BufferedWriter out(1);
        for (auto& variable : shell.variables()) {
            if (!variable.exported)
                continue;
            out.write("export ");
            out.write(variable.name);
            out.write("=");
            print_quoted(out, variable.value);
            out.write("\n");
        }
        return out.flush() < 0 ? 1 : 0;
    }
    int status = 0;
    for (usize i = 1; i < argv.size(); ++i) {
        StringView argument = argv[i];
        isize equals = argument.find('=');
        StringView name = equals < 0 ? argument : argument.substring(0, static_cast<usize>(equals));
        if (!is_valid_name(name)) {
            String quoted("'");
            quoted.append(argument);
            quoted.append('\'');
            print_error("export", quoted, "not a valid identifier");
            status = 1;
            continue;
        }
        if (equals >= 0)
            shell.set_variable(name, argument.substring(static_cast<usize>(equals) + 1));
        shell.export_variable(name);
    }
    return status;
}

static int builtin_unset(Shell& shell, Vector<String> const& argv)
{
    int status = 0;
    for (usize i = 1; i < argv.size(); ++i) {
        StringView name = argv[i];
        if (name == "-v")
            continue;
        if (!is_valid_name(name)) {
            String quoted("'");
            quoted.append(name);
            quoted.append('\'');
            print_error("unset", quoted, "not a valid identifier");
            status = 1;
            continue;
        }
        shell.unset_variable(name);
    }
    return status;
}

static int builtin_jobs(Shell& shell, Vector<String> const&)
{
    shell.reap_jobs();
    auto& jobs = shell.jobs();
    for (auto& job : jobs)
        shell.print_job(1, job, true);
    // Finished jobs are reported once, then forgotten.
    for (usize i = 0; i < jobs.size();) {
        if (jobs[i].is_done())
            jobs.remove(i);
        else
            ++i;
    }
    return 0;
}

static int builtin_wait(Shell& shell, Vector<String> const& argv)
{
    auto& jobs = shell.jobs();
    if (argv.size() == 1) {
        for (auto& job : jobs)
            shell.wait_for_job(job);
        // The shell reports finished jobs itself when interactive; a script just forgets them.
        if (!shell.is_interactive())
            jobs.clear();
        return 0;
    }
    int status = 0;
    for (usize i = 1; i < argv.size(); ++i) {
        StringView argument = argv[i];
        Job* job = nullptr;
        long pid = 0;
        if (argument.starts_with("%")) {
            u64 id = 0;
            if (ktl::parse_u64(argument.substring(1), id))
                job = shell.find_job_by_id(static_cast<int>(id));
            if (!job) {
                print_error("wait", argument, "no such job");
                status = 127;
                continue;
            }
        } else {
            i64 value = 0;
            if (!ktl::parse_i64(argument, value) || value <= 0) {
                String quoted("'");
                quoted.append(argument);
                quoted.append('\'');
                print_error("wait", quoted, "not a pid or valid job spec");
                status = 2;
                continue;
            }
            pid = static_cast<long>(value);
            job = shell.find_job_by_pid(pid);
            if (!job) {
                io::print(2, "sh: wait: pid %ld is not a child of this shell\n", pid);
                status = 127;
                continue;
            }
        }
        if (pid) {
            // Wait for that one process; its status is the answer.
            for (usize j = 0; j < job->pids.size(); ++j) {
                if (job->pids[j] != pid)
                    continue;
                if (!job->finished[j]) {
                    int raw = 0;
                    long result;
                    do {
                        result = sys::waitpid(pid, &raw, 0);
                    } while (result == -redox::EINTR);
                    job->finished[j] = true;
                    job->statuses[j] = result < 0 ? 0 : raw;
                }
                int raw = job->statuses[j];
                status = redox::wifexited(raw) ? redox::wexitstatus(raw) : 128 + redox::wtermsig(raw);
            }
        } else {
            status = shell.wait_for_job(*job);
        }
        if (job->is_done())
            shell.remove_job(job->id);
    }
    return status;
}

static int builtin_true(Shell&, Vector<String> const&) { return 0; }
static int builtin_false(Shell&, Vector<String> const&) { return 1; }

static int builtin_source(Shell& shell, Vector<String> const& argv)
{
    if (argv.size() < 2) {
        print_error(argv[0], {}, "filename argument required");
        return 2;
    }
    String path;
    long fd = sys::open(argv[1], redox::O_RDONLY);
    if (fd < 0) {
        print_error(argv[0], argv[1], redox::error_string(static_cast<int>(-fd)));
        return 1;
    }
    int status = shell.run_file(static_cast<int>(fd), argv[1]);
    sys::close(static_cast<int>(fd));
    return status;
}

struct BuiltinEntry {
    char const* name;
    BuiltinFunction function;
};

static constexpr BuiltinEntry s_builtins[] = {
    { "cd", builtin_cd },
    { "pwd", builtin_pwd },
    { "exit", builtin_exit },
    { "export", builtin_export },
    { "unset", builtin_unset },
    { "jobs", builtin_jobs },
    { "wait", builtin_wait },
    { "true", builtin_true },
    { "false", builtin_false },
    { ":", builtin_true },
    { ".", builtin_source },
    { "source", builtin_source },
};

BuiltinFunction find_builtin(StringView name)
{
    for (auto& entry : s_builtins)
        if (name == StringView(entry.name))
            return entry.function;
    return nullptr;
}

} // namespace shell
