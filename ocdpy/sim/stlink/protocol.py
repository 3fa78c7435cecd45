"""ST-Link USB command codes and status bytes, as the probe firmware understands them.

The values are facts of the wire protocol (the same numbers appear in every open
driver: OpenOCD's stlink_usb.c, the stlink project, pyOCD); names follow ST's.
A debug command is 0xF2 followed by a sub-command; its reply carries a status byte
first (0x80 = OK) unless noted otherwise in the firmware handler.

ocdpy.adapter.stlink has its own table of the same numbers on purpose: the virtual
probe is the driver's test oracle, so a wrong number must not be shared by both.
"""

from __future__ import annotations

CMD_SIZE = 16  # every command block the host sends is padded to 16 bytes
DATA_SIZE = 6144  # the firmware's buffer: limit of one 16/32-bit memory transfer
RW8_MAX_FS = 64  # 8-bit transfers fit one USB packet: 64 bytes on full-speed probes
RW8_MAX_HS = 512  # ... and 512 on STLINK-V3 from firmware J6

# Top-level commands (first byte).
GET_VERSION = 0xF1
DEBUG_COMMAND = 0xF2
DFU_COMMAND = 0xF3
SWIM_COMMAND = 0xF4
GET_CURRENT_MODE = 0xF5
GET_TARGET_VOLTAGE = 0xF7
GET_VERSION_EX = 0xFB  # STLINK-V3 only

# GET_CURRENT_MODE answers.
MODE_DFU = 0x00
MODE_MASS = 0x01
MODE_DEBUG = 0x02
MODE_SWIM = 0x03

DFU_EXIT = 0x07
SWIM_ENTER = 0x00
SWIM_EXIT = 0x01

# Debug sub-commands (second byte after 0xF2).
GETSTATUS = 0x01
FORCEDEBUG = 0x02
READMEM_32BIT = 0x07
WRITEMEM_32BIT = 0x08
RUNCORE = 0x09
STEPCORE = 0x0A
READMEM_8BIT = 0x0C
WRITEMEM_8BIT = 0x0D
EXIT = 0x21
READCOREID = 0x22
APIV2_ENTER = 0x30
READ_IDCODES = 0x31
RESETSYS = 0x32
READREG = 0x33
WRITEREG = 0x34
WRITEDEBUGREG = 0x35
READDEBUGREG = 0x36
READALLREGS = 0x3A
GETLASTRWSTATUS = 0x3B
DRIVE_NRST = 0x3C
GETLASTRWSTATUS2 = 0x3E
START_TRACE_RX = 0x40
STOP_TRACE_RX = 0x41
GET_TRACE_NB = 0x42
SWD_SET_FREQ = 0x43
JTAG_SET_FREQ = 0x44
READ_DAP_REG = 0x45
WRITE_DAP_REG = 0x46
READMEM_16BIT = 0x47
WRITEMEM_16BIT = 0x48
BLINK_LED = 0x49
INIT_AP = 0x4B
CLOSE_AP_DBG = 0x4C
WRITEMEM_32BIT_NO_ADDR_INC = 0x50
RW_MISC_OUT = 0x51
RW_MISC_IN = 0x52
READMEM_32BIT_NO_ADDR_INC = 0x54
SET_COM_FREQ = 0x61  # STLINK-V3 only
GET_COM_FREQ = 0x62  # STLINK-V3 only

# APIV2_ENTER argument.
ENTER_JTAG_RESET = 0x00
ENTER_SWD_NO_RESET = 0xA3
ENTER_JTAG_NO_RESET = 0xA4

# DRIVE_NRST argument.
NRST_LOW = 0x00
NRST_HIGH = 0x01
NRST_PULSE = 0x02

DP_PORT = 0xFFFF  # READ/WRITE_DAP_REG port number meaning "the DP itself"

# RW_MISC item codes.
MISC_ADDRESS = 1
MISC_WRITE = 2
MISC_READ = 3
MISC_APNUM = 5

# Status bytes.
OK = 0x80
FAULT = 0x81
UNKNOWN_ERROR = 0x01
NO_DEVICE_CONNECTED = 0x05
CMD_ERROR = 0x08
GET_IDCODE_ERROR = 0x09
ALIGNMENT_ERROR = 0x0A
DBG_POWER_ERROR = 0x0B
SWD_AP_WAIT = 0x10
SWD_AP_FAULT = 0x11
SWD_AP_ERROR = 0x12
SWD_AP_PARITY_ERROR = 0x13
SWD_DP_WAIT = 0x14
SWD_DP_FAULT = 0x15
SWD_DP_ERROR = 0x16
SWD_DP_PARITY_ERROR = 0x17
SWD_AP_WDATA_ERROR = 0x18
SWD_AP_STICKY_ERROR = 0x19
SWD_AP_STICKYORUN_ERROR = 0x1A
BAD_AP_ERROR = 0x1D
FREQ_NOT_SUPPORTED = 0x41
UNKNOWN_CMD = 0x42

# Legacy GETSTATUS answers.
CORE_RUNNING = 0x80
CORE_HALTED = 0x81

# ST-Link/V2 SWD clock divisors and the frequency (kHz) each one gives; the firmware
# accepts any divisor, these are the ones drivers pick from.
SWD_DIVISOR_KHZ = {
    0: 4000, 1: 1800, 2: 1200, 3: 950, 5: 650, 7: 480, 9: 400, 10: 360,
    15: 240, 25: 150, 31: 125, 40: 100, 79: 50, 158: 25, 265: 15, 798: 5,
}
DEFAULT_SWD_DIVISOR = 1

# STLINK-V3 communication frequencies (kHz), fastest first, as GET_COM_FREQ lists them.
V3_SWD_KHZ = (24000, 8000, 3300, 1000, 200, 50, 5)
V3_JTAG_KHZ = (21333, 16000, 12000, 8000, 1000, 500, 250, 125)
V3_DEFAULT_SWD_KHZ = 1000

# ARMv7-M debug registers the firmware itself touches.
DHCSR = 0xE000EDF0
DCRSR = 0xE000EDF4
DCRDR = 0xE000EDF8
DEMCR = 0xE000EDFC
AIRCR = 0xE000ED0C
DBGKEY = 0xA05F0000
C_DEBUGEN = 1 << 0
C_HALT = 1 << 1
C_STEP = 1 << 2
C_MASKINTS = 1 << 3
S_REGRDY = 1 << 16
S_HALT = 1 << 17
DCRSR_WNR = 1 << 16
AIRCR_SYSRESETREQ = 0x05FA0004

# DP registers and bits.
DP_ABORT = 0x0
DP_DPIDR = 0x0
DP_CTRL_STAT = 0x4
DP_SELECT = 0x8
DP_RDBUFF = 0xC
ABORT_CLEAR_ALL = 0x1E  # STKCMPCLR | STKERRCLR | WDERRCLR | ORUNERRCLR
CSYSPWRUPREQ = 1 << 30
CDBGPWRUPREQ = 1 << 28
CSYSPWRUPACK = 1 << 31
CDBGPWRUPACK = 1 << 29
AP_IDR = 0xFC
