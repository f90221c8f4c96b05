"""The redoxfs-* host tools on real image files: build an image from a directory, list and
extract it, and check that fsck finds damage. Paths of the tools come from the
environment (REDOXFS_MKFS, REDOXFS_AR, REDOXFS_LS, REDOXFS_EXTRACT, REDOXFS_FSCK)."""
import filecmp
import os
import subprocess
import sys
import tempfile
import unittest

TOOLS = {name: os.environ['REDOXFS_' + name.upper()] for name in ('mkfs', 'ar', 'ls', 'extract', 'fsck')}


def run(tool, *args):
    return subprocess.run([TOOLS[tool], *args], capture_output=True, text=True, timeout=60)


class RedoxfsTools(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.src = os.path.join(self.dir, 'src')
        os.makedirs(os.path.join(self.src, 'etc', 'deep', 'er'))
        with open(os.path.join(self.src, 'etc', 'init.rc'), 'w') as f:
            f.write('echo hello\n')
        with open(os.path.join(self.src, 'big.bin'), 'wb') as f:
            f.write(os.urandom(1 << 20))
            f.seek(8 << 20)
            f.write(b'end')  # a hole in the middle
        for i in range(500):
            with open(os.path.join(self.src, 'etc', 'deep', 'er', 'file%03d' % i), 'w') as f:
                f.write(str(i) * i)
        os.symlink('etc/init.rc', os.path.join(self.src, 'link'))
        os.chmod(os.path.join(self.src, 'etc', 'init.rc'), 0o755)
        self.image = os.path.join(self.dir, 'image.bin')

    def tearDown(self):
        self.tmp.cleanup()

    def test_help(self):
        for tool in TOOLS:
            result = run(tool, '--help')
            self.assertEqual(result.returncode, 0, tool)
            self.assertIn('Usage', result.stdout)

    def test_mkfs_then_fsck(self):
        self.assertEqual(run('mkfs', self.image, '8M').returncode, 0)
        self.assertEqual(os.path.getsize(self.image), 8 << 20)
        result = run('fsck', self.image)
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn('clean', result.stdout)
        self.assertNotEqual(run('mkfs', self.image, 'lots').returncode, 0)

    def test_ar_ls_extract_round_trip(self):
        result = run('ar', self.image, self.src)
        self.assertEqual(result.returncode, 0, result.stderr)
        result = run('fsck', self.image)
        self.assertEqual(result.returncode, 0, result.stdout)
        listing = run('ls', self.image, '/').stdout.split()
        self.assertEqual(listing, ['big.bin', 'etc', 'link'])
        long = run('ls', '-l', self.image, '/link').stdout
        self.assertIn('-> etc/init.rc', long)
        self.assertIn('-rwxr-xr-x', run('ls', '-l', self.image, '/etc/init.rc').stdout)
        self.assertEqual(len(run('ls', self.image, '/etc/deep/er').stdout.split()), 500)
        missing = run('ls', self.image, '/nope')
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn('No such file', missing.stderr)
        out = os.path.join(self.dir, 'out')
        result = run('extract', self.image, '/', out)
        self.assertEqual(result.returncode, 0, result.stderr)
        cmp = filecmp.dircmp(self.src, out)
        self.assertEqual(cmp.diff_files + cmp.left_only + cmp.right_only, [])
        for name in ('big.bin', 'etc/init.rc', 'etc/deep/er/file499'):
            self.assertTrue(filecmp.cmp(os.path.join(self.src, name), os.path.join(out, name), shallow=False), name)
        self.assertEqual(os.readlink(os.path.join(out, 'link')), 'etc/init.rc')
        one = os.path.join(self.dir, 'one')
        self.assertEqual(run('extract', self.image, '/etc/init.rc', one).returncode, 0)
        with open(one) as f:
            self.assertEqual(f.read(), 'echo hello\n')

    def test_fsck_reports_damage(self):
        self.assertEqual(run('ar', self.image, self.src).returncode, 0)
        with open(os.path.join(self.src, 'big.bin'), 'rb') as f:
            first = f.read(4096)
        with open(self.image, 'r+b') as f:
            data = f.read()
            at = data.find(first)
            self.assertGreater(at, 0)
            f.seek(at + 77)
            f.write(bytes([data[at + 77] ^ 0x10]))
        result = run('fsck', self.image)
        self.assertEqual(result.returncode, 1)
        self.assertIn('checksum mismatch', result.stdout)
        result = run('extract', self.image, '/big.bin', os.path.join(self.dir, 'x'))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('checksum', result.stderr)
        # A truncated image is refused with a message.
        os.truncate(self.image, 2 << 20)
        result = run('fsck', self.image)
        self.assertEqual(result.returncode, 1)
        self.assertIn('truncated', result.stdout)
        result = run('ls', self.image)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('truncated', result.stderr)

    def test_not_an_image(self):
        with open(self.image, 'wb') as f:
            f.write(b'\0' * (2 << 20))
        result = run('fsck', self.image)
        self.assertEqual(result.returncode, 1)
        self.assertIn('not a RedoxFS image', result.stdout)


if __name__ == '__main__':
    unittest.main(argv=[sys.argv[0], '-v'])
