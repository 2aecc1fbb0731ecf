"""Writing files without ever destroying one: atomic replacement, and outputs kept off inputs.

Every file the command line writes goes through this module, and the library's own
writers can use it too. A file is written to a temporary beside its target (in the same
folder, so that the final rename is atomic), flushed and synced to disk, and only then
renamed over the target. A write that fails for any reason (a full disk, a file size
limit, a permission, an exception raised while rendering, an interrupt) removes the
temporary and leaves the previous file exactly as it was.

Files and modes
---------------
- A new file gets the mode the umask gives (``0o666 & ~umask``), as :func:`open` would.
- A file being replaced keeps its permission bits, and its owner and group where the
  system allows it; extended attributes and ACLs are not copied. A file that the caller
  may not write (:func:`os.access`) is not replaced, even when its folder would allow it.
- An output that is a symbolic link is written through: the file it points to is
  replaced and the link kept. An output that is one of several hard links is replaced by
  a new file, so its other names keep the old content.
- A special file (a terminal, a named pipe, ``/dev/null``, ``/dev/stdout``) cannot be
  replaced; it is written directly, which cannot be atomic.

Errors
------
An :class:`OSError` while creating, writing, syncing or renaming the file (including one
raised by the caller's write function) becomes a :class:`FileWriteError` that names the
file as the caller gave it. Any other exception (a rendering error, a bug,
:class:`KeyboardInterrupt`) propagates unchanged, after the temporary has been removed.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import IO, Any, BinaryIO, Generic, Literal, TextIO, TypeAlias, TypeVar, cast, overload

from jointworking.errors import ArgumentError, JointWorkingError

__all__ = [
    "FileWriteError",
    "Output",
    "StrPath",
    "atomic_open",
    "atomic_write",
    "check_outputs",
    "printable",
    "same_file",
    "write_files",
]

StrPath: TypeAlias = "str | os.PathLike[str]"
_Handler: TypeAlias = "Callable[[int, FrameType | None], Any] | int | signal.Handlers | None"

_Stream = TypeVar("_Stream", TextIO, BinaryIO)

#: Characters of the target's name kept in its temporary's name (which must stay short).
_NAME_IN_TEMPORARY = 48


# --------------------------------------------------------------------------- messages


def printable(text: str | os.PathLike[str]) -> str:
    r"""Return text (or a path) as one printable line, safe for any terminal and encoding.

    A byte of a file name that is not valid UTF-8 (held by Python as a lone surrogate,
    ``\udcff``) shows as ``\xff``; any other character that does not print (a line
    break, a tab, a control character, another lone surrogate) as its backslash escape.
    Everything else, backslashes included, is kept.

    Parameters
    ----------
    text : str or os.PathLike
        A message, or a path.

    Returns
    -------
    str
        The text, encodable in UTF-8 and on a single line.

    Examples
    --------
    >>> printable("caf\udce9.csv")
    'caf\\xe9.csv'
    >>> printable("two\nlines")
    'two\\nlines'
    """
    text = os.fspath(text)
    if text.isprintable():
        return text
    return "".join(_printable_char(c) for c in text)


def _printable_char(char: str) -> str:
    if char.isprintable():
        return char
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


class FileWriteError(JointWorkingError, OSError):
    """A file could not be written; the previous file, if any, is unchanged.

    It is both a :class:`~jointworking.errors.JointWorkingError` and an :class:`OSError`
    (with ``errno``, ``strerror`` and ``filename`` set), so code that already handles
    :class:`OSError` keeps working.

    Parameters
    ----------
    path : str or os.PathLike
        The file, as the caller named it.
    code : int or None
        The ``errno`` of the failure.
    reason : str
        What went wrong, as :attr:`OSError.strerror`.
    written : sequence of str, optional
        Files of the same :func:`write_files` call already in place when this one failed.

    Attributes
    ----------
    path : str
        The file, as the caller named it.
    written : tuple of str
        As given.
    """

    def __init__(
        self,
        path: StrPath,
        code: int | None,
        reason: str,
        *,
        written: Sequence[str] = (),
    ) -> None:
        self.path = os.fspath(path)
        self.written = tuple(written)
        OSError.__init__(self, code, reason, self.path)

    def __str__(self) -> str:
        """Return the one-line message: the file, what went wrong, and what was written."""
        message = f"{printable(self.path)}: cannot be written: {self.strerror}"
        if self.written:
            names = " and ".join(printable(name) for name in self.written)
            verb = "was" if len(self.written) == 1 else "were"
            message += f" ({names} {verb} written already: the files no longer match)"
        return message

    @classmethod
    def of(cls, path: StrPath, error: OSError, *, written: Sequence[str] = ()) -> FileWriteError:
        """Return the error for `path` failing with `error` (returned as is if it is one)."""
        if isinstance(error, FileWriteError) and not written:
            return error
        return cls(path, error.errno, error.strerror or str(error), written=written)


# --------------------------------------------------------------------------- inputs


def same_file(first: StrPath, second: StrPath) -> bool:
    """Return whether two paths name the same file, however they are spelt.

    Existing files are compared by device and inode (following symbolic links), which
    catches another relative path, a symbolic link and a hard link. Where either does
    not exist yet, the paths are compared once resolved (symbolic links followed, ``..``
    removed, and case folded where the system ignores it).

    Parameters
    ----------
    first, second : str or os.PathLike
        The paths.

    Returns
    -------
    bool
    """
    try:
        return os.path.samestat(os.stat(first), os.stat(second))
    except (OSError, ValueError):
        pass
    return os.path.normcase(os.path.realpath(first)) == os.path.normcase(os.path.realpath(second))


def check_outputs(
    outputs: Sequence[tuple[str, StrPath]], inputs: Sequence[tuple[str, StrPath]]
) -> None:
    """Refuse outputs that are inputs, or one another, before anything is written.

    Parameters
    ----------
    outputs : sequence of (str, path)
        Each file to be written, with the words that introduce it in a message (such as
        ``"-o"``).
    inputs : sequence of (str, path)
        Each file read, likewise (such as ``"the survey"`` or ``"--claims"``).

    Raises
    ------
    ArgumentError
        If an output is the same file as an input or as another output
        (:func:`same_file`); the one-line message names both.
    """
    for i, (label, path) in enumerate(outputs):
        for input_label, input_path in inputs:
            if same_file(path, input_path):
                raise ArgumentError(
                    f"{label} {printable(path)} is the same file as {input_label}"
                    f" {printable(input_path)}: an output never replaces an input; write it"
                    " under another name"
                )
        for other_label, other in outputs[i + 1 :]:
            if same_file(path, other):
                raise ArgumentError(
                    f"{label} {printable(path)} and {other_label} {printable(other)} are the"
                    " same file; write them under different names"
                )


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Output:
    r"""One file to write with :func:`write_files`.

    Attributes
    ----------
    path : str or os.PathLike
        Where to write; messages name it as given.
    write : callable
        Called once with the open stream (text, or binary if `binary`), and writes the
        whole content to it. It must not close the stream. Whatever it returns is ignored.
    binary : bool
        Give `write` a binary stream rather than a text one.
    encoding : str
        The text stream's encoding (UTF-8 by default); its errors are strict.
    newline : str or None
        As for :func:`open`: ``None`` (the default) translates ``"\n"`` to the system's
        line ending; pass ``""`` for CSV, whose writer chooses its own.
    replace : bool
        Whether an existing file may be replaced (the default). If not, the file is
        created only if nothing has that name when the write completes, atomically where
        the file system supports hard links; otherwise the write fails with ``EEXIST``.
    """

    path: StrPath
    write: Callable[[TextIO], object] | Callable[[BinaryIO], object]
    binary: bool = False
    encoding: str = "utf-8"
    newline: str | None = None
    replace: bool = True


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) for the duration, and deliver it at the end.

    Used around the few steps that must not be cut in half: creating the temporary and
    noting its name, renaming temporaries into place, removing them. Outside the main
    thread, where handlers cannot be set, it does nothing.
    """
    previous: _Handler = signal.getsignal(signal.SIGINT)
    if previous is None or threading.current_thread() is not threading.main_thread():
        # Not the main thread, or a handler not set from Python (which could not be put
        # back): leave signals alone.
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    try:
        signal.signal(signal.SIGINT, hold)
    except ValueError:  # pragma: no cover - not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            signal.raise_signal(signal.SIGINT)


