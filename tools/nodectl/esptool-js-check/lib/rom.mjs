// What esptool does with the ESP32 ROM loader (no stub) that esptool-js 0.7.0 does not, or does differently.
// Sources: esptool v4 loader.py (flash_spi_attach, flash_set_parameters), targets/esp32.py (read_flash_slow),
// Espressif's serial-protocol doc (command numbers, the ROM's 32-character MD5 answer).

export const ESP_SPI_SET_PARAMS = 0x0b;
export const ESP_READ_FLASH_SLOW = 0x0e;

/** Most bytes one READ_FLASH_SLOW returns; the ROM always answers with a buffer this size. */
export const READ_FLASH_SLOW_BLOCK = 64;

function words(...values) {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  return bytes;
}

/**
 * SPI_ATTACH as the ROM takes it: the pin word plus a second word (0 = not legacy). esptool-js's
 * flashSpiAttach() sends the stub's 4-byte form only.
 */
export async function attachSpiFlash(loader) {
  await loader.checkCommand("attach SPI flash", loader.ESP_SPI_ATTACH, words(0, 0));
}

/**
 * SPI_SET_PARAMS: tells the ROM the chip size that bounds its erases and writes (esptool's flash_set_parameters,
 * sent on every connect; esptool-js never sends it).
 */
export async function setFlashParameters(loader, totalSize) {
  const flashId = 0;
  const blockSize = 64 * 1024;
  const sectorSize = 4 * 1024;
  const pageSize = 256;
  const statusMask = 0xffff;
  await loader.checkCommand(
    "set SPI params",
    ESP_SPI_SET_PARAMS,
    words(flashId, totalSize, blockSize, sectorSize, pageSize, statusMask),
  );
}

/**
 * Reads flash through the ROM, 64 bytes per READ_FLASH_SLOW command. esptool-js has no ROM read: its readFlash()
 * sends the stub-only READ_FLASH (0xd2).
 */
export async function readFlashSlow(loader, address, length) {
  const data = new Uint8Array(length);
  for (let at = 0; at < length; at += READ_FLASH_SLOW_BLOCK) {
    const n = Math.min(READ_FLASH_SLOW_BLOCK, length - at);
    const block = await loader.checkCommand(
      `read flash at 0x${(address + at).toString(16)}`,
      ESP_READ_FLASH_SLOW,
      words(address + at, n),
      0,
      READ_FLASH_SLOW_BLOCK,
    );
    data.set(block.subarray(0, n), at);
  }

  return data;
}

/**
 * SPI_FLASH_MD5 through esptool-js's flashMd5sum(). The ROM answers with 32 ASCII hex characters; in ROM mode
 * esptool-js hex-encodes those characters again, so the 64-character string is decoded once more here.
 */
export async function flashMd5(loader, address, size) {
  const raw = await loader.flashMd5sum(address, size);
  return { md5: Buffer.from(raw, "hex").toString("ascii"), raw };
}

/** The ROM's status bytes from an esptool-js error ("... failed with status 1,8"), or null. */
export function romStatus(error) {
  const match = /status (\d+),(\d+)/.exec(String(error?.message ?? error));
  return match ? { status: Number(match[1]), error: Number(match[2]) } : null;
}

export function describe(error) {
  return String(error?.message ?? error);
}

// ESP32 registers esptool reads to undo the ROM's crystal estimate (targets/esp32.py).
const RTCCALICFG1 = 0x3ff5f06c;
const TIMERS_RTC_CALI_VALUE_S = 7;
const TIMERS_RTC_CALI_VALUE = 0x1ffffff;
const EFUSE_RD_CK8M_FREQ_WORD = 4;
export const UART_CLKDIV_REG = 0x3ff40014;

/**
 * The crystal frequency the ESP32 ROM computed at boot: cali_val * 15625 * ck8m / 40 (esptool's
 * get_rom_cal_crystal_freq). The ROM derives its UART divider from this value, not from the real 40 MHz.
 */
export async function romCrystalEstimate(loader) {
  const caliVal = ((await loader.readReg(RTCCALICFG1)) >>> TIMERS_RTC_CALI_VALUE_S) & TIMERS_RTC_CALI_VALUE;
  const ck8m = (await loader.chip.readEfuse(loader, EFUSE_RD_CK8M_FREQ_WORD)) & 0xff;
  return (caliVal * 15625 * ck8m) / 40;
}

/**
 * CHANGE_BAUDRATE the way esptool's ESP32ROM.change_baud sends it: the rate scaled by the ROM's crystal estimate
 * over the crystal it stands for, so the chip really ends up at `baud`; then the host follows.
 */
export async function changeBaudLikeEsptool(loader, baud) {
  const estimate = await romCrystalEstimate(loader);
  const validFreq = estimate > 33e6 ? 40e6 : 26e6;
  const romBaud = Math.floor((baud * estimate) / validFreq);
  const value = new Uint8Array(8);
  new DataView(value.buffer).setUint32(0, romBaud, true);
  await loader.checkCommand("change baud rate", loader.ESP_CHANGE_BAUDRATE, value);
  await loader.transport.changeBaudrate(baud);
  loader.baudrate = baud;
  await loader.transport.drainInput(); // what the chip sent while the two ends switched
  return { romCrystalEstimateHz: estimate, sentBaud: romBaud };
}
