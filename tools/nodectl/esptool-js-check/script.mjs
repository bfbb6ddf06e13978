// Cross-check: esptool-js (an independent implementation of the ESP serial loader protocol) flashes images
// into nodectl's simulated ESP32 ROM loader, reached over TCP, and reads back their MD5.
//
// usage: node script.mjs <tcp-port> <compress|plain> <offset:file> [<offset:file> ...]
// prints one JSON line: { chip, mac, images: [{ offset, size, md5Local, md5Rom, md5RomRaw }] }; DEBUGLOG=1 adds
// esptool-js's own log on stderr.
//
// Bridge wire format (host to simulator): [type][length u16 LE][payload]; 0 = serial bytes,
// 1 = control lines (DTR, RTS), 2 = baud rate (u32 LE). Simulator to host: raw serial bytes.
import net from "node:net";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { ESPLoader, Transport } from "esptool-js";

const [portArg, mode, ...imageArgs] = process.argv.slice(2);
if (!portArg || !["compress", "plain"].includes(mode) || imageArgs.length === 0) {
  console.error("usage: node script.mjs <tcp-port> <compress|plain> <offset:file> ...");
  process.exit(2);
}

/** A Web Serial SerialPort look-alike over the bridge socket: what esptool-js's Transport uses of it. */
class BridgeSerialPort {
  constructor(socket) {
    this.socket = socket;
    this.readable = null;
    this.writable = null;
    this.controller = null;
    this.dtr = false;
    this.rts = false;
    socket.on("data", (chunk) => {
      if (!this.controller) return; // a closed port drops what arrives
      try {
        this.controller.enqueue(new Uint8Array(chunk));
      } catch {
        this.controller = null;
      }
    });
  }

  send(type, payload) {
    for (let at = 0; at === 0 || at < payload.length; at += 60000) {
      const part = payload.subarray(at, at + 60000);
      const header = Buffer.alloc(3);
      header[0] = type;
      header.writeUInt16LE(part.length, 1);
      this.socket.write(Buffer.concat([header, Buffer.from(part)]));
    }
  }

  getInfo() {
    return {};
  }

  async open(options) {
    const port = this;
    this.readable = new ReadableStream({
      start(controller) {
        port.controller = controller;
      },
      cancel() {
        port.controller = null;
      },
    });
    this.writable = new WritableStream({
      write(chunk) {
        port.send(0, chunk);
      },
    });
    await this.setBaudRate(options.baudRate);
  }

  async setBaudRate(baudRate) {
    const payload = Buffer.alloc(4);
    payload.writeUInt32LE(baudRate, 0);
    this.send(2, payload);
  }

  async setSignals(signals) {
    if (signals.dataTerminalReady !== undefined) this.dtr = signals.dataTerminalReady;
    if (signals.requestToSend !== undefined) this.rts = signals.requestToSend;
    this.send(1, Buffer.from([this.dtr ? 1 : 0, this.rts ? 1 : 0]));
  }

  async close() {
    try {
      this.controller?.close();
    } catch {
      // already cancelled by the reader
    }
    this.controller = null;
    this.readable = null;
    this.writable = null;
  }
}

const socket = await new Promise((resolve, reject) => {
  const s = net.connect({ host: "127.0.0.1", port: Number(portArg) }, () => resolve(s));
  s.on("error", reject);
});
socket.setNoDelay(true);

const log = [];
const terminal = { clean() {}, writeLine: (s) => log.push(s), write: (s) => log.push(s) };
const port = new BridgeSerialPort(socket);
const transport = new Transport(port, false);
const loader = new ESPLoader({ transport, baudrate: 115200, romBaudrate: 115200, terminal });

try {
  await loader.detectChip("default_reset");
  const mac = await loader.chip.readMac(loader);

  // No stub: talk to the ROM loader itself. esptool-js's flashSpiAttach() sends the stub's 4-byte form;
  // the ESP32 ROM loader takes a second, zero word (Espressif's serial protocol docs).
  await loader.checkCommand("attach SPI flash", loader.ESP_SPI_ATTACH, new Uint8Array(8));

  const images = imageArgs.map((arg) => {
    const colon = arg.indexOf(":");
    return { address: Number(arg.slice(0, colon)), data: new Uint8Array(readFileSync(arg.slice(colon + 1))) };
  });
  await loader.writeFlash({
    fileArray: images,
    flashMode: "keep",
    flashFreq: "keep",
    flashSize: "keep",
    eraseAll: false,
    compress: mode === "compress",
  });

  const results = [];
  for (const image of images) {
    const padded = new Uint8Array(Math.ceil(image.data.length / 4) * 4).fill(0xff);
    padded.set(image.data);
    // In ROM mode esptool-js returns the hex of the ROM's 32 ASCII characters; decode once more.
    const md5RomRaw = await loader.flashMd5sum(image.address, padded.length);
    const md5Rom = Buffer.from(md5RomRaw, "hex").toString("ascii");
    const md5Local = createHash("md5").update(padded).digest("hex");
    results.push({ offset: image.address, size: image.data.length, md5Local, md5Rom, md5RomRaw });
  }

  await loader.after("hard_reset");
  if (process.env.DEBUGLOG) console.error(log.join("\n"));
  console.log(JSON.stringify({ chip: loader.chip.CHIP_NAME, mac, images: results }));
  socket.end();
  process.exit(0);
} catch (e) {
  console.error(`esptool-js failed: ${e?.message ?? e}`);
  console.error(log.slice(-20).join("\n"));
  process.exit(1);
}