def _sync_folder(folder: str) -> None:
    """Sync a folder, so that a rename in it survives a crash (POSIX only; best effort)."""
    if os.name != "posix":  # pragma: no cover - folders cannot be opened elsewhere
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - the file is in place all the same
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems cannot sync folders
        pass
    finally:
        os.close(fd)


class _Staged:
    """One output on its way: a temporary beside the target, then the target itself."""

    def __init__(self, output: Output) -> None:
        self.output = output
        self.path = os.fspath(output.path)
        self.temporary: str | None = None
        self.fd: int | None = None
        self.stream: IO[Any] | None = None
        self.direct = False
        self.existing: os.stat_result | None = None
        self.target = self.path
        self.folder = "."

    def _fail(self, code: int, reason: str) -> FileWriteError:
        return FileWriteError(self.path, code, reason)

    def open(self) -> IO[Any]:
        """Create the temporary (or open a special file) and return its stream."""
        try:
            self.existing = os.stat(self.path)
        except FileNotFoundError:
            self.existing = None
        except OSError as error:
            raise FileWriteError.of(self.path, error) from None
        if self.existing is not None:
            if stat.S_ISDIR(self.existing.st_mode):
                raise self._fail(errno.EISDIR, "it is a folder")
            if not self.output.replace:
                raise self._fail(errno.EEXIST, "File exists")
            if not stat.S_ISREG(self.existing.st_mode):
                # A terminal, a pipe or a device: it cannot be replaced, only written to.
                self.direct = True
                return self._open_stream(self.path)
            if not os.access(self.path, os.W_OK):
                raise self._fail(errno.EACCES, "Permission denied (the file is read-only)")
        # Write where a symbolic link points, so that the link stays a link.
        self.target = os.path.realpath(self.path) if os.path.islink(self.path) else self.path
        self.folder = os.path.dirname(self.target) or "."
        name = os.path.basename(self.target)[:_NAME_IN_TEMPORARY]
        for _ in range(100):
            candidate = os.path.join(self.folder, f".{name}.{secrets.token_hex(4)}.tmp")
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            try:
                with _interrupts_deferred():
                    self.fd = os.open(candidate, flags, 0o666)
                    self.temporary = candidate
                    break
            except FileExistsError:  # pragma: no cover - a one in four billion draw
                continue
            except OSError as error:
                raise FileWriteError.of(self.path, error) from None
        else:  # pragma: no cover
            raise self._fail(errno.EEXIST, "no free name for a temporary file")
        return self._open_stream(self.fd)

    def _open_stream(self, file: str | int) -> IO[Any]:
        output = self.output
        # On success the stream owns the descriptor; until then, discard() closes it.
        if output.binary:
            self.stream = open(file, "wb")  # noqa: SIM115 - closed by finish or discard
        else:
            self.stream = open(  # noqa: SIM115
                file, "w", encoding=output.encoding, newline=output.newline
            )
        self.fd = None
        return self.stream

    def fill(self) -> None:
        """Open, let the output's function write, then flush, sync and close."""
        stream = self.open()
        write = cast("Callable[[IO[Any]], object]", self.output.write)
        write(stream)
        self.finish()

    def finish(self) -> None:
        """Flush, sync and close the stream, and give the temporary the target's mode."""
        stream = self.stream
        if stream is None:  # pragma: no cover - internal misuse
            raise RuntimeError("finish() before open()")
        stream.flush()
        if not self.direct:
            os.fsync(stream.fileno())
        self.stream = None
        stream.close()
        if self.temporary is not None and self.existing is not None:
            self._copy_owner_and_mode(self.existing, self.temporary)

    @staticmethod
    def _copy_owner_and_mode(existing: os.stat_result, temporary: str) -> None:
        chown = getattr(os, "chown", None)
        if chown is not None:
            mine = os.stat(temporary)
            if (mine.st_uid, mine.st_gid) != (existing.st_uid, existing.st_gid):
                try:
                    chown(temporary, existing.st_uid, existing.st_gid)
                except OSError:
                    with suppress(OSError):  # at least the group, if a member of it
                        chown(temporary, -1, existing.st_gid)
        os.chmod(temporary, stat.S_IMODE(existing.st_mode))

    def commit(self) -> None:
        """Put the temporary in place of the target (interrupts deferred by the caller)."""
        temporary = self.temporary
        if temporary is None:
            return
        if self.output.replace:
            os.replace(temporary, self.target)
        else:
            self._create(temporary)
        self.temporary = None

    def _create(self, temporary: str) -> None:
        """Move the temporary to the target only if the target does not exist."""
        try:
            os.link(temporary, self.target)
        except FileExistsError:
            raise self._fail(errno.EEXIST, "File exists") from None
        except OSError:
            # No hard links here (some network and FAT file systems): check, then rename.
            if os.path.lexists(self.target):
                raise self._fail(errno.EEXIST, "File exists") from None
            os.replace(temporary, self.target)
            return
        os.unlink(temporary)

    def discard(self) -> None:
        """Close and remove the temporary, leaving the target as it was; never raises."""
        with _interrupts_deferred():
            stream, self.stream = self.stream, None
            if stream is not None:
                with suppress(OSError):
                    stream.close()
            fd, self.fd = self.fd, None
            if fd is not None:
                with suppress(OSError):
                    os.close(fd)
            temporary, self.temporary = self.temporary, None
            if temporary is not None:
                with suppress(OSError):  # gone already, say
                    os.unlink(temporary)


