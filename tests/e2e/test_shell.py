"""End-to-end tests of the Redox shell (apps/shell), run inside redox-sim with `--run CMD`,
which runs CMD through `sh -c` and exits with its status."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simrun import run  # noqa: E402


def sh(command, **kwargs):
    return run(command, **kwargs)


class ShellTestCase(unittest.TestCase):
    def assertRun(self, command, stdout=None, returncode=0, stderr_contains=None):
        result = sh(command)
        if stdout is not None:
            self.assertEqual(result.stdout, stdout, msg=f"command: {command!r}\nstderr: {result.stderr!r}")
        self.assertEqual(result.returncode, returncode,
                         msg=f"command: {command!r}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}")
        if stderr_contains is not None:
            self.assertIn(stderr_contains, result.stderr)
        return result


class BasicCommands(ShellTestCase):
    def test_echo(self):
        self.assertRun("echo hi", "hi\n")

    def test_exit_status_of_command_string(self):
        self.assertRun("false", "", 1)
        self.assertRun("true", "", 0)
        self.assertRun("exit 3", "", 3)
        self.assertRun("exit 300", "", 300 & 0xff)

    def test_exit_without_argument_keeps_last_status(self):
        self.assertRun("false; exit", "", 1)

    def test_exit_with_bad_argument(self):
        self.assertRun("exit foo", "", 2, stderr_contains="numeric argument required")

    def test_empty_and_blank_input(self):
        self.assertRun("", "", 0)
        self.assertRun("   ", "", 0)
        self.assertRun("# only a comment", "", 0)

    def test_comments(self):
        self.assertRun("echo a # b c", "a\n")
        self.assertRun("echo a#b", "a#b\n")

    def test_command_not_found(self):
        result = self.assertRun("no_such_command_xyz", "", 127)
        self.assertIn("sh: no_such_command_xyz: command not found", result.stderr)

    def test_status_after_failure(self):
        self.assertRun("no_such_command_xyz; echo $?", "127\n")
        self.assertRun("false; echo $?", "1\n")
        self.assertRun("true; echo $?", "0\n")

    def test_not_executable(self):
        self.assertRun("echo data > /tmp/sh_noexec; /tmp/sh_noexec; echo $?", "126\n",
                       stderr_contains="/tmp/sh_noexec")

    def test_missing_path(self):
        self.assertRun("/no/such/program; echo $?", "127\n", stderr_contains="/no/such/program")

    def test_negation(self):
        self.assertRun("! false; echo $?", "0\n")
        self.assertRun("! true; echo $?", "1\n")

    def test_very_long_line(self):
        word = "a" * 20000
        self.assertRun(f"echo {word}", word + "\n")


class Syntax(ShellTestCase):
    def test_syntax_error_pipe(self):
        result = self.assertRun("echo a | | echo b", "", 2)
        self.assertIn("syntax error near unexpected token '|'", result.stderr)

    def test_syntax_error_runs_nothing_on_the_line(self):
        self.assertRun("echo first; echo second | ;", "", 2, stderr_contains="syntax error")

    def test_lone_semicolon(self):
        self.assertRun(";", "", 2, stderr_contains="syntax error near unexpected token ';'")

    def test_leading_pipe_and_ampersand(self):
        self.assertRun("| cat", "", 2, stderr_contains="'|'")
        self.assertRun("&", "", 2, stderr_contains="'&'")

    def test_missing_redirection_target(self):
        self.assertRun("echo >", "", 2, stderr_contains="unexpected token 'newline'")

    def test_unterminated_quotes(self):
        self.assertRun("echo 'abc", "", 2, stderr_contains="unexpected end of file")
        self.assertRun('echo "abc', "", 2, stderr_contains="unexpected end of file")

    def test_trailing_operator(self):
        self.assertRun("echo a |", "", 2, stderr_contains="unexpected end of file")
        self.assertRun("true &&", "", 2, stderr_contains="unexpected end of file")

    def test_status_after_syntax_error_in_nested_shell(self):
        self.assertRun("sh -c 'echo |;'; echo $?", "2\n")

    def test_bad_substitution(self):
        self.assertRun("echo ${a b}; echo $?", "1\n", stderr_contains="bad substitution")

    def test_heredoc_rejected(self):
        self.assertRun("cat << EOF", "", 2, stderr_contains="here-documents")

    def test_multiline_command_string(self):
        self.assertRun("echo a\necho b\n\necho c", "a\nb\nc\n")
        self.assertRun("echo a |\ncat", "a\n")


class Lists(ShellTestCase):
    def test_sequence(self):
        self.assertRun("echo a; echo b;", "a\nb\n")

    def test_and_or(self):
        self.assertRun("false && echo no; true && echo yes; false || echo alt; true || echo never",
                       "yes\nalt\n")

    def test_and_or_chain_status(self):
        self.assertRun("false && echo x || echo recovered", "recovered\n")
        self.assertRun("false || false; echo $?", "1\n")


class Pipelines(ShellTestCase):
    def test_three_stage_pipeline(self):
        result = self.assertRun("ls /scheme | grep s | wc -l")
        self.assertGreater(int(result.stdout.strip()), 0)

    def test_pipeline_data(self):
        self.assertRun("echo hello | cat | cat", "hello\n")

    def test_pipeline_status_is_last_command(self):
        self.assertRun("false | true; echo $?", "0\n")
        self.assertRun("true | false; echo $?", "1\n")

    def test_reader_exits_early(self):
        self.assertRun("yes | head -n 3", "y\ny\ny\n")

    def test_missing_command_in_pipeline(self):
        self.assertRun("no_such_command_xyz | cat; echo $?", "0\n", stderr_contains="command not found")
        self.assertRun("echo a | no_such_command_xyz; echo $?", "127\n")

    def test_builtin_in_pipeline(self):
        self.assertRun("cd /tmp && pwd | cat", "/tmp\n")
        self.assertRun("export SH_PIPE_VAR=1 && export | grep SH_PIPE_VAR", "export SH_PIPE_VAR='1'\n")

    def test_builtin_in_pipeline_does_not_change_shell(self):
        self.assertRun("X=1; X=2 | true; export Y=3 | true; echo $X; env | grep Y=3; echo $?", "1\n1\n")


class Redirections(ShellTestCase):
    def test_write_and_read(self):
        self.assertRun("echo hi > /tmp/sh_a; cat < /tmp/sh_a", "hi\n")

    def test_truncate_and_append(self):
        self.assertRun("echo one > /tmp/sh_b; echo two >> /tmp/sh_b; echo three > /tmp/sh_c; "
                       "cat < /tmp/sh_b >> /tmp/sh_c; cat /tmp/sh_c", "three\none\ntwo\n")
        self.assertRun("echo long line > /tmp/sh_d; echo x > /tmp/sh_d; cat /tmp/sh_d", "x\n")

    def test_stderr_to_file(self):
        result = self.assertRun("cat /tmp/sh_nope 2> /tmp/sh_err; echo $?; cat /tmp/sh_err")
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "1")
        self.assertIn("sh_nope", lines[1])
        self.assertEqual(result.stderr, "")

    def test_stderr_append(self):
        result = self.assertRun("cat /tmp/sh_nope1 2> /tmp/sh_err2; cat /tmp/sh_nope2 2>> /tmp/sh_err2; "
                                "wc -l < /tmp/sh_err2")
        self.assertEqual(result.stdout.strip(), "2")

    def test_stderr_to_stdout(self):
        result = self.assertRun("cat /tmp/sh_nope 2>&1 | grep sh_nope")
        self.assertIn("sh_nope", result.stdout)
        self.assertEqual(result.stderr, "")

    def test_stdout_to_stderr(self):
        result = self.assertRun("echo to_err >&2")
        self.assertEqual(result.stdout, "")
        self.assertIn("to_err", result.stderr)

    def test_order_matters(self):
        # 2>&1 before >file: stderr still goes to the original stdout.
        result = self.assertRun("cat /tmp/sh_nope 2>&1 > /tmp/sh_order; true")
        self.assertIn("sh_nope", result.stdout)

    def test_missing_directory(self):
        result = self.assertRun("echo hi > /no_such_dir/file; echo $?", "1\n")
        self.assertIn("sh: /no_such_dir/file: No such file or directory", result.stderr)

    def test_missing_input(self):
        self.assertRun("cat < /tmp/sh_missing_input; echo $?", "1\n", stderr_contains="sh_missing_input")

    def test_redirection_on_builtin_is_undone(self):
        result = sh("cd / && pwd > /tmp/sh_pwd; echo after; cat /tmp/sh_pwd")
        self.assertEqual(result.stdout, "after\n/\n")

    def test_failed_redirection_on_builtin(self):
        self.assertRun("cd /; cd /tmp > /no_such_dir/x; echo $?; pwd", "1\n/\n")

    def test_redirection_only_creates_file(self):
        self.assertRun("> /tmp/sh_empty; wc -c < /tmp/sh_empty", None)

    def test_ambiguous_redirect(self):
        self.assertRun("X='a b'; echo hi > $X; echo $?", "1\n", stderr_contains="ambiguous redirect")

    def test_bad_fd_duplicate(self):
        self.assertRun("echo hi >&7; echo $?", "1\n")


class Variables(ShellTestCase):
    def test_assignment_and_expansion(self):
        self.assertRun("X=hello; echo $X ${X}!", "hello hello!\n")

    def test_unset(self):
        self.assertRun("X=1; unset X; echo \"[$X]\"", "[]\n")

    def test_special_parameters(self):
        result = self.assertRun("echo $$")
        self.assertTrue(result.stdout.strip().isdigit())
        self.assertRun("false; echo $?; echo $?", "1\n0\n")

    def test_positional_parameters(self):
        self.assertRun("sh -c 'echo $0 $1 $2 $#' name a b", "name a b 2\n")

    def test_env_for_one_command(self):
        self.assertRun("SH_ONE=x env | grep SH_ONE; echo \"[$SH_ONE]\"", "SH_ONE=x\n[]\n")
        self.assertRun("SH_ONE=tmp sh -c 'echo $SH_ONE'", "tmp\n")

    def test_export(self):
        self.assertRun("export SH_EXP=bar; env | grep SH_EXP", "SH_EXP=bar\n")
        self.assertRun("SH_LOCAL=1; env | grep SH_LOCAL; echo $?", "1\n")
        self.assertRun("SH_LATER=1; export SH_LATER; env | grep SH_LATER", "SH_LATER=1\n")

    def test_export_invalid_name(self):
        self.assertRun("export 1abc=x; echo $?", "1\n", stderr_contains="not a valid identifier")

    def test_environment_inherited(self):
        self.assertRun("echo $PATH", None)
        result = sh("echo $HOME")
        self.assertTrue(result.stdout.startswith("/"))

    def test_defaults(self):
        self.assertRun("echo ${SH_UNSET:-default} ${SH_UNSET-x}", "default x\n")
        self.assertRun("V=set; echo ${V:-default} ${V:+alt}", "set alt\n")

    def test_field_splitting(self):
        self.assertRun("X='a  b'; sh -c 'echo $#' n $X; sh -c 'echo $#' n \"$X\"", "2\n1\n")


class Quoting(ShellTestCase):
    def test_quotes(self):
        self.assertRun("X=v; echo 'a  $X' \"b  $X\" c\\ d", "a  $X b  v c d\n")

    def test_escapes(self):
        self.assertRun("echo \\$X \\\\ \"\\\"\" '\\'", "$X \\ \" \\\n")

    def test_operators_inside_quotes(self):
        self.assertRun("echo 'a | b; c && d' \"e > f\"", "a | b; c && d e > f\n")

    def test_empty_quoted_argument(self):
        self.assertRun("sh -c 'echo $#' n '' \"\"", "2\n")


class Globbing(ShellTestCase):
    def test_star(self):
        self.assertRun("mkdir /tmp/sh_g; touch /tmp/sh_g/b.txt /tmp/sh_g/a.txt /tmp/sh_g/c.log; "
                       "echo /tmp/sh_g/*.txt; cd /tmp/sh_g && echo *.log ?.txt",
                       "/tmp/sh_g/a.txt /tmp/sh_g/b.txt\nc.log a.txt b.txt\n")

    def test_no_match_stays(self):
        self.assertRun("cd /tmp && echo *.no_such_ext", "*.no_such_ext\n")

    def test_quoted_star(self):
        self.assertRun("echo '*' \"*\" \\*", "* * *\n")


class Builtins(ShellTestCase):
    def test_cd_and_pwd(self):
        self.assertRun("cd /tmp; pwd", "/tmp\n")

    def test_cd_home(self):
        self.assertRun("cd /tmp; cd; pwd; echo $PWD", None)
        result = sh("HOME=/tmp; cd; pwd")
        self.assertEqual(result.stdout, "/tmp\n")

    def test_cd_dash(self):
        self.assertRun("cd /tmp; cd /; cd -; pwd", "/tmp\n/tmp\n")

    def test_cd_errors(self):
        self.assertRun("cd /no_such_dir; echo $?", "1\n",
                       stderr_contains="sh: cd: /no_such_dir: No such file or directory")
        self.assertRun("echo x > /tmp/sh_file; cd /tmp/sh_file; echo $?", "1\n",
                       stderr_contains="Not a directory")

    def test_cd_updates_pwd_variables(self):
        self.assertRun("cd /tmp; cd /; echo $PWD $OLDPWD", "/ /tmp\n")

    def test_colon_and_true_false(self):
        self.assertRun(": ignored args; echo $?", "0\n")

    def test_source(self):
        self.assertRun("echo 'SOURCED=yes' > /tmp/sh_src; . /tmp/sh_src; echo $SOURCED", "yes\n")


class Jobs(ShellTestCase):
    def test_background_and_wait(self):
        self.assertRun("sleep 0 & wait; echo done", "done\n")

    def test_background_pid(self):
        result = self.assertRun("sleep 0 & echo $!; wait")
        self.assertTrue(result.stdout.strip().isdigit())

    def test_wait_pid_status(self):
        self.assertRun("false & wait $!; echo $?", "1\n")
        self.assertRun("sh -c 'exit 7' & wait $!; echo $?", "7\n")

    def test_wait_unknown_pid(self):
        self.assertRun("wait 99999; echo $?", "127\n", stderr_contains="not a child")

    def test_jobs_lists_running_job(self):
        result = self.assertRun("sleep 1 & jobs; wait")
        self.assertIn("[1]", result.stdout)
        self.assertIn("Running", result.stdout)
        self.assertIn("sleep 1 &", result.stdout)

    def test_jobs_reports_done(self):
        result = self.assertRun("true & wait $!; sleep 0 & sleep 0.2; jobs")
        self.assertIn("Done", result.stdout)

    def test_background_runs_concurrently(self):
        # The background writer finishes after the foreground echo.
        self.assertRun("sleep 0.3 && echo late & echo early; wait", "early\nlate\n")

    def test_background_pipeline(self):
        self.assertRun("echo piped | cat > /tmp/sh_bg & wait; cat /tmp/sh_bg", "piped\n")


class Subshells(ShellTestCase):
    def test_subshell_does_not_change_shell(self):
        self.assertRun("cd /; (cd /tmp; pwd); pwd", "/tmp\n/\n")
        self.assertRun("X=1; (X=2; echo $X); echo $X", "2\n1\n")

    def test_subshell_status_and_exit(self):
        self.assertRun("(exit 3); echo $?", "3\n")
        self.assertRun("(false) || echo failed", "failed\n")

    def test_subshell_redirection_and_pipe(self):
        self.assertRun("(echo a; echo b) > /tmp/sh_sub; cat /tmp/sh_sub", "a\nb\n")
        self.assertRun("(echo a; echo b) | wc -l", None)

    def test_subshell_syntax_errors(self):
        self.assertRun("()", "", 2, stderr_contains="')'")
        self.assertRun("(echo a", "", 2, stderr_contains="unexpected end of file")
        self.assertRun("echo a)", "", 2, stderr_contains="')'")


class Signals(ShellTestCase):
    def test_killed_status(self):
        result = self.assertRun("sh -c 'kill -9 $$'; echo $?", "137\n")
        self.assertIn("Killed", result.stderr)

    def test_terminated_status(self):
        self.assertRun("sh -c 'kill $$'; echo $?", "143\n")


class Scripts(ShellTestCase):
    def test_script_file(self):
        self.assertRun("echo 'echo from script' > /tmp/sh_s1; echo 'exit 4' >> /tmp/sh_s1; "
                       "sh /tmp/sh_s1; echo $?", "from script\n4\n")

    def test_script_arguments(self):
        self.assertRun("echo 'echo $0 $1 $#' > /tmp/sh_s2; sh /tmp/sh_s2 x y", "/tmp/sh_s2 x 2\n")

    def test_script_multiline_constructs(self):
        self.assertRun("echo \"echo 'a\" > /tmp/sh_s3; echo \"b'\" >> /tmp/sh_s3; "
                       "echo 'echo x |' >> /tmp/sh_s3; echo 'cat' >> /tmp/sh_s3; sh /tmp/sh_s3",
                       "a\nb\nx\n")

    def test_script_syntax_error_stops(self):
        result = self.assertRun("echo 'echo one' > /tmp/sh_s4; echo 'echo |;' >> /tmp/sh_s4; "
                                "echo 'echo two' >> /tmp/sh_s4; sh /tmp/sh_s4; echo $?", "one\n2\n")
        self.assertIn("line 2", result.stderr)

    def test_missing_script(self):
        self.assertRun("sh /tmp/sh_no_script; echo $?", "127\n", stderr_contains="sh_no_script")

    def test_script_from_stdin(self):
        self.assertRun("echo 'echo piped script' | sh", "piped script\n")

    def test_invalid_option(self):
        self.assertRun("sh -z; echo $?", "2\n", stderr_contains="invalid option")


if __name__ == "__main__":
    unittest.main()
