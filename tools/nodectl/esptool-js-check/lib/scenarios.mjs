// The esptool commands, each driven through esptool-js against the ROM loader. Every scenario returns a plain
// object that script.mjs prints as JSON; the C# tests compare it with the simulator's flash, RAM and registers.
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import {
  UART_CLKDIV_REG,
  changeBaudLikeEsptool,
  describe,
  flashMd5,
  readFlashSlow,
  romCrystalEstimate,
  romStatus,
} from "./rom.mjs";

const md5 = (bytes) => createHash("md5").update(bytes).digest("hex");

/** esptool-js pads every image to a multiple of 4 bytes with 0xFF before writing it. */
function padTo4(data) {
  const padded = new Uint8Array(Math.ceil(data.length / 4) * 4).fill(0xff);
  padded.set(data);
  return padded;
}

function number(text, what) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${what} '${text}' is not a number`);
  }

  return value;
}

/** "OFFSET:FILE" */
export function parseImage(arg) {
  const colon = arg.indexOf(":");
  if (colon < 0) {
    throw new Error(`'${arg}' is not OFFSET:FILE`);
  }

  return { address: number(arg.slice(0, colon), "offset"), data: new Uint8Array(readFileSync(arg.slice(colon + 1))) };
}

/** "OFFSET:LENGTH[:FILE]" */
export function parseRegion(arg) {
  const [offset, length, ...file] = arg.split(":");
  return { address: number(offset, "offset"), length: number(length, "length"), file: file.join(":") || null };
}

/** A stub-only command sent to the ROM: what esptool-js does and what the ROM answered. */
async function probeStubOnly(run) {
  try {
    await run();
    return { refused: false };
  } catch (e) {
    return { refused: true, error: describe(e), rom: romStatus(e) };
  }
}

/** esptool chip_id / read_mac / flash_id. */
export async function identify({ loader }) {
  const chip = loader.chip;
  const flashId = (await loader.readFlashId()) >>> 0;
  return {
    chip: chip.CHIP_NAME,
    description: await chip.getChipDescription(loader),
    crystalMhz: await chip.getCrystalFreq(loader),
    mac: await chip.readMac(loader),
    flashId,
    flashSize: loader.DETECTED_FLASH_SIZES[(flashId >> 16) & 0xff] ?? null,
  };
}

/**
 * esptool write_flash (then its verify by MD5): one writeFlash() per image so a ROM refusal names its image;
 * the first refusal ends the run, as in esptool.
 */
export async function write({ loader }, { compress, images }) {
  const results = [];
  for (const image of images) {
    const padded = padTo4(image.data);
    const entry = { offset: image.address, size: image.data.length, md5Local: md5(padded) };
    results.push(entry);
    try {
      await loader.writeFlash({
        fileArray: [image],
        flashMode: "keep",
        flashFreq: "keep",
        flashSize: "keep",
        eraseAll: false,
        compress,
      });
      entry.md5Rom = (await flashMd5(loader, image.address, padded.length)).md5;
      entry.ok = true;
    } catch (e) {
      entry.ok = false;
      entry.error = describe(e);
      entry.rom = romStatus(e);
      break;
    }
  }

  return { packetSize: loader.FLASH_WRITE_SIZE, compress, images: results };
}

/** esptool verify_flash: the ROM's MD5 of each region against the file's. */
export async function verify({ loader }, { images }) {
  const results = [];
  for (const image of images) {
    const local = md5(image.data);
    const rom = (await flashMd5(loader, image.address, image.data.length)).md5;
    results.push({ offset: image.address, size: image.data.length, md5Local: local, md5Rom: rom, match: local === rom });
  }

  return { images: results };
}

/** esptool read_flash against the ROM: READ_FLASH_SLOW, 64 bytes per command. */
export async function read({ loader }, { regions }) {
  const stubReadFlash = await probeStubOnly(() => loader.readFlash(regions[0].address, 64));
  const results = [];
  for (const region of regions) {
    const started = Date.now();
    const data = await readFlashSlow(loader, region.address, region.length);
    if (region.file) {
      writeFileSync(region.file, data);
    }

    results.push({ offset: region.address, length: region.length, md5: md5(data), ms: Date.now() - started });
  }

  return { stubReadFlash, regions: results };
}

/**
 * esptool erase_region needs the stub; against the ROM a region is erased by FLASH_BEGIN with its size and no
 * data (esptool-js's flashBegin(size, offset)). Also shows what the stub-only ERASE_FLASH gets from the ROM.
 */
export async function erase({ loader }, { regions }) {
  const stubEraseFlash = await probeStubOnly(() => loader.eraseFlash());
  const results = [];
  for (const region of regions) {
    try {
      const announcedPackets = await loader.flashBegin(region.length, region.address);
      results.push({ offset: region.address, length: region.length, ok: true, announcedPackets });
    } catch (e) {
      results.push({ offset: region.address, length: region.length, ok: false, error: describe(e), rom: romStatus(e) });
    }
  }

  return { stubEraseFlash, regions: results };
}

/**
 * esptool load_ram: each segment with memBegin/memBlock (ESP_RAM_BLOCK per packet), every word read back with
 * READ_REG while the loader still runs, then memFinish(entry) starts the code; after that the loader must be
 * silent.
 */
export async function loadRam({ loader }, { segments, entry }) {
  const results = [];
  for (const segment of segments) {
    const data = padTo4(segment.data);
    const blocks = Math.ceil(data.length / loader.ESP_RAM_BLOCK);
    await loader.memBegin(data.length, blocks, loader.ESP_RAM_BLOCK, segment.address);
    for (let seq = 0; seq < blocks; seq++) {
      await loader.memBlock(data.subarray(seq * loader.ESP_RAM_BLOCK, (seq + 1) * loader.ESP_RAM_BLOCK), seq);
    }

    results.push({ address: segment.address, size: data.length, blocks, md5Local: md5(data) });
  }

  for (const [i, segment] of segments.entries()) {
    const data = padTo4(segment.data);
    const back = new Uint8Array(data.length);
    const view = new DataView(back.buffer);
    for (let at = 0; at < data.length; at += 4) {
      view.setUint32(at, (await loader.readReg(segment.address + at)) >>> 0, true);
    }

    results[i].md5ReadBack = md5(back);
    results[i].firstWordReadBack = view.getUint32(0, true);
  }

  await loader.memFinish(entry);
  let answersAfterRun;
  try {
    await loader.readReg(loader.CHIP_DETECT_MAGIC_REG_ADDR, 300);
    answersAfterRun = true;
  } catch {
    answersAfterRun = false;
  }

  return { entry, segments: results, answersAfterRun };
}

/**
 * esptool's --baud: esptool-js's changeBaud() (it sends the rate as it is), or with `compensate` what esptool
 * sends to the ESP32 ROM; then a compressed write and its MD5 at the new rate. esptool-js falls back to 115200 by
 * itself when the chip stops answering; that is reported.
 */
export async function changeBaud(session, { baud, compensate, images }) {
  const { loader } = session;
  const started = Date.now();
  const result = { requested: baud, compensated: compensate, romCrystalEstimateHz: await romCrystalEstimate(loader) };
  try {
    if (compensate) {
      Object.assign(result, await changeBaudLikeEsptool(loader, baud));
    } else {
      loader.baudrate = baud;
      await loader.changeBaud();
    }
  } catch (e) {
    // after losing the chip esptool-js reconnects and uploads its stub, which the ROM simulation does not run
    return { ...result, ok: false, error: describe(e), log: session.log.slice(-6) };
  }

  Object.assign(result, {
    ok: true,
    hostBaud: loader.transport.baudrate,
    loaderBaud: loader.baudrate,
    fellBack: loader.baudrate !== baud,
    changeMs: Date.now() - started,
    uartClkDiv: (await loader.readReg(UART_CLKDIV_REG)) >>> 0,
  });
  if (images.length > 0) {
    Object.assign(result, await write(session, { compress: true, images }));
  }

  return result;
}

/**
 * esptool's --after hard_reset through esptool-js's after("hard_reset"). Reports the DTR/RTS state it leaves on
 * the port.
 */
export async function hardReset(session) {
  await session.loader.after("hard_reset", false);
  return { lines: { ...session.port.lines }, log: session.log.slice(-2) };
}