def write_files(outputs: Sequence[Output]) -> None:
    """Write several files, all or none: each completely, and then all put in place.

    Each file is written to its own temporary first; if writing any of them fails, every
    temporary is removed and no file changes. Only when all are complete are they renamed
    into place, in order, with Ctrl-C held back until the last is in place.

    Parameters
    ----------
    outputs : sequence of Output
        The files, in the order they are put in place.

    Raises
    ------
    FileWriteError
        If a file cannot be written, naming it. No file changed, unless renaming one into
        place failed after an earlier one was renamed (a folder made read-only meanwhile,
        say): then the error's ``written`` names those already in place, and the message
        says so.
    Exception
        Whatever an output's ``write`` raises, other than an :class:`OSError`, after every
        temporary has been removed.
    """
    staged: list[_Staged] = []
    try:
        for output in outputs:
            item = _Staged(output)
            staged.append(item)
            try:
                item.fill()
            except OSError as error:
                raise FileWriteError.of(item.path, error) from None
    except BaseException:
        for item in staged:
            item.discard()
        raise
    written: list[str] = []
    with _interrupts_deferred():
        for i, item in enumerate(staged):
            try:
                item.commit()
            except OSError as error:
                for rest in staged[i:]:
                    rest.discard()
                raise FileWriteError.of(item.path, error, written=written) from None
            written.append(item.path)
    for folder in dict.fromkeys(item.folder for item in staged if not item.direct):
        _sync_folder(folder)


