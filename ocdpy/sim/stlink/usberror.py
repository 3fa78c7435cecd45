"""The USB failures a virtual probe can produce, by libusb error code.

Kept free of pyusb so the firmware model imports cheaply; the pyusb backend turns
these into `usb.core.USBError` / `USBTimeoutError` with libusb's own texts.
"""

from __future__ import annotations

import errno

LIBUSB_ERROR_IO = -1
LIBUSB_ERROR_NO_DEVICE = -4
LIBUSB_ERROR_BUSY = -6
LIBUSB_ERROR_TIMEOUT = -7
LIBUSB_ERROR_OVERFLOW = -8
LIBUSB_ERROR_PIPE = -9

# libusb_strerror() texts and the errno pyusb attaches (backend/libusb1.py does the same).
LIBUSB_TEXT = {
    LIBUSB_ERROR_IO: ("Input/Output Error", errno.EIO),
    LIBUSB_ERROR_NO_DEVICE: ("No such device (it may have been disconnected)", errno.ENODEV),
    LIBUSB_ERROR_BUSY: ("Resource busy", errno.EBUSY),
    LIBUSB_ERROR_TIMEOUT: ("Operation timed out", errno.ETIMEDOUT),
    LIBUSB_ERROR_OVERFLOW: ("Overflow", errno.EOVERFLOW),
    LIBUSB_ERROR_PIPE: ("Pipe error", errno.EPIPE),
}


class SimUsbError(Exception):
    """A USB transfer to or from the virtual probe failed with libusb error `code`."""

    def __init__(self, code: int) -> None:
        text, _ = LIBUSB_TEXT.get(code, ("Unknown error", None))
        super().__init__(text)
        self.code = code
        self.text = text

    @property
    def errno(self) -> int | None:
        return LIBUSB_TEXT.get(self.code, ("", None))[1]
