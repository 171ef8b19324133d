"""The ``cchc`` command line in Vietnamese: argparse's own messages and the errors of files.

argparse has no Vietnamese catalogue, so its messages ("usage:", "the following arguments are
required", "invalid choice", ...) reached the officer in English. :class:`VietnameseCommandParser`
(Django's ``CommandParser`` with the messages translated) is the parser of every management command
once :func:`install` has run (``cchc/__main__.py`` runs it, before any command is parsed);
:func:`os_error_text` words an ``OSError`` (a file not found, not readable ...) in Vietnamese instead of
the system's English ``strerror``.
"""

from __future__ import annotations

import errno
import re
import sys
from typing import Any, NoReturn

from django.core.management import base
from django.core.management.base import CommandError, CommandParser

# argparse's messages (Python 3.11-3.13) as regular expressions -> their Vietnamese wording.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"^the following arguments are required: (.*)$", r"thiếu tham số bắt buộc: \1"),
        (
            r"^argument (.+?): invalid choice: (.+?) \(choose from (.*)\)$",
            r"tham số \1: giá trị \2 không hợp lệ (chọn một trong: \3)",
        ),
        (r"^argument (.+?): invalid (\w+) value: (.*)$", r"tham số \1: giá trị \3 không hợp lệ (cần kiểu \2)"),
        (r"^argument (.+?): expected one argument$", r"tham số \1: cần một giá trị"),
        (r"^argument (.+?): expected at least one argument$", r"tham số \1: cần ít nhất một giá trị"),
        (r"^argument (.+?): expected (\d+) arguments?$", r"tham số \1: cần \2 giá trị"),
        (r"^argument (.+?): ignored explicit argument (.*)$", r"tham số \1: không nhận giá trị \2"),
        (r"^argument (.+?): not allowed with argument (.*)$", r"tham số \1: không dùng cùng tham số \2"),
        (r"^one of the arguments (.*) is required$", r"cần một trong các tham số: \1"),
        (r"^unrecognized arguments: (.*)$", r"tham số không nhận ra: \1"),
        (r"^ambiguous option: (.+?) could match (.*)$", r"tùy chọn \1 không rõ, có thể là: \2"),
        (r"^invalid choice: (.+?) \(choose from (.*)\)$", r"giá trị \1 không hợp lệ (chọn một trong: \2)"),
    )
)
_HEADINGS = (
    ("usage: ", "Cách dùng: "),
    ("\npositional arguments:\n", "\nTham số:\n"),
    ("\noptions:\n", "\nTùy chọn:\n"),
    ("\noptional arguments:\n", "\nTùy chọn:\n"),
    ("show this help message and exit", "in hướng dẫn này rồi thoát"),
)

# The help of the options Django adds to every command.
_BASE_HELP: dict[str, str] = {
    "Show program's version number and exit.": "In số phiên bản rồi thoát.",
    "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, 3=very verbose output": (
        "Mức chi tiết của thông báo: 0 tối thiểu, 1 bình thường, 2 chi tiết, 3 rất chi tiết."
    ),
    (
        'The Python path to a settings module, e.g. "myproject.settings.main". If this isn\'t provided, the '
        "DJANGO_SETTINGS_MODULE environment variable will be used."
    ): "Mô-đun cấu hình (mặc định: biến môi trường DJANGO_SETTINGS_MODULE).",
    'A directory to add to the Python path, e.g. "/home/djangoprojects/myproject".': (
        "Thư mục thêm vào đường dẫn Python."
    ),
    "Display a full stack trace on CommandError exceptions.": "In đầy đủ vết lỗi khi lệnh báo lỗi.",
    "Don't colorize the command output.": "Không tô màu thông báo.",
    "Force colorization of the command output.": "Luôn tô màu thông báo.",
    "Skip system checks.": "Bỏ qua bước kiểm tra hệ thống.",
}

# errno -> what happened, for a file the command was given.
_OS_ERRORS: dict[int, str] = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải là thư mục",
    errno.ENOSPC: "hết chỗ trống trên đĩa",
    errno.EROFS: "hệ thống tệp chỉ cho đọc",
    errno.EEXIST: "tệp đã tồn tại",
    errno.ENAMETOOLONG: "tên tệp quá dài",
}


def argparse_message(message: str) -> str:
    """argparse's English ``message`` in Vietnamese (unchanged when it is not one of argparse's)."""
    for pattern, text in _MESSAGES:
        if pattern.match(message):
            return pattern.sub(text, message)
    return message


def os_error_text(exc: OSError) -> str:
    """An ``OSError`` in Vietnamese: "không có tệp hoặc thư mục này: /tmp/x.json"."""
    what = _OS_ERRORS.get(exc.errno or 0, "lỗi hệ thống tệp" + (f" (mã {exc.errno})" if exc.errno else ""))
    return f"{what}: {exc.filename}" if exc.filename else what


def _vietnamese_help(text: str) -> str:
    for english, vietnamese in _HEADINGS:
        text = text.replace(english, vietnamese)
    return text


class VietnameseCommandParser(CommandParser):
    """Django's ``CommandParser`` with argparse's messages, usage and help headings in Vietnamese."""

    def format_usage(self) -> str:
        return _vietnamese_help(super().format_usage())

    def format_help(self) -> str:
        return _vietnamese_help(super().format_help())

    def error(self, message: str) -> NoReturn:
        text = argparse_message(message)
        if getattr(self, "called_from_command_line", False):
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}: lỗi: {text}\n")
        raise CommandError(f"Lỗi: {text}")

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("help"), str):
            kwargs["help"] = _BASE_HELP.get(kwargs["help"], kwargs["help"])
        return super().add_argument(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", type(self))
        kwargs.setdefault("title", "lệnh con")
        return super().add_subparsers(**kwargs)


def install() -> None:
    """Make :class:`VietnameseCommandParser` the parser of every management command (idempotent)."""
    base.CommandParser = VietnameseCommandParser  # type: ignore[misc]
