"""Tests of the shared file writer: atomic replacement, modes, and outputs kept off inputs."""

from __future__ import annotations

import errno
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest

from jointworking import _files
from jointworking._files import (
    FileWriteError,
    Output,
    atomic_open,
    atomic_write,
    check_outputs,
    printable,
    same_file,
    write_files,
)
from jointworking.errors import ArgumentError, JointWorkingError

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file semantics")


def _text(content: str) -> Callable[[TextIO], object]:
    return lambda stream: stream.write(content)


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """A file holding an earlier output, which a failed write must leave exactly as it is."""
    path = tmp_path / "report.md"
    path.write_text("the previous report\n", encoding="utf-8")
    return path


@pytest.fixture
def umask() -> Iterator[int]:
    """Run with a known umask, and put the previous one back."""
    previous = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(previous)


class TestAtomicWrite:
    def test_writes_new_file(self, tmp_path: Path) -> None:
        """The content arrives whole, and nothing but the file is left in the folder."""
        target = tmp_path / "new.md"
        atomic_write(target, _text("hello\n"))
        assert target.read_text(encoding="utf-8") == "hello\n"
        assert os.listdir(tmp_path) == ["new.md"]

    def test_replaces_existing(self, old: Path) -> None:
        """An existing file is replaced by the new content."""
        atomic_write(old, _text("the new report\n"))
        assert old.read_text(encoding="utf-8") == "the new report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_binary(self, tmp_path: Path) -> None:
        """A binary writer gets a binary stream."""
        target = tmp_path / "data.bin"
        atomic_write(target, lambda stream: stream.write(b"\x00\xff"), binary=True)
        assert target.read_bytes() == b"\x00\xff"

    def test_exception_in_writer_keeps_old_file(self, old: Path) -> None:
        """A writer that fails half way leaves the old file intact and no temporary."""

        def half(stream: TextIO) -> None:
            stream.write("the first half" * 10_000)
            raise RuntimeError("rendering failed")

        with pytest.raises(RuntimeError, match="rendering failed"):
            atomic_write(old, half)
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_exception_leaves_no_new_file(self, tmp_path: Path) -> None:
        """A failed write to a new name creates nothing at all, not even an empty file."""

        def fail(stream: TextIO) -> None:
            raise RuntimeError("rendering failed")

        with pytest.raises(RuntimeError):
            atomic_write(tmp_path / "new.md", fail)
        assert os.listdir(tmp_path) == []

    def test_os_error_in_writer_names_file(self, old: Path) -> None:
        """An OSError while writing (a full disk, say) names the file, and changes nothing."""

        def full(stream: TextIO) -> None:
            stream.write("x" * 100)
            raise OSError(errno.ENOSPC, "No space left on device")

        with pytest.raises(FileWriteError) as caught:
            atomic_write(old, full)
        assert str(caught.value) == f"{old}: cannot be written: No space left on device"
        assert caught.value.errno == errno.ENOSPC
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_failing_rename_keeps_old_file(
        self, old: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the final rename fails, the old file stays and the temporary is removed."""

        def refuse(source: Any, target: Any) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(os, "replace", refuse)
        with pytest.raises(FileWriteError, match=r"report\.md: cannot be written: Permission"):
            atomic_write(old, _text("the new report\n"))
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_failing_fsync_keeps_old_file(self, old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A sync that fails (an I/O error) is a failed write, not a silent one."""

        def broken(fd: int) -> None:
            raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(os, "fsync", broken)
        with pytest.raises(FileWriteError, match="Input/output error"):
            atomic_write(old, _text("the new report\n"))
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_unencodable_text_keeps_old_file(self, old: Path) -> None:
        """Text the encoding cannot hold raises as it is, and changes nothing."""
        with pytest.raises(UnicodeEncodeError):
            atomic_write(old, _text("caf\udce9"))
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_interrupt_removes_temporary(self, old: Path) -> None:
        """Ctrl-C while writing propagates, and leaves the old file and no temporary."""

        def interrupted(stream: TextIO) -> None:
            stream.write("partial")
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            atomic_write(old, interrupted)
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_missing_folder(self, tmp_path: Path) -> None:
        """A folder that does not exist is a FileWriteError naming the file."""
        target = tmp_path / "absent" / "report.md"
        with pytest.raises(FileWriteError, match=r"report\.md: cannot be written: No such file"):
            atomic_write(target, _text("x"))

    def test_folder_is_refused(self, tmp_path: Path) -> None:
        """A folder is not replaced by a file."""
        (tmp_path / "folder").mkdir()
        with pytest.raises(FileWriteError, match="folder: cannot be written: it is a folder"):
            atomic_write(tmp_path / "folder", _text("x"))
        assert (tmp_path / "folder").is_dir()

    def test_read_only_file_is_not_replaced(
        self, old: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file the user may not write is not replaced through its writable folder."""
        monkeypatch.setattr(os, "access", lambda path, mode: False)
        with pytest.raises(FileWriteError, match="Permission denied"):
            atomic_write(old, _text("the new report\n"))
        assert old.read_text(encoding="utf-8") == "the previous report\n"

    def test_error_is_an_os_error_too(self) -> None:
        """Code that handles OSError, or JointWorkingError, catches a FileWriteError."""
        error = FileWriteError("out.csv", errno.EFBIG, "File too large")
        assert isinstance(error, OSError)
        assert isinstance(error, JointWorkingError)
        assert (error.errno, error.strerror, error.filename) == (
            errno.EFBIG,
            "File too large",
            "out.csv",
        )


@posix_only
class TestModes:
    def test_new_file_respects_umask(self, tmp_path: Path, umask: int) -> None:
        """A new file gets 0o666 less the umask, as open() would give it."""
        target = tmp_path / "new.md"
        atomic_write(target, _text("x"))
        assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask

    def test_replaced_file_keeps_its_mode(self, old: Path, umask: int) -> None:
        """A file being replaced keeps its permission bits, not the umask's."""
        old.chmod(0o604)
        atomic_write(old, _text("the new report\n"))
        assert stat.S_IMODE(old.stat().st_mode) == 0o604

    def test_symlink_is_written_through(self, tmp_path: Path) -> None:
        """An output that is a symbolic link replaces the file it points to; the link stays."""
        real = tmp_path / "real.md"
        real.write_text("old", encoding="utf-8")
        link = tmp_path / "link.md"
        link.symlink_to(real)
        atomic_write(link, _text("new"))
        assert link.is_symlink()
        assert real.read_text(encoding="utf-8") == "new"
        assert sorted(os.listdir(tmp_path)) == ["link.md", "real.md"]

    def test_special_file_written_directly(self, tmp_path: Path) -> None:
        """A named pipe (like a terminal or /dev/stdout) is written to, never replaced."""
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            atomic_write(fifo, _text("through the pipe"))
            assert os.read(reader, 100) == b"through the pipe"
        finally:
            os.close(reader)
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        assert os.listdir(tmp_path) == ["pipe"]


class TestNoReplace:
    def test_existing_file_is_kept(self, old: Path) -> None:
        """With replace=False an existing file is refused, and left as it was."""
        with pytest.raises(FileWriteError, match="File exists") as caught:
            atomic_write(old, _text("new"), replace=False)
        assert caught.value.errno == errno.EEXIST
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_file_made_meanwhile_is_kept(self, tmp_path: Path) -> None:
        """A file that appears while the output is being written is not replaced."""
        target = tmp_path / "new.md"

        def meanwhile(stream: TextIO) -> None:
            target.write_text("someone else's", encoding="utf-8")
            stream.write("mine")

        with pytest.raises(FileWriteError, match="File exists"):
            atomic_write(target, meanwhile, replace=False)
        assert target.read_text(encoding="utf-8") == "someone else's"
        assert os.listdir(tmp_path) == ["new.md"]

    def test_new_file_is_created(self, tmp_path: Path) -> None:
        """With replace=False a new name is written as usual, with no temporary left."""
        target = tmp_path / "new.md"
        atomic_write(target, _text("mine"), replace=False)
        assert target.read_text(encoding="utf-8") == "mine"
        assert os.listdir(tmp_path) == ["new.md"]


class TestWriteFiles:
    def test_both_written(self, tmp_path: Path) -> None:
        """Two files are written, and nothing else is left behind."""
        first, second = tmp_path / "a.csv", tmp_path / "a.findings.csv"
        write_files([Output(first, _text("1")), Output(second, _text("2"))])
        assert (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")) == (
            "1",
            "2",
        )
        assert sorted(os.listdir(tmp_path)) == ["a.csv", "a.findings.csv"]

    def test_second_failing_changes_neither(self, tmp_path: Path) -> None:
        """If the second file cannot be written, the first is not replaced either."""
        first, second = tmp_path / "a.csv", tmp_path / "a.findings.csv"
        first.write_text("old 1", encoding="utf-8")
        second.write_text("old 2", encoding="utf-8")

        def fail(stream: TextIO) -> None:
            raise OSError(errno.EFBIG, "File too large")

        with pytest.raises(FileWriteError, match=r"a\.findings\.csv: cannot be written: File too"):
            write_files([Output(first, _text("new 1")), Output(second, fail)])
        assert first.read_text(encoding="utf-8") == "old 1"
        assert second.read_text(encoding="utf-8") == "old 2"
        assert sorted(os.listdir(tmp_path)) == ["a.csv", "a.findings.csv"]

    def test_failing_second_rename_says_what_was_written(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A rename failing after the first file is in place names the file written."""
        first, second = tmp_path / "a.csv", tmp_path / "a.findings.csv"
        real_replace = os.replace
        calls: list[object] = []

        def second_fails(source: Any, target: Any) -> None:
            calls.append(target)
            if len(calls) == 2:
                raise PermissionError(errno.EPERM, "Operation not permitted")
            real_replace(source, target)

        monkeypatch.setattr(os, "replace", second_fails)
        with pytest.raises(FileWriteError) as caught:
            write_files([Output(first, _text("1")), Output(second, _text("2"))])
        assert caught.value.written == (str(first),)
        assert str(caught.value) == (
            f"{second}: cannot be written: Operation not permitted ({first} was written"
            " already: the files no longer match)"
        )
        assert sorted(os.listdir(tmp_path)) == ["a.csv"]


class TestAtomicOpen:
    def test_text(self, tmp_path: Path) -> None:
        """The stream writes the file when the block ends."""
        target = tmp_path / "out.txt"
        with atomic_open(target) as stream:
            stream.write("line\n")
            assert not target.exists()
        assert target.read_text(encoding="utf-8") == "line\n"

    def test_exception_keeps_old_file(self, old: Path) -> None:
        """An exception in the block leaves the old file and no temporary."""

        def write_then_fail() -> None:
            with atomic_open(old) as stream:
                stream.write("partial")
                raise ValueError("stop")

        with pytest.raises(ValueError, match="stop"):
            write_then_fail()
        assert old.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(old.parent) == ["report.md"]

    def test_os_error_in_block_names_file(self, old: Path) -> None:
        """An OSError in the block becomes a FileWriteError naming the file."""

        def write_then_fail() -> None:
            with atomic_open(old, "wb") as stream:
                stream.write(b"partial")
                raise OSError(errno.EDQUOT, "Disk quota exceeded")

        with pytest.raises(FileWriteError, match=r"report\.md: cannot be written: Disk quota"):
            write_then_fail()
        assert os.listdir(old.parent) == ["report.md"]

    def test_bad_mode(self, tmp_path: Path) -> None:
        """Only "w" and "wb" are modes."""
        with pytest.raises(ArgumentError, match="mode"):
            atomic_open(tmp_path / "x", "a")  # type: ignore[call-overload]


class TestInterruptsDeferred:
    @pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
    def test_delivered_after(self) -> None:
        """Ctrl-C during a step that must not be cut in half arrives once it is done."""
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            pytest.skip("SIGINT is handled by something else here")
        done: list[bool] = []

        def step() -> None:
            with _files._interrupts_deferred():
                signal.raise_signal(signal.SIGINT)
                done.append(True)

        with pytest.raises(KeyboardInterrupt):
            step()
        assert done == [True]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class TestSameFile:
    def test_same_name(self, old: Path) -> None:
        """A path is the same file as itself."""
        assert same_file(old, str(old))

    def test_other_relative_path(self, old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Another relative spelling of the same file is the same file."""
        (old.parent / "sub").mkdir()
        monkeypatch.chdir(old.parent)
        assert same_file("report.md", "sub/../report.md")
        assert same_file("./report.md", old)

    @posix_only
    def test_symlink_and_hard_link(self, old: Path) -> None:
        """A symbolic link and a hard link to a file are that file."""
        (old.parent / "soft.md").symlink_to(old)
        os.link(old, old.parent / "hard.md")
        assert same_file(old.parent / "soft.md", old)
        assert same_file(old.parent / "hard.md", old)

    def test_new_path_resolving_to_input(self, tmp_path: Path) -> None:
        """A path not yet existing compares by where it resolves."""
        (tmp_path / "sub").mkdir()
        assert same_file(tmp_path / "sub" / ".." / "x.csv", tmp_path / "x.csv")
        assert not same_file(tmp_path / "y.csv", tmp_path / "x.csv")

    def test_different_files(self, old: Path) -> None:
        """Two files with the same content are still two files."""
        copy = old.parent / "copy.md"
        copy.write_bytes(old.read_bytes())
        assert not same_file(old, copy)


class TestCheckOutputs:
    def test_output_is_input(self, old: Path) -> None:
        """An output that is an input is refused, naming both."""
        with pytest.raises(ArgumentError) as caught:
            check_outputs([("-o", old)], [("the survey", old.parent / "." / old.name)])
        message = str(caught.value)
        assert message.startswith(f"-o {old} is the same file as the survey ")
        assert "an output never replaces an input" in message

    def test_outputs_clash(self, tmp_path: Path) -> None:
        """Two outputs that are one file are refused."""
        a = tmp_path / "a.csv"
        with pytest.raises(ArgumentError, match="are the same file"):
            check_outputs([("-o", a), ("the findings file", tmp_path / "." / "a.csv")], [])

    def test_distinct(self, old: Path) -> None:
        """Distinct outputs and inputs pass."""
        check_outputs([("-o", old.parent / "out.md")], [("the survey", old)])


class TestPrintable:
    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            ("report.md", "report.md"),
            ("caf\udce9.csv", "caf\\xe9.csv"),
            ("two\nlines", "two\\nlines"),
            ("tab\there", "tab\\there"),
            ("lone \ud800", "lone \\ud800"),
            ("C:\\surveys\\é.csv", "C:\\surveys\\é.csv"),
        ],
    )
    def test_shown(self, text: str, shown: str) -> None:
        """Undecodable bytes and control characters are escaped; the rest is kept."""
        assert printable(text) == shown
        printable(text).encode("utf-8")  # never raises

    def test_message_names_undecodable_file(self, tmp_path: Path) -> None:
        """A FileWriteError about an undecodable name can be printed in UTF-8."""
        error = FileWriteError(tmp_path / "r\udcff.md", errno.ENOSPC, "No space left on device")
        assert "r\\xff.md: cannot be written" in str(error)
        str(error).encode("utf-8")


class TestLibraryWrites:
    """The library's own writers to a path are atomic too."""

    def test_write_csv_failure_keeps_the_old_file(self, tmp_path: Path) -> None:
        """A row that breaks mid-write leaves the previous file and no temporary."""
        from jointworking import export  # noqa: PLC0415

        target = tmp_path / "groups.csv"
        target.write_text("previous\n", encoding="utf-8")
        rows: list[dict[str, Any]] = [{"a": 1}, {"b": 2}]  # the second lacks column "a"
        with pytest.raises(KeyError):
            export.write_csv(rows, target)
        assert target.read_text(encoding="utf-8") == "previous\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["groups.csv"]

    def test_write_responses_failure_keeps_the_old_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A rename that fails leaves the previous survey file and no temporary."""
        import jointworking as jw  # noqa: PLC0415
        from jointworking.io import write_responses  # noqa: PLC0415

        target = tmp_path / "survey.csv"
        target.write_text("previous\n", encoding="utf-8")

        def refuse(*args: object, **kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "replace", refuse)
        with pytest.raises(jw.ResponseFileError, match=r"survey\.csv: cannot be written"):
            write_responses(jw.load_example().responses, target)
        assert target.read_text(encoding="utf-8") == "previous\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["survey.csv"]
