#include "executor.h"

#include <redox/io.h>

namespace shell {

namespace {

    // What a VFORK child needs to exec one program. It lives in the parent's stack frame: the
    // parent sleeps until the child has exec'd or exited, so the memory stays valid.
    struct ExternalChild {
        PreparedCommand const* command;
        ChildIo io;
        bool job_control;
        long pgid;
        SigintAction sigint;
    };

    // A child that runs shell code (a builtin in a pipeline, a background `a && b`). It runs
    // concurrently with the parent, so it owns a heap copy of the shell and deletes it at the end.
    struct SubshellChild {
        explicit SubshellChild(Shell const& parent) : shell(parent) { shell.become_subshell(); }
        Shell shell;
        PreparedCommand command;
        AndOrList and_or;
        bool run_and_or { false };
        ChildIo io;
        bool job_control { false };
        long pgid { 0 };
        SigintAction sigint { SigintAction::Keep };
    };

} // namespace

// The common start of every child: process group, Ctrl-C behaviour, pipe ends.
static void enter_child(ChildIo const& io, bool job_control, long pgid, SigintAction sigint)
{
    if (job_control)
        sys::setpgid(0, pgid);
    if (sigint == SigintAction::Default)
        sys::sigaction(redox::SIGINT, redox::SIG_DFL, nullptr);
    else if (sigint == SigintAction::Ignore)
        sys::sigaction(redox::SIGINT, redox::SIG_IGN, nullptr);
    if (io.close_fd >= 0)
        sys::close(io.close_fd);
    if (io.in_fd >= 0 && io.in_fd != 0) {
        sys::dup2(io.in_fd, 0);
        sys::close(io.in_fd);
    }
    if (io.out_fd >= 0 && io.out_fd != 1) {
        sys::dup2(io.out_fd, 1);
        sys::close(io.out_fd);
    }
}

static int external_child_entry(void* argument)
{
    auto& child = *static_cast<ExternalChild*>(argument);
    auto& command = *child.command;
    enter_child(child.io, child.job_control, child.pgid, child.sigint);
    if (!Shell::apply_redirections(command.redirections, nullptr))
        return 1;
    if (command.argv.is_empty())
        return 0;
    StringView name = command.argv[0];
    if (command.path.is_empty()) {
        io::print(2, "sh: %.*s: command not found\n", static_cast<int>(name.length()), name.chars());
        return 127;
    }
    long result = sys::execve(command.path, command.argv_pointers.data(), command.envp_pointers.data());
    // Only reached when exec failed.
    io::report_error("sh", name, result);
    return result == -redox::ENOENT ? 127 : 126;
}

static int subshell_child_entry(void* argument)
{
    auto* child = static_cast<SubshellChild*>(argument);
    enter_child(child->io, child->job_control, child->pgid, child->sigint);
    int status = 0;
    auto& command = child->command;
    if (child->run_and_or) {
        status = child->shell.execute_and_or(child->and_or);
    } else if (!Shell::apply_redirections(command.redirections, nullptr)) {
        status = 1;
    } else if (command.subshell) {
        status = child->shell.execute_list(command.subshell->list);
    } else if (command.builtin) {
        status = command.builtin(child->shell, command.argv);
    }
    status = child->shell.final_status(status);
    delete child;
    return status;
}

// ---- Redirections ----

static unsigned long open_flags(RedirectionType type)
{
    switch (type) {
    case RedirectionType::Read:
        return redox::O_RDONLY;
    case RedirectionType::Write:
        return redox::O_WRONLY | redox::O_CREAT | redox::O_TRUNC | 0666;
    case RedirectionType::Append:
        return redox::O_WRONLY | redox::O_CREAT | redox::O_APPEND | 0666;
    case RedirectionType::ReadWrite:
        return redox::O_RDWR | redox::O_CREAT | 0666;
    default:
        return 0;
    }
}

// Opens path onto fd (replacing what fd was). Prints the error and returns false on failure.
static bool open_onto(StringView path, unsigned long flags, int fd)
{
    long opened = sys::open(path, flags);
    if (opened < 0) {
        io::report_error("sh", path, opened);
        return false;
    }
    if (opened != fd) {
        long result = sys::dup2(static_cast<int>(opened), fd);
        sys::close(static_cast<int>(opened));
        if (result < 0) {
            io::report_error("sh", path, result);
            return false;
        }
    }
    return true;
}

bool Shell::apply_redirections(Vector<ExpandedRedirection> const& redirections, Vector<SavedFd>* saved)
{
    for (auto& redirection : redirections) {
        int fd = redirection.fd;
        if (saved) {
            bool already = false;
            for (auto& entry : *saved)
                already |= entry.fd == fd;
            if (!already)
                saved->append({ fd, sys::dup(fd) });
        }
        StringView target = redirection.target;
        if (redirection.type == RedirectionType::DuplicateOutput
            || redirection.type == RedirectionType::DuplicateInput) {
            if (target == "-") {
                sys::close(fd);
                continue;
            }
            u64 source = 0;
            if (!ktl::parse_u64(target, source) || source > 0xffff) {
                // bash: `>&file` sends both stdout and stderr to the file.
                if (redirection.type == RedirectionType::DuplicateOutput && fd == 1) {
                    if (!open_onto(target, open_flags(RedirectionType::Write), 1))
                        return false;
                    if (saved) {
                        bool already = false;
                        for (auto& entry : *saved)
                            already |= entry.fd == 2;
                        if (!already)
                            saved->append({ 2, sys::dup(2) });
                    }
                    sys::dup2(1, 2);
                    continue;
                }
                io::print(2, "sh: %.*s: ambiguous redirect\n", static_cast<int>(target.length()), target.chars());
                return false;
            }
            if (static_cast<int>(source) == fd)
                continue;
            long result = sys::dup2(static_cast<int>(source), fd);
            if (result < 0) {
                io::report_error("sh", target, result);
                return false;
            }
            continue;
        }
        if (!open_onto(target, open_flags(redirection.type), fd))
            return false;
    }
    return true;
}

void Shell::restore_fds(Vector<SavedFd>& saved)
{
    for (usize i = saved.size(); i-- > 0;) {
        auto& entry = saved[i];
        if (entry.saved >= 0) {
            sys::dup2(static_cast<int>(entry.saved), entry.fd);
            sys::close(static_cast<int>(entry.saved));
        } else {
            sys::close(entry.fd);
        }
    }
    saved.clear();
}

// ---- Expansion and preparation ----

bool Shell::expand_command(SimpleCommand const& command, PreparedCommand& out)
{
    String error;
    for (auto& word : command.words) {
        if (!expand_word(word, *this, out.argv, error)) {
            io::print(2, "sh: %s\n", error.c_str());
            return false;
        }
    }
    for (auto& assignment : command.assignments) {
        StringView text = assignment;
        usize equals = static_cast<usize>(text.find('='));
        String value;
        if (!expand_word_single(text.substring(equals + 1), *this, value, error)) {
            io::print(2, "sh: %s\n", error.c_str());
            return false;
        }
        String entry(text.substring(0, equals + 1));
        entry.append(value);
        out.assignments.append(std::move(entry));
    }
    for (auto& redirection : command.redirections) {
        Vector<String> fields;
        if (!expand_word(redirection.target, *this, fields, error)) {
            io::print(2, "sh: %s\n", error.c_str());
            return false;
        }
        if (fields.size() != 1) {
            io::print(2, "sh: %s: ambiguous redirect\n", redirection.target.c_str());
            return false;
        }
        ExpandedRedirection expanded;
        expanded.fd = redirection.fd;
        expanded.type = redirection.type;
        expanded.target = std::move(fields[0]);
        out.redirections.append(std::move(expanded));
    }
    if (!out.argv.is_empty())
        out.builtin = find_builtin(out.argv[0]);
    out.subshell = command.subshell;
    return true;
}

void Shell::prepare_exec(PreparedCommand& command) const
{
    auto overridden = [&](StringView name) {
        for (auto& assignment : command.assignments) {
            StringView text = assignment;
            if (text.starts_with(name) && text.length() > name.length() && text[name.length()] == '=')
                return true;
        }
        return false;
    };
    for (auto& variable : m_variables) {
        if (!variable.exported || overridden(variable.name))
            continue;
        String entry(variable.name);
        entry.append('=');
        entry.append(variable.value);
        command.environment.append(std::move(entry));
    }
    for (auto& assignment : command.assignments)
        command.environment.append(assignment);
    for (auto& entry : command.environment)
        command.envp_pointers.append(entry.c_str());
    command.envp_pointers.append(nullptr);
    for (auto& argument : command.argv)
        command.argv_pointers.append(argument.c_str());
    command.argv_pointers.append(nullptr);
    command.path.clear();
    // PATH comes from the command's own environment, so `PATH=/x cmd` searches /x.
    if (!command.argv.is_empty() && !command.argv[0].is_empty())
        io::find_in_path(const_cast<char**>(command.envp_pointers.data()), command.argv[0], command.path);
}

// ---- Running ----

void Shell::set_console_foreground(long pgid) const
{
    if (!m_job_control || pgid <= 0)
        return;
    // fd 0 may not be the console (then dup fails and there is nothing to hand over).
    long console = sys::dup(0, "pgrp");
    if (console < 0)
        return;
    char buffer[24];
    usize length = ktl::format_buffer(buffer, sizeof buffer, "%ld", pgid);
    sys::write(static_cast<int>(console), buffer, length);
    sys::close(static_cast<int>(console));
}

int Shell::run_in_shell(PreparedCommand& command)
{
    Vector<SavedFd> saved;
    bool redirected = apply_redirections(command.redirections, &saved);
    int status = 1;
    if (redirected) {
        if (command.builtin) {
            status = command.builtin(*this, command.argv);
        } else {
            // Only assignments (and maybe redirections): they set shell variables.
            for (auto& assignment : command.assignments) {
                StringView text = assignment;
                usize equals = static_cast<usize>(text.find('='));
                set_variable(text.substring(0, equals), text.substring(equals + 1));
            }
            status = 0;
        }
    }
    restore_fds(saved);
    return status;
}

int Shell::decode_status(int raw, bool report)
{
    if (redox::wifexited(raw))
        return redox::wexitstatus(raw);
    if (redox::wifsignaled(raw)) {
        int signal = redox::wtermsig(raw);
        if (report) {
            if (signal != redox::SIGINT && signal != redox::SIGPIPE) {
                // (Ctrl-C needs no word: the console echoed "^C" and a newline.)
                StringView text = signal_text(signal);
                io::print(2, "%.*s\n", static_cast<int>(text.length()), text.chars());
            }
        }
        return 128 + signal;
    }
    return raw & 0xff;
}

int Shell::wait_for_pids(Vector<long> const& pids, Vector<int>& statuses)
{
    statuses.clear();
    for (long pid : pids) {
        int status = 0;
        long result;
        do {
            result = sys::waitpid(pid, &status, 0);
        } while (result == -redox::EINTR);
        statuses.append(result < 0 ? (127 << 8) : status);
    }
    return statuses.is_empty() ? 0 : statuses.last();
}

int Shell::execute_list(CommandList const& list)
{
    for (auto& item : list.items) {
        if (m_should_exit)
            break;
        if (!item.background) {
            execute_and_or(item.and_or);
            continue;
        }
        if (item.and_or.pipelines.size() == 1 && !item.and_or.pipelines[0].negated) {
            execute_pipeline(item.and_or.pipelines[0], true, item.text);
            continue;
        }
        // `a && b &` runs as one background job: a subshell child executes the whole list.
        auto* child = new SubshellChild(*this);
        child->and_or = item.and_or;
        child->run_and_or = true;
        child->job_control = m_job_control;
        child->sigint = m_interactive ? SigintAction::Default : SigintAction::Ignore;
        long pid = sys::clone(0, subshell_child_entry, child);
        if (pid < 0) {
            delete child;
            io::report_error("sh", "clone", pid);
            note_status(1);
            continue;
        }
        if (m_job_control)
            sys::setpgid(pid, pid);
        Vector<long> pids;
        pids.append(pid);
        add_job(pid, pids, item.text);
    }
    return m_last_status;
}

void Shell::add_job(long pgid, Vector<long> const& pids, StringView text)
{
    Job job;
    job.id = 1;
    for (auto& existing : m_jobs)
        job.id = ktl::max(job.id, existing.id + 1);
    job.pgid = pgid;
    job.pids = pids;
    job.statuses.resize(pids.size());
    job.finished.resize(pids.size());
    for (usize i = 0; i < pids.size(); ++i)
        job.finished[i] = false;
    job.command = text;
    m_last_background_pid = pids.last();
    if (m_interactive)
        io::print(2, "[%d] %ld\n", job.id, pids.last());
    m_jobs.append(std::move(job));
    note_status(0);
}

int Shell::execute_and_or(AndOrList const& and_or)
{
    int status = execute_pipeline(and_or.pipelines[0], false, {});
    for (usize i = 0; i < and_or.connectors.size(); ++i) {
        if (m_should_exit)
            break;
        bool run = and_or.connectors[i] == Connector::And ? status == 0 : status != 0;
        if (run)
            status = execute_pipeline(and_or.pipelines[i + 1], false, {});
    }
    return status;
}

long Shell::spawn(PreparedCommand& command, ChildIo const& io, long pgid, bool background)
{
    SigintAction sigint
        = m_interactive ? SigintAction::Default : (background ? SigintAction::Ignore : SigintAction::Keep);
    if (command.builtin || command.subshell) {
        auto* child = new SubshellChild(*this);
        child->command = command;
        child->io = io;
        child->job_control = m_job_control;
        child->pgid = pgid;
        child->sigint = sigint;
        long pid = sys::clone(0, subshell_child_entry, child);
        if (pid < 0)
            delete child;
        return pid;
    }
    prepare_exec(command);
    ExternalChild child { &command, io, m_job_control, pgid, sigint };
    return sys::clone(redox::CLONE_VFORK, external_child_entry, &child);
}

int Shell::execute_pipeline(Pipeline const& pipeline, bool background, StringView text)
{
    usize count = pipeline.commands.size();
    Vector<PreparedCommand> commands;
    // Reserved once: children keep pointers into these until they exec.
    commands.reserve(count);
    for (usize i = 0; i < count; ++i)
        commands.append(PreparedCommand());
    for (usize i = 0; i < count; ++i) {
        if (!expand_command(pipeline.commands[i], commands[i])) {
            note_status(1);
            return 1;
        }
    }

    int status = 0;
    if (!background && count == 1 && !commands[0].subshell && (commands[0].builtin || commands[0].argv.is_empty())) {
        // Builtins and plain assignments change this shell, so they run in it.
        status = run_in_shell(commands[0]);
    } else {
        Vector<long> pids;
        long pgid = 0;
        int previous_read = -1;
        for (usize i = 0; i < count; ++i) {
            ChildIo io;
            io.in_fd = previous_read;
            int fds[2] = { -1, -1 };
            if (i + 1 < count) {
                long result = sys::pipe2(fds, 0);
                if (result < 0) {
                    io::report_error("sh", "pipe", result);
                    break;
                }
                io.out_fd = fds[1];
                io.close_fd = fds[0];
            }
            long pid = spawn(commands[i], io, pgid, background);
            if (previous_read >= 0)
                sys::close(previous_read);
            if (fds[1] >= 0)
                sys::close(fds[1]);
            previous_read = fds[0];
            if (pid < 0) {
                io::report_error(
                    "sh", commands[i].argv.is_empty() ? StringView("clone") : commands[i].argv[0].view(), pid);
                break;
            }
            // Both parent and child set the group, so it is right whichever runs first.
            if (m_job_control)
                sys::setpgid(pid, pgid ? pgid : pid);
            if (!pgid)
                pgid = pid;
            pids.append(pid);
        }
        if (previous_read >= 0)
            sys::close(previous_read);

        if (pids.size() < count) {
            // Could not start the whole pipeline: collect what did start.
            Vector<int> ignored;
            wait_for_pids(pids, ignored);
            note_status(1);
            return 1;
        }
        if (background) {
            add_job(pgid, pids, text);
            return 0;
        }
        set_console_foreground(pgid);
        Vector<int> statuses;
        wait_for_pids(pids, statuses);
        set_console_foreground(m_pgid);
        for (usize i = 0; i < statuses.size(); ++i)
            status = decode_status(statuses[i], true);
    }
    if (pipeline.negated)
        status = status == 0 ? 1 : 0;
    note_status(status);
    return status;
}

} // namespace shell
