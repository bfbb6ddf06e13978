// A Web Serial SerialPort look-alike over nodesim's TCP bridge (RomBootloaderTcpBridge): what esptool-js's
// Transport uses of a port. Bridge wire format, host to simulator: [type][length u16 LE][payload]; 0 = serial
// bytes, 1 = control lines (DTR, RTS), 2 = baud rate (u32 LE). Simulator to host: raw serial bytes.
import net from "node:net";

export async function openBridgePort(host, port) {
  const socket = await new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => resolve(s));
    s.on("error", reject);
  });
  socket.setNoDelay(true);
  return new BridgeSerialPort(socket);
}

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

  /** Ends the TCP connection (after esptool-js closed the port). */
  async shutdown() {
    await new Promise((resolve) => this.socket.end(resolve));
  }
}
