#include "shell.h"

#include <redox/io.h>

namespace shell {

static String number_text(long value)
{
    char buffer[24];
    ktl::format_buffer(buffer, sizeof buffer, "%ld", value);
    return String(buffer);
}

bool Job::is_done() const
{
    for (bool done : finished)
        if (!done)
            return false;
    return true;
}

int Job::exit_status() const
{
    if (statuses.is_empty())
        return 0;
    int raw = statuses.last();
    if (redox::wifexited(raw))
        return redox::wexitstatus(raw);
    if (redox::wifsignaled(raw))
        return 128 + redox::wtermsig(raw);
    return raw & 0xff;
}

Shell::Shell(char** envp, bool interactive) : m_interactive(interactive), m_job_control(interactive)
{
    for (char** entry = envp; entry && *entry; ++entry) {
        StringView text(*entry);
        isize equals = text.find('=');
        if (equals <= 0)
            continue;
        StringView name = text.substring(0, static_cast<usize>(equals));
        if (!is_valid_name(name))
            continue;
        set_variable(name, text.substring(static_cast<usize>(equals) + 1));
        export_variable(name);
    }
    char cwd[1024];
    long length = sys::getcwd(cwd, sizeof cwd);
    if (length > 0) {
        StringView path(cwd, static_cast<usize>(length));
        if (path[path.length() - 1] == '\0')
            path = path.substring(0, path.length() - 1);
        set_variable("PWD", path);
        export_variable("PWD");
    }
    m_pid = sys::getpid();
    if (m_job_control) {
        // The interactive shell leads its own process group, owns the console and survives
        // Ctrl-C (which goes to the foreground job instead).
        sys::setpgid(0, 0);
        sys::sigaction(redox::SIGINT, redox::SIG_IGN, nullptr);
    }
    long pgid = sys::getpgid(0);
    m_pgid = pgid > 0 ? pgid : m_pid;
    set_console_foreground(m_pgid);
}

void Shell::become_subshell()
{
    m_jobs.clear();
    m_interactive = false;
    m_job_control = false;
    m_should_exit = false;
}

// ---- Variables ----

Variable const* Shell::find_variable(StringView name) const
{
    for (auto& variable : m_variables)
        if (variable.name == name)
            return &variable;
    return nullptr;
}

StringView Shell::variable(StringView name) const
{
    auto* found = find_variable(name);
    return found ? found->value.view() : StringView();
}

void Shell::set_variable(StringView name, StringView value)
{
    for (auto& variable : m_variables) {
        if (variable.name == name) {
            variable.value = value;
            return;
        }
    }
    Variable variable;
    variable.name = name;
    variable.value = value;
    m_variables.append(std::move(variable));
}

void Shell::export_variable(StringView name)
{
    for (auto& variable : m_variables) {
        if (variable.name == name) {
            variable.exported = true;
            return;
        }
    }
    Variable variable;
    variable.name = name;
    variable.exported = true;
    m_variables.append(std::move(variable));
}

void Shell::unset_variable(StringView name)
{
    for (usize i = 0; i < m_variables.size(); ++i) {
        if (m_variables[i].name == name) {
            m_variables.remove(i);
            return;
        }
    }
}

void Shell::set_positional(StringView zero, Vector<String> arguments)
{
    m_zero = zero;
    m_positional = std::move(arguments);
}

bool Shell::lookup(StringView name, String& value) const
{
    if (name.is_empty())
        return false;
    if (name.length() == 1) {
        switch (name[0]) {
        case '?':
            value = number_text(m_last_status);
            return true;
        case '$':
            value = number_text(m_pid);
            return true;
        case '!':
            if (m_last_background_pid < 0)
                return false;
            value = number_text(m_last_background_pid);
            return true;
        case '#':
            value = number_text(static_cast<long>(m_positional.size()));
            return true;
        case '-':
            value = m_interactive ? "i" : "";
            return true;
        case '0':
            value = m_zero;
            return true;
        case '@':
        case '*':
            value.clear();
            for (usize i = 0; i < m_positional.size(); ++i) {
                if (i)
                    value.append(' ');
                value.append(m_positional[i]);
            }
            return true;
        default:
            break;
        }
    }
    if (name[0] >= '0' && name[0] <= '9') {
        u64 index = 0;
        if (!ktl::parse_u64(name, index) || index == 0 || index > m_positional.size())
            return false;
        value = m_positional[index - 1];
        return true;
    }
    auto* found = find_variable(name);
    if (!found)
        return false;
    value = found->value;
    return true;
}

void Shell::list_directory(StringView path, Vector<String>& names) const
{
    String directory(path.is_empty() ? StringView(".") : path);
    // "dir/" names the same directory as "dir"; keep "/" itself.
    while (directory.length() > 1 && directory[directory.length() - 1] == '/')
        directory.truncate(directory.length() - 1);
    long fd = sys::open(directory, redox::O_DIRECTORY | redox::O_RDONLY);
    if (fd < 0)
        return;
    io::DirReader reader(static_cast<int>(fd));
    io::DirReader::Entry entry;
    while (reader.next(entry) > 0)
        names.append(String(entry.name));
    sys::close(static_cast<int>(fd));
}

// ---- Jobs ----

Job* Shell::find_job_by_pid(long pid)
{
    for (auto& job : m_jobs)
        for (long job_pid : job.pids)
            if (job_pid == pid)
                return &job;
    return nullptr;
}

Job* Shell::find_job_by_id(int id)
{
    for (auto& job : m_jobs)
        if (job.id == id)
            return &job;
    return nullptr;
}

void Shell::remove_job(int id)
{
    for (usize i = 0; i < m_jobs.size(); ++i) {
        if (m_jobs[i].id == id) {
            m_jobs.remove(i);
            return;
        }
    }
}

void Shell::reap_jobs()
{
    // Per-pid WNOHANG waits rather than waitpid(-1): only our jobs' processes are collected.
    for (auto& job : m_jobs) {
        for (usize i = 0; i < job.pids.size(); ++i) {
            if (job.finished[i])
                continue;
            int status = 0;
            long result = sys::waitpid(job.pids[i], &status, redox::WNOHANG);
            if (result == job.pids[i]) {
                job.finished[i] = true;
                job.statuses[i] = status;
            } else if (result < 0 && result != -redox::EINTR) {
                // Not our child any more (e.g. collected elsewhere): count it as finished.
                job.finished[i] = true;
                job.statuses[i] = 0;
            }
        }
    }
}

int Shell::wait_for_job(Job& job)
{
    for (usize i = 0; i < job.pids.size(); ++i) {
        if (job.finished[i])
            continue;
        int status = 0;
        long result;
        do {
            result = sys::waitpid(job.pids[i], &status, 0);
        } while (result == -redox::EINTR);
        job.finished[i] = true;
        job.statuses[i] = result < 0 ? 0 : status;
    }
    return job.exit_status();
}

StringView signal_text(int signal)
{
    switch (signal) {
    case redox::SIGHUP:
        return "Hangup";
    case redox::SIGINT:
        return "Interrupt";
    case redox::SIGQUIT:
        return "Quit";
    case redox::SIGABRT:
        return "Aborted";
    case redox::SIGKILL:
        return "Killed";
    case redox::SIGUSR1:
        return "User defined signal 1";
    case redox::SIGSEGV:
        return "Segmentation fault";
    case redox::SIGUSR2:
        return "User defined signal 2";
    case redox::SIGPIPE:
        return "Broken pipe";
    case redox::SIGALRM:
        return "Alarm clock";
    case redox::SIGTERM:
        return "Terminated";
    default:
        return "Killed by a signal";
    }
}

void Shell::print_job(int fd, Job const& job, bool include_running_marker)
{
    char marker = ' ';
    if (!m_jobs.is_empty() && &job == &m_jobs.last())
        marker = '+';
    else if (m_jobs.size() > 1 && &job == &m_jobs[m_jobs.size() - 2])
        marker = '-';
    String state;
    if (!job.is_done()) {
        state = "Running";
    } else {
        int raw = job.statuses.last();
        if (redox::wifsignaled(raw)) {
            state = signal_text(redox::wtermsig(raw));
        } else if (job.exit_status() == 0) {
            state = "Done";
        } else {
            state = "Exit ";
            state.append(number_text(job.exit_status()));
        }
    }
    io::print(fd, "[%d]%c  %-24s%s%s\n", job.id, marker, state.c_str(), job.command.c_str(),
        include_running_marker && !job.is_done() ? " &" : "");
}

void Shell::report_finished_jobs()
{
    for (usize i = 0; i < m_jobs.size();) {
        if (m_jobs[i].is_done()) {
            print_job(2, m_jobs[i], false);
            m_jobs.remove(i);
        } else {
            ++i;
        }
    }
}

// ---- Reading and running ----

bool Shell::run_parsed(StringView source, StringView script_name, usize line)
{
    ParseResult result = parse(source);
    if (result.status != ParseStatus::Ok) {
        StringView message = result.status == ParseStatus::Incomplete
            ? StringView("syntax error: unexpected end of file")
            : result.error.view();
        if (script_name.is_empty())
            io::print(2, "sh: %.*s\n", static_cast<int>(message.length()), message.chars());
        else
            io::print(2, "sh: %.*s: line %zu: %.*s\n", static_cast<int>(script_name.length()), script_name.chars(),
                line, static_cast<int>(message.length()), message.chars());
        note_status(2);
        return false;
    }
    reap_jobs();
    execute_list(result.list);
    return true;
}

int Shell::run_command_string(StringView source)
{
    run_parsed(source, {}, 0);
    return m_should_exit ? m_exit_status : m_last_status;
}

int Shell::run_file(int fd, StringView name)
{
    io::LineReader reader(fd);
    String buffer;
    usize line_number = 0;
    usize first_line = 1;
    while (!m_should_exit) {
        String line;
        long result = reader.next(line);
        if (result < 0) {
            io::report_error("sh", name, result);
            note_status(1);
            break;
        }
        if (result == 0) {
            // Input ended inside an open quote or after `|`: report it as bash does.
            if (!buffer.is_empty())
                run_parsed(buffer, name, first_line);
            break;
        }
        if (buffer.is_empty())
            first_line = line_number + 1;
        ++line_number;
        buffer.append(line);
        buffer.append('\n');
        if (parse(buffer).status == ParseStatus::Incomplete)
            continue;
        // A non-interactive shell stops at a syntax error (POSIX), with status 2.
        if (!run_parsed(buffer, name, first_line))
            break;
        buffer.clear();
    }
    return m_should_exit ? m_exit_status : m_last_status;
}

String Shell::prompt() const
{
    char cwd[1024];
    long length = sys::getcwd(cwd, sizeof cwd);
    StringView path = length > 0 ? StringView(cwd, static_cast<usize>(length)) : StringView("?");
    if (!path.is_empty() && path[path.length() - 1] == '\0')
        path = path.substring(0, path.length() - 1);
    bool root = sys::geteuid() == 0;
    StringView user = root ? StringView("root") : variable("USER");
    if (user.is_empty())
        user = "user";
    String text(user);
    text.append("@redox:");
    text.append(path);
    text.append(root ? "# " : "$ ");
    return text;
}

bool Shell::set_console_raw(bool on) const
{
    // A fresh handle each time: the shell's own fds are the user's (`exec 3>file`).
    long handle = sys::dup(0, "raw");
    if (handle < 0)
        return false;
    int fd = static_cast<int>(handle);
    bool raw = false;
    if (sys::write(fd, on ? "1" : "0", 1) == 1) {
        // Off an interactive console the write changes nothing: ask what the mode is now.
        char state[2] = {};
        raw = sys::read(fd, state, sizeof state) > 0 && state[0] == '1';
    }
    sys::close(fd);
    return raw;
}

int Shell::run_interactive()
{
    io::LineReader reader(0);
    String buffer;
    while (!m_should_exit) {
        String prompt_text;
        if (buffer.is_empty()) {
            reap_jobs();
            report_finished_jobs();
            prompt_text = prompt();
        } else {
            prompt_text = "> ";
        }
        String line;
        long result;
        if (set_console_raw(true)) {
            // Line editing in the shell; the command then runs with the console cooked again
            // (so `cat` gets lines), and a crash of the shell ends raw mode in the kernel.
            LineEditor::Status status = read_edited_line(0, 2, prompt_text, m_history, m_columns, line, result);
            set_console_raw(false);
            if (status == LineEditor::Status::Interrupted) {
                buffer.clear();
                note_status(130);
                continue;
            }
            if (status == LineEditor::Status::Done) {
                m_history.add(line);
                result = 1;
            } else if (status == LineEditor::Status::EndOfInput) {
                result = 0;
            }
        } else {
            io::write_all(2, prompt_text);
            result = reader.next(line);
        }
        if (result <= 0) {
            if (result < 0 && result != -redox::EINTR)
                io::report_error("sh", "stdin", result);
            if (result == -redox::EINTR)
                continue;
            io::write_all(2, "exit\n");
            break;
        }
        buffer.append(line);
        buffer.append('\n');
        if (parse(buffer).status == ParseStatus::Incomplete)
            continue;
        run_parsed(buffer, {}, 0);
        buffer.clear();
    }
    return m_should_exit ? m_exit_status : m_last_status;
}

} // namespace shell