@overload
def atomic_write(
    path: StrPath,
    write: Callable[[TextIO], object],
    *,
    binary: Literal[False] = ...,
    encoding: str = ...,
    newline: str | None = ...,
    replace: bool = ...,
) -> None: ...


@overload
def atomic_write(
    path: StrPath,
    write: Callable[[BinaryIO], object],
    *,
    binary: Literal[True],
    encoding: str = ...,
    newline: str | None = ...,
    replace: bool = ...,
) -> None: ...


def atomic_write(
    path: StrPath,
    write: Callable[[TextIO], object] | Callable[[BinaryIO], object],
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
    replace: bool = True,
) -> None:
    r"""Write one file atomically: `write` fills a stream, which then replaces `path`.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write.
    write : callable
        Called once with the open stream (text, or binary if `binary`); writes the whole
        content and does not close it.
    binary, encoding, newline, replace
        As for :class:`Output`.

    Raises
    ------
    FileWriteError
        If the file cannot be written; the previous file is unchanged and no temporary
        is left.
    Exception
        Whatever `write` raises, other than an :class:`OSError`, after the temporary has
        been removed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "note.txt")
    ...     atomic_write(path, lambda stream: stream.write("hello\n"))
    ...     print(path.read_text(encoding="utf-8"), end="")
    hello
    """
    write_files(
        [Output(path, write, binary=binary, encoding=encoding, newline=newline, replace=replace)]
    )


