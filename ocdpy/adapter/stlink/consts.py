"""ST-Link USB protocol numbers: command codes, reply status bytes, modes, limits.

These are facts of ST's wire protocol, the same numbers every open driver uses.
"""

from __future__ import annotations

CMD_SIZE = 16  # a command block is always 16 bytes on V2/V3
DATA_SIZE = 6144  # the firmware's buffer: the most one 16/32-bit memory command moves
RW8_MAX = 64  # 8-bit transfers: one full-speed packet...
RW8_MAX_V3 = 512  # ...or 512 bytes on STLINK-V3 from firmware J6
MAX_WAIT_RETRIES = 8  # WAIT answers are retried with a doubling delay from 1 ms

# Top-level commands
GET_VERSION = 0xF1
DEBUG_COMMAND = 0xF2
DFU_COMMAND = 0xF3
SWIM_COMMAND = 0xF4
GET_CURRENT_MODE = 0xF5
GET_TARGET_VOLTAGE = 0xF7
GET_VERSION_EX = 0xFB

DFU_EXIT = 0x07
SWIM_EXIT = 0x01

# GET_CURRENT_MODE answers
MODE_DFU = 0x00
MODE_MASS = 0x01
MODE_DEBUG = 0x02
MODE_SWIM = 0x03
MODE_BOOTLOADER = 0x04

# Debug sub-commands (after 0xF2)
READMEM_32BIT = 0x07
WRITEMEM_32BIT = 0x08
READMEM_8BIT = 0x0C
WRITEMEM_8BIT = 0x0D
EXIT = 0x21
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
SWD_SET_FREQ = 0x43
READ_DAP_REG = 0x45
WRITE_DAP_REG = 0x46
READMEM_16BIT = 0x47
WRITEMEM_16BIT = 0x48
INIT_AP = 0x4B
CLOSE_AP_DBG = 0x4C
SET_COM_FREQ = 0x61
GET_COM_FREQ = 0x62

ENTER_SWD_NO_RESET = 0xA3
NRST_LOW, NRST_HIGH = 0x00, 0x01
DP_PORT = 0xFFFF  # READ/WRITE_DAP_REG "port" meaning the DP itself

# Reply status bytes
OK = 0x80
FAULT = 0x81
NO_DEVICE_CONNECTED = 0x05
CMD_ERROR = 0x08
GET_IDCODE_ERROR = 0x09
ALIGNMENT_ERROR = 0x0A
DBG_POWER_ERROR = 0x0B
WRITE_ERROR = 0x0C
WRITE_VERIF_ERROR = 0x0D
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

STATUS_TEXT = {
    FAULT: "SWD fault",
    NO_DEVICE_CONNECTED: "the probe is not connected to the target",
    CMD_ERROR: "command error",
    GET_IDCODE_ERROR: "no answer to the DPIDR read",
    ALIGNMENT_ERROR: "unaligned access",
    DBG_POWER_ERROR: "debug power-up not acknowledged",
    WRITE_ERROR: "write error",
    SWD_AP_WAIT: "AP WAIT",
    SWD_AP_FAULT: "AP FAULT",
    SWD_AP_ERROR: "no answer from the AP",
    SWD_AP_PARITY_ERROR: "AP parity error",
    SWD_DP_WAIT: "DP WAIT",
    SWD_DP_FAULT: "DP FAULT",
    SWD_DP_ERROR: "no answer from the DP",
    SWD_DP_PARITY_ERROR: "DP parity error",
    SWD_AP_WDATA_ERROR: "AP write data error",
    SWD_AP_STICKY_ERROR: "AP sticky error",
    SWD_AP_STICKYORUN_ERROR: "AP sticky overrun",
    BAD_AP_ERROR: "bad access port",
    FREQ_NOT_SUPPORTED: "frequency not supported",
    UNKNOWN_CMD: "unknown command",
}
WAIT_STATUSES = frozenset({SWD_AP_WAIT, SWD_DP_WAIT})
# The target said nothing usable on the wires: wiring, power, pins disabled.
LINK_STATUSES = frozenset({
    NO_DEVICE_CONNECTED, GET_IDCODE_ERROR, DBG_POWER_ERROR, SWD_AP_ERROR, SWD_AP_PARITY_ERROR, SWD_DP_ERROR,
    SWD_DP_PARITY_ERROR, SWD_DP_FAULT,
})

# Product IDs, by probe generation (the first reply of GET_VERSION tells the rest)
PID_V1 = 0x3744
PID_V2 = 0x3748
PID_V2_1 = 0x374B
PID_V2_1_NO_MSD = 0x3752
PID_V3_LOADER = 0x374D
PID_V3E = 0x374E
PID_V3S = 0x374F
PID_V3_2VCP = 0x3753
PID_V3E_NO_MSD = 0x3754
V2_1_PIDS = frozenset({PID_V2_1, PID_V2_1_NO_MSD})
V3_PIDS = frozenset({PID_V3_LOADER, PID_V3E, PID_V3S, PID_V3_2VCP, PID_V3E_NO_MSD})

# Endpoints: IN is 0x81 on every generation; OUT and trace move on V2-1 and V3.
EP_IN = 0x81
EP_OUT_V2, EP_TRACE_V2 = 0x02, 0x83
EP_OUT_V2_1, EP_TRACE_V2_1 = 0x01, 0x82

# DCRSR REGSEL values the probe's register commands take
REGSEL_XPSR, REGSEL_MSP, REGSEL_PSP, REGSEL_SPECIAL, REGSEL_FPSCR = 16, 17, 18, 0x14, 0x21
REGSEL_S0 = 0x40
