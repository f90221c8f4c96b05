"""End-to-end tests of the coreutils (apps/coreutils), run inside redox-sim with `--run CMD`.
Each run boots a fresh system, so every test sets up its own files under /tmp."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simrun import run  # noqa: E402


class CoreutilsTestCase(unittest.TestCase):
    def assertRun(self, command, stdout=None, returncode=0, stderr=None, stderr_contains=None):
        result = run(command)
        details = f"command: {command!r}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
        if stdout is not None:
            self.assertEqual(result.stdout, stdout, msg=details)
        self.assertEqual(result.returncode, returncode, msg=details)
        if stderr is not None:
            self.assertEqual(result.stderr, stderr, msg=details)
        if stderr_contains is not None:
            self.assertIn(stderr_contains, result.stderr, msg=details)
        return result


# Files most tests start from.
SETUP = "mkdir -p /tmp/t && cd /tmp/t && "


class Echo(CoreutilsTestCase):
    def test_joins_operands(self):
        self.assertRun("/bin/echo a  b c", "a b c\n")
        self.assertRun("/bin/echo", "\n")

    def test_no_newline(self):
        self.assertRun("/bin/echo -n hi", "hi")

    def test_escapes(self):
        self.assertRun("/bin/echo -e 'a\\tb\\nc'", "a\tb\nc\n")
        self.assertRun("/bin/echo -e 'a\\cb'", "a")
        self.assertRun("/bin/echo 'a\\tb'", "a\\tb\n")

    def test_unknown_option_is_printed(self):
        self.assertRun("/bin/echo -x y", "-x y\n")


class TrueFalseYes(CoreutilsTestCase):
    def test_status(self):
        self.assertRun("/bin/true", "", 0)
        self.assertRun("/bin/false", "", 1)
        self.assertRun("/bin/true --anything", "", 0)

    def test_yes(self):
        self.assertRun("yes | head -n 3", "y\ny\ny\n")
        self.assertRun("yes a b | head -n 2", "a b\na b\n")


class Cat(CoreutilsTestCase):
    def test_files_and_stdin(self):
        self.assertRun(SETUP + "echo one > a && echo two > b && cat a b", "one\ntwo\n")
        self.assertRun(SETUP + "echo one > a && echo mid | cat a - a", "one\nmid\none\n")
        self.assertRun("echo piped | cat", "piped\n")

    def test_number_lines(self):
        self.assertRun(SETUP + "echo x > a && cat -n a a", "     1\tx\n     2\tx\n")

    def test_missing_file(self):
        self.assertRun("cat /nope", "", 1, stderr="cat: /nope: No such file or directory\n")

    def test_error_does_not_stop_other_files(self):
        self.assertRun(SETUP + "echo ok > a && cat /nope a", "ok\n", 1,
                       stderr_contains="cat: /nope: No such file or directory")

    def test_directory(self):
        self.assertRun(SETUP + "cat /tmp/t", "", 1, stderr_contains="cat: /tmp/t: Is a directory")

    def test_bad_option(self):
        self.assertRun("cat -Q", "", 1, stderr_contains="cat: invalid option -- 'Q'")

    def test_help(self):
        result = self.assertRun("cat --help")
        self.assertTrue(result.stdout.startswith("Usage: cat"), result.stdout)


class Pwd(CoreutilsTestCase):
    def test_pwd(self):
        self.assertRun("mkdir -p /tmp/p/q && cd /tmp/p/q && /bin/pwd", "/tmp/p/q\n")


class Ls(CoreutilsTestCase):
    def test_sorted_names(self):
        self.assertRun(SETUP + "touch b a c && mkdir d && ls", "a\nb\nc\nd\n")

    def test_hidden_files(self):
        self.assertRun(SETUP + "touch .h v && ls", "v\n")
        self.assertRun(SETUP + "touch .h v && ls -a", ".\n..\n.h\nv\n")
        self.assertRun(SETUP + "touch .h v && ls -A", ".h\nv\n")

    def test_file_operand_and_several_operands(self):
        self.assertRun(SETUP + "mkdir d e && touch d/x f && ls f d e",
                       "f\n\nd:\nx\n\ne:\n")
        self.assertRun(SETUP + "touch f && ls /tmp/t/f", "/tmp/t/f\n")

    def test_directory_itself(self):
        self.assertRun(SETUP + "mkdir d && ls -d d", "d\n")

    def test_long_format(self):
        result = self.assertRun(SETUP + "echo hello > f && mkdir d && ln -s f l && ls -l")
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 3, result.stdout)
        date = r"\d{4}-\d\d-\d\d \d\d:\d\d"
        self.assertRegex(lines[0], r"^d[rwx-]{9} +\d+ +\d+ +\d+ +\d+ " + date + " d$")
        self.assertRegex(lines[1], r"^-rw-r--r-- +1 +\d+ +\d+ +6 " + date + " f$")
        self.assertRegex(lines[2], r"^l[rwx-]{9} +1 +\d+ +\d+ +\d+ " + date + " l -> f$")

    def test_long_format_date_and_mode(self):
        result = self.assertRun(SETUP + "touch -d '2021-03-04 05:06' f && mkdir -m 750 d && ls -l")
        self.assertRegex(result.stdout, r"(?m)^drwxr-x--- .* d$")
        self.assertRegex(result.stdout, r"(?m) 2021-03-04 05:06 f$")

    def test_hard_link_count(self):
        result = self.assertRun(SETUP + "touch f && ln f g && ls -l f")
        self.assertRegex(result.stdout, r"^-\S+ +2 ")

    def test_recursive(self):
        self.assertRun(SETUP + "mkdir -p d/e/f && touch d/a d/e/b && ls -R d",
                       "d:\na\ne\n\nd/e:\nb\nf\n\nd/e/f:\n")

    def test_many_entries(self):
        names = " ".join(f"file_with_a_rather_long_name_{i:03}" for i in range(120))
        result = self.assertRun(SETUP + f"touch {names} && ls | wc -l && ls | tail -n 1")
        self.assertEqual(result.stdout, "120\nfile_with_a_rather_long_name_119\n")

    def test_missing_operand(self):
        self.assertRun("ls /nope", "", 2, stderr="ls: cannot access '/nope': No such file or directory\n")

    def test_missing_and_present(self):
        self.assertRun(SETUP + "touch f && ls /nope f", "f\n", 2,
                       stderr_contains="cannot access '/nope'")

    def test_bad_option(self):
        self.assertRun("ls -Z", "", 2, stderr_contains="ls: invalid option -- 'Z'")

    def test_scheme_root_lists_schemes(self):
        result = self.assertRun("ls /scheme")
        for scheme in ("pipe", "sys", "time"):
            self.assertIn(scheme, result.stdout.split())


class Mkdir(CoreutilsTestCase):
    def test_create_and_exists(self):
        self.assertRun("mkdir /tmp/m && ls -d /tmp/m", "/tmp/m\n")
        self.assertRun("mkdir /tmp/m && mkdir /tmp/m", "", 1,
                       stderr="mkdir: cannot create directory '/tmp/m': File exists\n")

    def test_missing_parent(self):
        self.assertRun("mkdir /tmp/a/b/c", "", 1,
                       stderr="mkdir: cannot create directory '/tmp/a/b/c': No such file or directory\n")

    def test_parents(self):
        self.assertRun("mkdir -p /tmp/a/b/c && mkdir -p /tmp/a/b/c && ls /tmp/a/b", "c\n")

    def test_parents_through_a_file(self):
        result = self.assertRun("mkdir -p /tmp/t && touch /tmp/t/f && mkdir -p /tmp/t/f/x", "", 1)
        self.assertIn("mkdir: cannot create directory", result.stderr)

    def test_mode(self):
        result = self.assertRun("mkdir -m 700 /tmp/m && ls -ld /tmp/m")
        self.assertTrue(result.stdout.startswith("drwx------ "), result.stdout)

    def test_missing_operand(self):
        self.assertRun("mkdir", "", 1, stderr_contains="mkdir: missing operand")


class Rmdir(CoreutilsTestCase):
    def test_remove(self):
        self.assertRun(SETUP + "mkdir d && rmdir d && ls", "")

    def test_not_empty(self):
        self.assertRun(SETUP + "mkdir -p d/e && rmdir d", "", 1,
                       stderr="rmdir: failed to remove 'd': Directory not empty\n")

    def test_parents(self):
        self.assertRun(SETUP + "mkdir -p a/b/c && rmdir -p a/b/c && ls", "")

    def test_missing(self):
        self.assertRun("rmdir /tmp/nope", "", 1,
                       stderr="rmdir: failed to remove '/tmp/nope': No such file or directory\n")


class Rm(CoreutilsTestCase):
    def test_remove_files(self):
        self.assertRun(SETUP + "touch a b c && rm a b && ls", "c\n")

    def test_missing(self):
        self.assertRun("rm /tmp/nope", "", 1, stderr="rm: cannot remove '/tmp/nope': No such file or directory\n")
        self.assertRun("rm -f /tmp/nope", "", 0, stderr="")
        self.assertRun("rm -f", "", 0)

    def test_directory_needs_r(self):
        self.assertRun(SETUP + "mkdir d && rm d", "", 1, stderr="rm: cannot remove 'd': Is a directory\n")
        self.assertRun(SETUP + "mkdir d && rm -d d && ls", "")

    def test_recursive(self):
        self.assertRun(SETUP + "mkdir -p d/e/f && touch d/x d/e/y && ln -s /nowhere d/l && rm -r d && ls", "")

    def test_recursive_many_entries(self):
        names = " ".join(f"d/entry_with_a_long_name_{i:03}" for i in range(120))
        self.assertRun(SETUP + f"mkdir d && touch {names} && rm -r d && ls", "")

    def test_recursive_keeps_symlink_target(self):
        self.assertRun(SETUP + "mkdir -p keep d && touch keep/k && ln -s /tmp/t/keep d/l && rm -r d && ls keep",
                       "k\n")

    def test_refuses_dot(self):
        self.assertRun(SETUP + "rm -r .", "", 1, stderr_contains="refusing to remove '.' or '..'")

    def test_missing_operand(self):
        self.assertRun("rm", "", 1, stderr_contains="rm: missing operand")


class Touch(CoreutilsTestCase):
    def test_creates_empty_file(self):
        result = self.assertRun(SETUP + "touch new && ls -l new")
        self.assertRegex(result.stdout, r"^-rw-r--r-- +1 +\d+ +\d+ +0 ")

    def test_keeps_content_and_updates_time(self):
        result = self.assertRun(SETUP + "echo data > f && touch -d @0 f && ls -l f && touch f && cat f && ls -l f")
        lines = result.stdout.splitlines()
        self.assertIn("1970-01-01 00:00", lines[0])
        self.assertEqual(lines[1], "data")
        self.assertNotIn("1970-01-01", lines[2])

    def test_no_create(self):
        self.assertRun(SETUP + "touch -c ghost && ls", "")

    def test_directory(self):
        result = self.assertRun(SETUP + "mkdir d && touch -d '2000-01-01 00:00' d && ls -ld d")
        self.assertIn("2000-01-01 00:00", result.stdout)

    def test_missing_directory(self):
        self.assertRun("touch /tmp/nope/f", "", 1,
                       stderr="touch: cannot touch '/tmp/nope/f': No such file or directory\n")

    def test_bad_date(self):
        self.assertRun("touch -d tomorrow /tmp/f", "", 1, stderr_contains="invalid date format")


class Ln(CoreutilsTestCase):
    def test_hard_link_shares_content(self):
        self.assertRun(SETUP + "echo one > f && ln f g && echo two >> f && cat g", "one\ntwo\n")

    def test_symlink(self):
        self.assertRun(SETUP + "echo one > f && ln -s f s && cat s && ls -l s | grep -c ' s -> f'", "one\n1\n")

    def test_into_directory(self):
        self.assertRun(SETUP + "mkdir d && touch f && ln -s /tmp/t/f d && ls d", "f\n")

    def test_existing(self):
        self.assertRun(SETUP + "touch f g && ln -s f g", "", 1,
                       stderr="ln: failed to create symbolic link 'g': File exists\n")
        self.assertRun(SETUP + "echo x > f && touch g && ln -sf f g && cat g", "x\n")

    def test_missing_target_of_hard_link(self):
        self.assertRun(SETUP + "ln nope x", "", 1, stderr="ln: failed to access 'nope': No such file or directory\n")

    def test_hard_link_to_directory(self):
        self.assertRun(SETUP + "mkdir d && ln d e", "", 1, stderr_contains="hard link not allowed for directory")

    def test_dangling_symlink(self):
        self.assertRun(SETUP + "ln -s /nowhere l && ls l && cat l", "l\n", 1,
                       stderr_contains="cat: l: No such file or directory")

    def test_lone_target_links_into_current_directory(self):
        self.assertRun(SETUP + "mkdir d && echo x > d/f && ln -s d/f && cat f", "x\n")
        self.assertRun("ln", "", 1, stderr_contains="ln: missing file operand")


class Cp(CoreutilsTestCase):
    def test_file_to_file(self):
        self.assertRun(SETUP + "echo hi > a && cp a b && cat b && ls", "hi\na\nb\n")

    def test_keeps_mode(self):
        # There is no chmod utility: check a directory made with mkdir -m.
        result = self.assertRun(SETUP + "mkdir -m 751 d && cp -r d e && ls -ld e")
        self.assertTrue(result.stdout.startswith("drwxr-x--x"), result.stdout)

    def test_overwrite(self):
        self.assertRun(SETUP + "echo new > a && echo old-longer > b && cp a b && cat b", "new\n")

    def test_into_directory(self):
        self.assertRun(SETUP + "touch a b && mkdir d && cp a b d && ls d", "a\nb\n")

    def test_directory_needs_r(self):
        self.assertRun(SETUP + "mkdir d && cp d e", "", 1,
                       stderr="cp: -r not specified; omitting directory 'd'\n")

    def test_recursive(self):
        self.assertRun(SETUP + "mkdir -p d/e && echo deep > d/e/f && ln -s f d/l && cp -r d c && "
                       "cat c/e/f && ls c && ls -l c/l | grep -c 'l -> f'", "deep\ne\nl\n1\n")

    def test_missing_source(self):
        self.assertRun("cp /nope /tmp/x", "", 1, stderr="cp: cannot stat '/nope': No such file or directory\n")

    def test_same_file(self):
        self.assertRun(SETUP + "touch a && cp a a", "", 1, stderr="cp: 'a' and 'a' are the same file\n")

    def test_several_sources_need_directory(self):
        self.assertRun(SETUP + "touch a b c && cp a b c", "", 1, stderr="cp: target 'c' is not a directory\n")

    def test_missing_destination(self):
        self.assertRun("cp /tmp/a", "", 1, stderr_contains="missing destination file operand after '/tmp/a'")

    def test_into_itself(self):
        self.assertRun(SETUP + "mkdir d && cp -r d d/sub", returncode=1, stderr_contains="into itself")


class Mv(CoreutilsTestCase):
    def test_operand_errors(self):
        self.assertRun("mv", "", 1, stderr_contains="mv: missing file operand")
        self.assertRun("mv /tmp/a", "", 1, stderr_contains="mv: missing destination file operand after '/tmp/a'")
        self.assertRun(SETUP + "touch a b c && mv a b c", "", 1, stderr="mv: target 'c' is not a directory\n")

    def test_rename(self):
        self.assertRun(SETUP + "echo x > a && mv a b && ls && cat b", "b\nx\n")

    def test_replace(self):
        self.assertRun(SETUP + "echo new > a && echo old > b && mv a b && ls && cat b", "b\nnew\n")

    def test_into_directory(self):
        self.assertRun(SETUP + "touch a b && mkdir d && mv a b d && ls && ls d", "d\na\nb\n")

    def test_directory(self):
        self.assertRun(SETUP + "mkdir -p d/e && touch d/e/f && mv d x && ls x/e", "f\n")

    def test_symlink_itself(self):
        self.assertRun(SETUP + "echo x > f && ln -s f l && mv l m && ls && cat m", "f\nm\nx\n")

    def test_missing_source(self):
        self.assertRun(SETUP + "mv nope x", "", 1, stderr="mv: cannot stat 'nope': No such file or directory\n")

    def test_into_itself(self):
        self.assertRun(SETUP + "mkdir -p d/sub && mv d d/sub", "", 1,
                       stderr="mv: cannot move 'd' to a subdirectory of itself, 'd/sub/d'\n")

    def test_file_over_directory(self):
        self.assertRun(SETUP + "touch a && mkdir -p d/a && mv a d", "", 1,
                       stderr="mv: cannot overwrite directory 'd/a' with non-directory\n")


class Wc(CoreutilsTestCase):
    def test_counts(self):
        self.assertRun(SETUP + "echo 'one two' > f && echo three >> f && wc f", " 2  3 14 f\n")
        self.assertRun(SETUP + "echo 'one two' > f && wc -l f", "1 f\n")
        self.assertRun(SETUP + "echo 'one two' > f && wc -w < f", "2\n")
        self.assertRun("echo 'a b c' | wc", "      1       3       6\n")

    def test_total(self):
        self.assertRun(SETUP + "echo a > x && echo b c > y && wc -l x y", "1 x\n1 y\n2 total\n")

    def test_missing_file(self):
        self.assertRun(SETUP + "echo a > x && wc -c x /nope", "2 x\n2 total\n", 1,
                       stderr_contains="wc: /nope: No such file or directory")


class HeadTail(CoreutilsTestCase):
    # 1..15, one per line, written with echo (no seq here).
    NUMBERS = SETUP + "echo 1 > n && " + " && ".join(f"echo {i} >> n" for i in range(2, 16)) + " && "

    def test_defaults_are_ten_lines(self):
        self.assertRun(self.NUMBERS + "head n", "".join(f"{i}\n" for i in range(1, 11)))
        self.assertRun(self.NUMBERS + "tail n", "".join(f"{i}\n" for i in range(6, 16)))
        self.assertRun(self.NUMBERS + "cat n | tail -n 3", "13\n14\n15\n")

    def test_head(self):
        self.assertRun("yes | head -n 2", "y\ny\n")
        self.assertRun(SETUP + "echo a > f && echo b >> f && echo c >> f && head -n 2 f", "a\nb\n")
        self.assertRun(SETUP + "echo a > f && echo b >> f && head -1 f", "a\n")
        self.assertRun(SETUP + "echo abcdef > f && head -c 3 f", "abc")

    def test_head_several_files(self):
        self.assertRun(SETUP + "echo a > f && echo b > g && head f g", "==> f <==\na\n\n==> g <==\nb\n")

    def test_head_errors(self):
        self.assertRun("head /nope", "", 1, stderr="head: cannot open '/nope' for reading: No such file or directory\n")
        self.assertRun("head -n x /nope", "", 1, stderr_contains="invalid number of lines")
        self.assertRun("head --lines /nope", "", 1, stderr_contains="head: unrecognized option '--lines'")
        self.assertRun(SETUP + "echo a > f && head -v -c 1 f /nope", "==> f <==\na", 1,
                       stderr="head: cannot open '/nope' for reading: No such file or directory\n")

    def test_tail(self):
        self.assertRun(SETUP + "echo a > f && echo b >> f && echo c >> f && tail -n 2 f", "b\nc\n")
        self.assertRun(SETUP + "echo a > f && echo b >> f && echo c >> f && tail -n +2 f", "b\nc\n")
        self.assertRun(SETUP + "echo a > f && echo b >> f && echo c >> f && tail -1 f", "c\n")
        self.assertRun(SETUP + "echo abcdef > f && tail -c 3 f", "ef\n")
        self.assertRun("echo x | tail", "x\n")

    def test_tail_errors(self):
        self.assertRun("tail /nope", "", 1, stderr="tail: cannot open '/nope' for reading: No such file or directory\n")
        self.assertRun("tail -c x /nope", "", 1, stderr_contains="tail: invalid number of bytes: 'x'")
        self.assertRun(SETUP + "echo a > f && tail -q --lines=1 /nope f", "a\n", 1,
                       stderr="tail: cannot open '/nope' for reading: No such file or directory\n")


class Grep(CoreutilsTestCase):
    FRUIT = SETUP + "echo Apple > f && echo banana >> f && echo 'apple pie' >> f && "

    def test_match_and_status(self):
        self.assertRun(self.FRUIT + "grep apple f", "apple pie\n")
        self.assertRun(self.FRUIT + "grep cherry f", "", 1)

    def test_options(self):
        self.assertRun(self.FRUIT + "grep -i apple f", "Apple\napple pie\n")
        self.assertRun(self.FRUIT + "grep -v apple f", "Apple\nbanana\n")
        self.assertRun(self.FRUIT + "grep -c a f", "2\n")
        self.assertRun(self.FRUIT + "grep -ci a f", "3\n")
        self.assertRun(self.FRUIT + "grep -n an f", "2:banana\n")
        self.assertRun(self.FRUIT + "grep -q pie f", "", 0)
        self.assertRun(self.FRUIT + "grep -x banana f", "banana\n")

    def test_several_files(self):
        self.assertRun(self.FRUIT + "echo pineapple > g && grep apple f g", "f:apple pie\ng:pineapple\n")
        self.assertRun(self.FRUIT + "echo pineapple > g && grep -l ban f g", "f\n")

    def test_stdin(self):
        self.assertRun("echo hello | grep ell", "hello\n")

    def test_errors(self):
        self.assertRun("grep x /nope", "", 2, stderr="grep: /nope: No such file or directory\n")
        self.assertRun(self.FRUIT + "grep apple f /nope", "f:apple pie\n", 2)
        self.assertRun("grep", "", 2, stderr_contains="Usage: grep")
        self.assertRun("grep -Z x", "", 2, stderr_contains="invalid option -- 'Z'")


class Sleep(CoreutilsTestCase):
    def test_sleep(self):
        self.assertRun("sleep 0.1 && echo done", "done\n")

    def test_errors(self):
        self.assertRun("sleep", "", 1, stderr_contains="sleep: missing operand")
        self.assertRun("sleep abc", "", 1, stderr_contains="sleep: invalid time interval 'abc'")


class Kill(CoreutilsTestCase):
    def test_kill_background_job(self):
        result = self.assertRun("sleep 10 & kill $!; wait $!; echo $?")
        self.assertEqual(result.stdout, "143\n")

    def test_kill_with_signal(self):
        self.assertRun("sleep 10 & kill -9 $!; wait $!; echo $?", "137\n")
        self.assertRun("sleep 10 & kill -s KILL $!; wait $!; echo $?", "137\n")
        self.assertRun("sleep 10 & kill -SIGKILL $!; wait $!; echo $?", "137\n")

    def test_list(self):
        result = self.assertRun("kill -l")
        self.assertIn("KILL", result.stdout.split())
        self.assertRun("kill -l 9 TERM", "KILL\n15\n")

    def test_errors(self):
        self.assertRun("kill 99999", "", 1, stderr="kill: (99999): No such process\n")
        self.assertRun("kill -FOO 1", "", 1, stderr="kill: 'FOO': invalid signal\n")
        self.assertRun("kill abc", "", 1, stderr="kill: 'abc': invalid process id\n")
        self.assertRun("kill", "", 1, stderr_contains="no process ID specified")


class Ps(CoreutilsTestCase):
    def test_lists_itself(self):
        result = self.assertRun("ps")
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].split()[:2] == ["PID", "PPID"], result.stdout)
        self.assertTrue(any(line.split()[-1:] == ["ps"] or line.endswith(" ps") for line in lines[1:]),
                        result.stdout)

    def test_shows_background_process(self):
        result = self.assertRun("sleep 5 & ps; kill $!")
        self.assertRegex(result.stdout, r"(?m)sleep 5$")


class Env(CoreutilsTestCase):
    def test_print(self):
        result = self.assertRun("FOO=bar env")
        self.assertIn("FOO=bar", result.stdout.splitlines())

    def test_run_with_variables(self):
        self.assertRun("env A=1 B=2 /bin/env -i", "")
        self.assertRun("env -i A=1 B=2 env", "A=1\nB=2\n")
        self.assertRun("env -i X=1 sh -c 'echo $X'", "1\n")

    def test_unset(self):
        self.assertRun("FOO=1 env -u FOO env | grep -c FOO=", "0\n", 1)

    def test_command_not_found(self):
        self.assertRun("env nosuchcmd", "", 127, stderr="env: 'nosuchcmd': No such file or directory\n")


class Uname(CoreutilsTestCase):
    def test_uname(self):
        self.assertRun("uname", "Redox\n")
        self.assertRun("uname -s", "Redox\n")
        result = self.assertRun("uname -a")
        self.assertTrue(result.stdout.startswith("Redox "), result.stdout)
        machine = self.assertRun("uname -m").stdout.strip()
        self.assertTrue(machine, "empty machine name")
        self.assertTrue(result.stdout.rstrip("\n").endswith(machine + " Redox"), result.stdout)

    def test_bad_use(self):
        self.assertRun("uname -x", "", 1, stderr_contains="invalid option -- 'x'")
        self.assertRun("uname foo", "", 1, stderr_contains="extra operand 'foo'")


class Dd(CoreutilsTestCase):
    def test_copy_file(self):
        result = self.assertRun(SETUP + "echo 0123456789 > a && dd if=a of=b bs=4 && cat b", "0123456789\n")
        self.assertIn("2+1 records in\n2+1 records out\n11 bytes copied, ", result.stderr)
        self.assertRegex(result.stderr, r"11 bytes copied, [0-9.e+-]+ s, ([0-9.]+ [kMGTPE]?|Infinity )B/s\n$")

    def test_count_and_suffix(self):
        result = self.assertRun(SETUP + "yes | head -c 5000 > src && dd if=src of=f bs=1k count=3 && wc -c f",
                                "3072 f\n")
        self.assertIn("3+0 records in\n3+0 records out\n", result.stderr)
        self.assertIn("3072 bytes (3.1 kB, 3.0 KiB) copied", result.stderr)

    def test_stdin_stdout_default_block(self):
        result = self.assertRun("echo hi | dd")
        self.assertEqual(result.stdout, "hi\n")
        self.assertIn("0+1 records in\n0+1 records out\n3 bytes copied", result.stderr)

    def test_skip(self):
        self.assertRun(SETUP + "echo 0123456789 > a && dd if=a bs=2 skip=2 count=2 status=none", "4567")

    def test_errors(self):
        self.assertRun("dd if=/nope", "", 1, stderr="dd: failed to open '/nope': No such file or directory\n")
        self.assertRun("dd bs=x", "", 1, stderr_contains="dd: invalid number: 'x'")
        self.assertRun("dd foo=1", "", 1, stderr_contains="dd: unrecognized operand 'foo=1'")


class Sandbox(CoreutilsTestCase):
    def test_null_namespace_blocks_files(self):
        result = self.assertRun(SETUP + "echo secret > f && sandbox --null cat /tmp/t/f", returncode=1)
        self.assertNotIn("secret", result.stdout)
        self.assertIn("cat: /tmp/t/f:", result.stderr)

    def test_null_namespace_keeps_open_fds(self):
        self.assertRun("echo through | sandbox --null cat", "through\n")

    def test_listed_schemes(self):
        self.assertRun(SETUP + "echo visible > f && sandbox -s file cat /tmp/t/f", "visible\n")
        result = run(SETUP + "echo hidden > f && sandbox -s pipe cat /tmp/t/f")
        self.assertEqual(result.returncode, 1, result)
        self.assertNotIn("hidden", result.stdout)

    def test_usage(self):
        self.assertRun("sandbox", "", 1, stderr_contains="Usage: sandbox")
        self.assertRun("sandbox --bogus true", "", 1, stderr_contains="unrecognized option '--bogus'")
        self.assertRun("sandbox --null nosuchcmd", "", 127, stderr_contains="nosuchcmd")


class Shutdown(CoreutilsTestCase):
    def test_powers_off(self):
        result = self.assertRun("echo before; shutdown; sleep 2; echo after")
        self.assertEqual(result.stdout, "before\n")

    def test_bad_use(self):
        self.assertRun("shutdown -x", "", 1, stderr_contains="invalid option -- 'x'")
        self.assertRun("shutdown later", "", 1, stderr_contains="invalid time 'later'")


class Help(CoreutilsTestCase):
    UTILITIES = ["ls", "cat", "mkdir", "rm", "rmdir", "cp", "mv", "touch", "ln", "ps", "kill", "sleep",
                 "env", "uname", "wc", "head", "tail", "grep", "dd", "sandbox", "shutdown", "pwd"]

    def test_help(self):
        for name in self.UTILITIES:
            with self.subTest(name=name):
                result = self.assertRun(f"/bin/{name} --help")
                self.assertTrue(result.stdout.startswith(f"Usage: {name}"), result.stdout)

    def test_unknown_long_option(self):
        for name in ["ls", "cat", "cp", "mv", "wc", "uname"]:
            with self.subTest(name=name):
                result = run(f"/bin/{name} --bogus")
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(f"{name}: unrecognized option '--bogus'", result.stderr)


if __name__ == "__main__":
    unittest.main()
