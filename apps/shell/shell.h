#pragma once
// The shell's state: variables, jobs, positional parameters, the last status. One Shell is
// created by sh_main; a subshell (a builtin in a pipeline, a background `a && b &`) runs on a
// heap copy in the child process, because all processes share one address space and the
// child must not change the parent's state.
#include "expand.h"
#include "line_editor.h"
#include "parser.h"

namespace shell {

struct Variable {
    String name;
    String value;
    bool exported { false };
};

struct Job {
    int id { 0 };
    long pgid { 0 };
    Vector<long> pids;
    Vector<int> statuses; // raw wait statuses, valid where finished[i]
    Vector<bool> finished;
    String command;

    bool is_done() const;
    // The status of the job's last process (the pipeline's status), as $? would show it.
    int exit_status() const;
};

// A command after expansion, ready to run as a builtin or an external program.
struct ExpandedRedirection {
    int fd { 0 };
    RedirectionType type { RedirectionType::Read };
    String target;
};

class Shell;
using BuiltinFunction = int (*)(Shell&, Vector<String> const& argv);

struct PreparedCommand {
    Vector<String> argv;
    Vector<String> assignments; // "NAME=value", exported to this command only
    Vector<ExpandedRedirection> redirections;
    BuiltinFunction builtin { nullptr };
    ktl::RefPtr<SubshellBody> subshell; // `( list )`
    String path; // resolved program path; empty when not found

    // NULL-terminated arrays pointing into argv / the environment strings, built by
    // Shell::prepare_exec just before the program starts.
    Vector<String> environment;
    Vector<char const*> argv_pointers;
    Vector<char const*> envp_pointers;
};

// Pipe ends a child takes as stdin/stdout, and the parent's end it must close.
struct ChildIo {
    int in_fd { -1 };
    int out_fd { -1 };
    int close_fd { -1 };
};

enum class SigintAction : u8 {
    Default, // children of an interactive shell: Ctrl-C kills them
    Ignore, // background jobs without job control (POSIX)
    Keep,
};

struct SavedFd {
    int fd;
    long saved; // -errno when fd was not open: restoring then closes fd
};

class Shell final : public ExpansionContext {
public:
    Shell(char** envp, bool interactive);

    // Runs the text of `sh -c` (all of it parsed first). Returns the exit status.
    int run_command_string(StringView source);
    // Runs a script or piped input from fd, one complete command at a time.
    int run_file(int fd, StringView name);
    // The read-eval loop on the console.
    int run_interactive();

    // ExpansionContext
    bool lookup(StringView name, String& value) const override;
    void list_directory(StringView path, Vector<String>& names) const override;

    // Variables
    Variable const* find_variable(StringView name) const;
    StringView variable(StringView name) const; // empty when unset
    void set_variable(StringView name, StringView value);
    void export_variable(StringView name);
    void unset_variable(StringView name);
    Vector<Variable> const& variables() const { return m_variables; }

    void set_positional(StringView zero, Vector<String> arguments);

    // Jobs
    Vector<Job>& jobs() { return m_jobs; }
    // Collects finished background processes without blocking.
    void reap_jobs();
    // Waits for a whole job; returns its status.
    int wait_for_job(Job&);
    Job* find_job_by_pid(long pid);
    Job* find_job_by_id(int id);
    void remove_job(int id);
    // "[1]+  Done                    sleep 1" lines for finished jobs; removes them.
    void report_finished_jobs();
    void print_job(int fd, Job const&, bool include_running_marker);

    int last_status() const { return m_last_status; }
    void request_exit(int status)
    {
        m_should_exit = true;
        m_exit_status = status;
    }
    bool is_interactive() const { return m_interactive; }
    // The status a (sub)shell ends with: `exit N`'s N, or the given last status.
    int final_status(int status) const { return m_should_exit ? m_exit_status : status; }
    long pid() const { return m_pid; }

    // Execution (executor.cpp)
    int execute_list(CommandList const&);
    int execute_and_or(AndOrList const&);
    int execute_pipeline(Pipeline const&, bool background, StringView text);

    // Redirections, for builtins in the shell process (saved != nullptr) and for children.
    static bool apply_redirections(Vector<ExpandedRedirection> const&, Vector<SavedFd>* saved);
    static void restore_fds(Vector<SavedFd>&);
    void prepare_exec(PreparedCommand&) const;
    // Starts one pipeline member: a VFORK child that execs, or a subshell for a builtin.
    long spawn(PreparedCommand&, ChildIo const&, long pgid, bool background);
    void add_job(long pgid, Vector<long> const& pids, StringView text);
    // Marks the copy of the shell running in a subshell child.
    void become_subshell();

private:
    // Parses and runs source; false (status 2, message printed) on a syntax error.
    bool run_parsed(StringView source, StringView script_name, usize line);
    bool expand_command(SimpleCommand const&, PreparedCommand&);
    int run_in_shell(PreparedCommand&);
    void set_console_foreground(long pgid) const;
    int wait_for_pids(Vector<long> const& pids, Vector<int>& statuses);
    int decode_status(int raw_status, bool report);
    void note_status(int status) { m_last_status = status; }
    String prompt() const;
    // Switches the console's raw mode (line editing in the shell); true when it is now on.
    // False when fd 0 is not an interactive console.
    bool set_console_raw(bool on) const;

    Vector<Variable> m_variables;
    Vector<Job> m_jobs;
    String m_zero { "sh" };
    Vector<String> m_positional;
    History m_history; // command lines typed at the interactive prompt
    usize m_columns { 0 }; // the console's width, as the terminal last told the line editor
    int m_last_status { 0 };
    long m_last_background_pid { -1 };
    long m_pid { 0 };
    long m_pgid { 0 };
    bool m_interactive { false };
    bool m_job_control { false };
    bool m_should_exit { false };
    int m_exit_status { 0 };
};

// "Killed", "Terminated"...: how a death by signal is reported.
StringView signal_text(int signal);

// Builtins (builtins.cpp)
BuiltinFunction find_builtin(StringView name);

} // namespace shell
