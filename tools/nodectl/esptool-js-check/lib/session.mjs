// One esptool-js connection to the simulated chip, set up the way esptool talks to the ESP32 ROM loader (no stub).
import { ESPLoader, Transport } from "esptool-js";
import { attachSpiFlash, setFlashParameters } from "./rom.mjs";
import { openRfc2217Port } from "./rfc2217-port.mjs";

export const ROM_BAUD = 115200;

/**
 * Connects (classic DTR/RTS reset into the loader, SYNC, chip detection by magic value). With `flash`, also does
 * what esptool does before any flash command: SPI_ATTACH, then SPI_SET_PARAMS with the size read from the
 * flash's JEDEC id, and it sets the loader's data packet size to the ROM's (the chip object's FLASH_WRITE_SIZE,
 * 0x400 on the ESP32) unless `packetSize` overrides it.
 */
export async function openSession(portUrl, { flash = true, packetSize = null } = {}) {
  const log = [];
  const terminal = { clean() {}, writeLine: (s) => log.push(s), write: (s) => log.push(s) };
  const port = await openRfc2217Port(portUrl);
  const transport = new Transport(port, false);
  const loader = new ESPLoader({ transport, baudrate: ROM_BAUD, romBaudrate: ROM_BAUD, terminal });
  const session = {
    loader,
    log,
    port,
    async close() {
      await transport.disconnect();
      await port.shutdown();
    },
  };

  try {
    await connect(session, flash, packetSize);
  } catch (e) {
    e.esptoolLog = log; // what esptool-js said while connecting, for the error report
    throw e;
  }

  return session;
}

async function connect(session, flash, packetSize) {
  const { loader } = session;
  await loader.detectChip("default_reset");
  if (!flash) {
    return;
  }

  await attachSpiFlash(loader);
  // esptool-js keeps 0x4000 (the stub's block) even without a stub; esptool uses the ROM's 0x400.
  loader.FLASH_WRITE_SIZE = packetSize ?? loader.chip.FLASH_WRITE_SIZE;
  const size = await loader.detectFlashSize();
  if (!size) {
    throw new Error("the flash's JEDEC id gives no size, so SPI_SET_PARAMS cannot be sent");
  }

  session.flashSize = sizeInBytes(size);
  await setFlashParameters(loader, session.flashSize);
}

/** "4MB" / "512KB" as esptool-js's DETECTED_FLASH_SIZES spell them (its flashSizeBytes() logs to stdout). */
function sizeInBytes(text) {
  const match = /^(\d+)(KB|MB)$/.exec(text);
  if (!match) {
    throw new Error(`flash size '${text}' is not in KB or MB`);
  }

  return Number(match[1]) * (match[2] === "MB" ? 1024 * 1024 : 1024);
}
