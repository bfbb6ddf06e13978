"""Drives the simulated ESP32 ROM loader through pyserial (its RFC 2217 client, or a pty as a serial port), one
step at a time the way a flashing tool does, and prints what it saw as one JSON object. Used by the NodeSim tests.

usage: rom_over_rfc2217.py URL-OR-PATH (full|reset-only|no-reset)
  full        classic reset, SYNC, registers, 0xFF bytes both ways, compensated change to 921600 baud, one
              1 KiB flash write at 0x20000 (bytes i*7 mod 256)
  reset-only  classic reset and the boot text
  no-reset    as full, without the reset (a pty has no DTR/RTS; the chip waits in download mode)
"""
import json
import struct
import sys
import time

import serial

FLASH_BEGIN, FLASH_DATA, FLASH_END = 0x02, 0x03, 0x04
SYNC, WRITE_REG, READ_REG, SPI_ATTACH, CHANGE_BAUDRATE = 0x08, 0x09, 0x0A, 0x0D, 0x0F
CHIP_DETECT_MAGIC_REG_ADDR = 0x40001000
RTCCALICFG1 = 0x3FF5F06C
EFUSE_BLK0_RDATA4_REG = 0x3FF5A010
UART_CLKDIV_REG = 0x3FF40014
SPI_W0_REG = 0x3FF42080


def slip_encode(packet):
    body = bytearray()
    for b in packet:
        if b == 0xC0:
            body += b"\xdb\xdc"
        elif b == 0xDB:
            body += b"\xdb\xdd"
        else:
            body.append(b)
    return b"\xc0" + bytes(body) + b"\xc0"


class Rom:
    def __init__(self, port):
        self.port = port
        self.pending = bytearray()

    def frame(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            start = self.pending.find(b"\xc0")
            if start >= 0:
                end = self.pending.find(b"\xc0", start + 1)
                if end > start + 1:
                    raw = bytes(self.pending[start + 1:end])
                    del self.pending[:end + 1]
                    return raw.replace(b"\xdb\xdc", b"\xc0").replace(b"\xdb\xdd", b"\xdb")
                if end == start + 1:
                    del self.pending[:start + 1]
                    continue
            self.pending += self.port.read(self.port.in_waiting or 1)
        return None

    def command(self, op, data, checksum=0, timeout=1.0):
        self.port.write(slip_encode(struct.pack("<BBHI", 0, op, len(data), checksum) + data))
        deadline = time.time() + timeout
        while time.time() < deadline:
            response = self.frame(deadline - time.time())
            if response and len(response) >= 10 and response[0] == 1 and response[1] == op:
                value = struct.unpack("<I", response[4:8])[0]
                status = response[8:10]
                if status[0] != 0:
                    raise RuntimeError("command 0x%02x failed with error 0x%02x" % (op, status[1]))
                return value
        raise RuntimeError("no response to command 0x%02x" % op)

    def read_reg(self, address):
        return self.command(READ_REG, struct.pack("<I", address))


def classic_reset(port):
    # The steps of esptool's ClassicReset: EN low, then DTR raised (both asserted) and RTS dropped, then IO0 released.
    port.dtr = False
    port.rts = True
    time.sleep(0.1)
    port.dtr = True
    port.rts = False
    time.sleep(0.05)
    port.dtr = False


def boot_text(port, seconds):
    text = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        text += port.read(port.in_waiting or 1)
        if b"waiting for download" in text or b"SPI_FAST_FLASH_BOOT" in text:
            break
    return text.decode("ascii", "replace")


def main():
    url, mode = sys.argv[1], sys.argv[2]
    port = serial.serial_for_url(url, baudrate=115200, timeout=0.05)
    seen = {"opened": port.is_open}
    if mode != "no-reset":
        classic_reset(port)
        seen["boot"] = boot_text(port, 1.0)
    if mode == "reset-only":
        port.close()
        print(json.dumps(seen))
        return

    rom = Rom(port)
    seen["sync_value"] = rom.command(SYNC, b"\x07\x07\x12\x20" + b"\x55" * 32, timeout=0.5)
    time.sleep(0.1)
    port.reset_input_buffer()
    rom.pending.clear()
    seen["magic"] = rom.read_reg(CHIP_DETECT_MAGIC_REG_ADDR)
    # 0xFF bytes both ways: doubled as telnet IAC by the client and by the server.
    rom.command(WRITE_REG, struct.pack("<IIII", SPI_W0_REG, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    seen["all_ones"] = rom.read_reg(SPI_W0_REG)

    # esptool's ESP32 baud workaround: ask for the rate scaled by the crystal frequency the ROM computed.
    cali = (rom.read_reg(RTCCALICFG1) >> 7) & 0x1FFFFFF
    ck8m = rom.read_reg(EFUSE_BLK0_RDATA4_REG) & 0xFF
    rom_freq = cali * 15625 * ck8m / 40
    seen["rom_freq"] = rom_freq
    rom.command(CHANGE_BAUDRATE, struct.pack("<II", int(921600 * rom_freq // 40e6), 0))
    port.baudrate = 921600
    time.sleep(0.05)
    port.reset_input_buffer()
    rom.pending.clear()
    seen["magic_at_921600"] = rom.read_reg(CHIP_DETECT_MAGIC_REG_ADDR)
    seen["clkdiv_at_921600"] = rom.read_reg(UART_CLKDIV_REG)

    block = bytes((i * 7) & 0xFF for i in range(1024))
    checksum = 0xEF
    for b in block:
        checksum ^= b
    rom.command(SPI_ATTACH, struct.pack("<II", 0, 0))
    rom.command(FLASH_BEGIN, struct.pack("<IIII", len(block), 1, len(block), 0x20000), timeout=3)
    rom.command(FLASH_DATA, struct.pack("<IIII", len(block), 0, 0, 0) + block, checksum, timeout=3)
    seen["wrote"] = len(block)
    port.close()
    print(json.dumps(seen))


main()