class _AtomicFile(Generic[_Stream]):
    """The context manager :func:`atomic_open` returns."""

    def __init__(self, item: _Staged) -> None:
        self._item = item

    def __enter__(self) -> _Stream:
        item = self._item
        try:
            return cast("_Stream", item.open())
        except BaseException as error:
            item.discard()
            if isinstance(error, OSError):
                raise FileWriteError.of(item.path, error) from None
            raise

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        item = self._item
        if error is None:
            try:
                item.finish()
                with _interrupts_deferred():
                    item.commit()
            except BaseException as failure:
                item.discard()
                if isinstance(failure, OSError):
                    raise FileWriteError.of(item.path, failure) from None
                raise
            if not item.direct:
                _sync_folder(item.folder)
            return
        item.discard()
        if isinstance(error, OSError):
            raise FileWriteError.of(item.path, error) from None


@overload
def atomic_open(
    path: StrPath,
    mode: Literal["w"] = ...,
    *,
    encoding: str = ...,
    newline: str | None = ...,
    replace: bool = ...,
) -> AbstractContextManager[TextIO]: ...


@overload
def atomic_open(
    path: StrPath,
    mode: Literal["wb"],
    *,
    encoding: str = ...,
    newline: str | None = ...,
    replace: bool = ...,
) -> AbstractContextManager[BinaryIO]: ...


def atomic_open(
    path: StrPath,
    mode: Literal["w", "wb"] = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    replace: bool = True,
) -> AbstractContextManager[TextIO] | AbstractContextManager[BinaryIO]:
    r"""Open a file for writing that replaces `path` only when the ``with`` block ends well.

    A context manager: the stream it gives writes to a temporary beside `path`. When the
    block ends normally the stream is flushed, synced and closed, and the temporary
    renamed over `path`; when the block raises, the temporary is removed, `path` is left
    as it was, and the exception propagates (an :class:`OSError` as a
    :class:`FileWriteError` naming `path`).

    Parameters
    ----------
    path : str or os.PathLike
        Where to write.
    mode : {"w", "wb"}
        Text (the default) or binary.
    encoding, newline, replace
        As for :class:`Output`.

    Returns
    -------
    context manager of TextIO or BinaryIO
        Its stream; do not close it.

    Raises
    ------
    FileWriteError
        If the file cannot be written, or the block raises an :class:`OSError`.
    ArgumentError
        If `mode` is neither ``"w"`` nor ``"wb"``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder, "data.bin")
    ...     with atomic_open(path, "wb") as stream:
    ...         _ = stream.write(b"\x00\x01")
    ...     print(path.read_bytes())
    b'\x00\x01'
    """
    if mode not in ("w", "wb"):
        raise ArgumentError(f"mode: expected 'w' or 'wb', got {mode!r}")

    def unused(stream: IO[Any]) -> None:  # pragma: no cover - the block writes instead
        raise AssertionError

    output = Output(
        path, unused, binary=mode == "wb", encoding=encoding, newline=newline, replace=replace
    )
    if mode == "wb":
        return _AtomicFile[BinaryIO](_Staged(output))
    return _AtomicFile[TextIO](_Staged(output))
